package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.Support;
import io.dgm4j.models.baseline.IndependentBernoulli;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AnomalyScoresTest {
  private static final double[] P = {0.9, 0.2, 0.5, 0.7};
  private static final double[] P0 = {0.6, 0.6, 0.1, 0.3};

  private static Dataset allStates() {
    float[] v = new float[16 * 4];
    for (int s = 0; s < 16; s++) {
      for (int d = 0; d < 4; d++) {
        v[s * 4 + d] = (s >> d) & 1;
      }
    }
    return new Dataset("states", v, 16, new int[] {4}, null);
  }

  /** log Π_d p_d^x_d (1 − p_d)^(1 − x_d), in plain double precision. */
  private static double logBernoulli(double[] p, Dataset data, int i) {
    double sum = 0;
    for (int d = 0; d < p.length; d++) {
      sum += data.get(i, d) == 1f ? Math.log(p[d]) : Math.log(1 - p[d]);
    }
    return sum;
  }

  private static IndependentBernoulli bernoulli(NDManager m, double[] p) {
    IndependentBernoulli model = new IndependentBernoulli(m, p.length,
        IndependentBernoulli.Config.defaults(), 1);
    float[] logits = new float[p.length];
    for (int d = 0; d < p.length; d++) {
      logits[d] = (float) Math.log(p[d] / (1 - p[d]));
    }
    model.parameters().get("logits").set(logits);
    return model;
  }

  @Test
  void likelihoodRatioIsTheExactLogRatioOfTwoKnownDensities() {
    Dataset data = allStates();
    try (NDManager m = Engines.newManager();
        IndependentBernoulli model = bernoulli(m.newSubManager(), P);
        IndependentBernoulli background = bernoulli(m.newSubManager(), P0)) {
      ExampleScores.Scored density = ExampleScores.of(model, data, 5);
      assertThat(density.column()).isEqualTo("log_prob_nats");
      double[] score = AnomalyScores.likelihoodRatio(density.values(),
          ExampleScores.of(background, data, 7).values());
      for (int i = 0; i < 16; i++) {
        double expected = -(logBernoulli(P, data, i) - logBernoulli(P0, data, i));
        assertThat(score[i]).as("state %d", i).isCloseTo(expected, within(1e-5));
      }
    }
  }

  /** E(x) = −Σ w_d x_d: the log-density is −E(x) − log Z with log Z left unknown. */
  private static final class LinearEnergy extends AbstractModel implements EnergyModel {
    private final NDArray weights;

    LinearEnergy(NDManager manager, double[] p) {
      super(manager, p.length, 1);
      float[] w = new float[p.length];
      for (int d = 0; d < p.length; d++) {
        w[d] = (float) Math.log(p[d] / (1 - p[d]));
      }
      weights = parameters.add("w", w, p.length);
    }

    @Override
    public NDArray energy(NDArray x) {
      return x.matMul(weights).neg();
    }

    @Override
    public NDArray score(NDArray x) {
      return weights.expandDims(0).broadcast(x.getShape());
    }

    @Override
    public Optional<LogPartition> logZ() {
      return Optional.empty();
    }

    @Override
    public String family() {
      return "linear-energy";
    }

    @Override
    public Support support() {
      return Support.BINARY;
    }

    @Override
    public Record config() {
      return null;
    }
  }

  @Test
  void energyModelsGiveTheSameRatioWithoutTheirPartitionFunctions() {
    // the Bernoulli products above as energies: log p = -E - log Z, with log Z = Σ log(1 + e^w)
    // = -Σ log(1 - p); the ratio of two such models differs from the exact one by a constant
    Dataset data = allStates();
    try (NDManager m = Engines.newManager();
        LinearEnergy model = new LinearEnergy(m.newSubManager(), P);
        LinearEnergy background = new LinearEnergy(m.newSubManager(), P0)) {
      ExampleScores.Scored density = ExampleScores.of(model, data, 16);
      assertThat(density.column()).isEqualTo("neg_energy");
      double[] score = AnomalyScores.likelihoodRatio(density.values(),
          ExampleScores.of(background, data, 16).values());
      double logZ = 0;
      double logZ0 = 0;
      for (int d = 0; d < 4; d++) {
        logZ -= Math.log(1 - P[d]);
        logZ0 -= Math.log(1 - P0[d]);
      }
      for (int i = 0; i < 16; i++) {
        double exact = -(logBernoulli(P, data, i) - logBernoulli(P0, data, i));
        assertThat(score[i]).isCloseTo(exact - (logZ - logZ0), within(1e-5));
      }
    }
  }

  @Test
  void complexityAndTypicalityByHand() {
    double[] logp = {-10, -30, -20, -22};
    assertThat(AnomalyScores.likelihood(logp)).containsExactly(10, 30, 20, 22);
    assertThat(AnomalyScores.complexity(logp, new double[] {4, 25, 1, 2}))
        .containsExactly(6, 5, 19, 20);
    double h = AnomalyScores.meanNegativeLogDensity(logp); // 82 / 4 = 20.5
    assertThat(h).isEqualTo(20.5);
    assertThat(AnomalyScores.typicality(logp, 20, 1)).containsExactly(10, 10, 0, 2);
    // batches of 2: means 20 and 21 -> |0|, |1|; batches of 3 drop the last input
    assertThat(AnomalyScores.typicality(logp, 20, 2)).containsExactly(0, 1);
    assertThat(AnomalyScores.typicality(logp, 20, 3)).containsExactly(0);
    assertThatThrownBy(() -> AnomalyScores.complexity(logp, new double[3]))
        .hasMessageContaining("3 values for 4 inputs");
  }

  @Test
  void typicalityFlagsInputsThatAreTooLikely() {
    // in-distribution NLLs spread around 100; "too simple" OOD inputs have NLL 60: likelihood
    // ranks them as the least anomalous, typicality as the most
    SplittableRandom r = new SplittableRandom(3);
    double[] in = new double[500];
    double[] ood = new double[500];
    for (int i = 0; i < 500; i++) {
      in[i] = -(100 + 5 * (r.nextDouble() - 0.5));
      ood[i] = -(60 + 5 * (r.nextDouble() - 0.5));
    }
    double h = AnomalyScores.meanNegativeLogDensity(in);
    assertThat(DetectionMetrics.of(AnomalyScores.likelihood(in),
        AnomalyScores.likelihood(ood)).auroc()).isZero();
    assertThat(DetectionMetrics.of(AnomalyScores.typicality(in, h, 1),
        AnomalyScores.typicality(ood, h, 1)).auroc()).isEqualTo(1.0);
  }
}
