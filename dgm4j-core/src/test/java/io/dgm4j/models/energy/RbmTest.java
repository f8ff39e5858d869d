package io.dgm4j.models.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.Batch;
import io.dgm4j.objectives.energy.GibbsContrastiveDivergence;
import io.dgm4j.sampling.AnnealedImportanceSampling;
import io.dgm4j.sampling.BlockGibbs;
import io.dgm4j.sampling.Chains;
import io.dgm4j.sampling.LogDensity;
import io.dgm4j.testing.ModelChecks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The RBM against plain double-precision Java: free energies and log Z by brute-force summation
 * over every (v, h), AIS against the exact log Z, Gibbs against the exact p(v), and contrastive
 * divergence lowering the exact NLL.
 */
class RbmTest {

  /** An RBM with weights N(0, scale²) and biases N(0, 0.5²) from a seed. */
  private static Rbm rbm(NDManager m, int visible, int hidden, double scale, long seed) {
    Rbm rbm = new Rbm(m, visible, new Rbm.Config(hidden, 10, 20), seed);
    SplittableRandom r = new SplittableRandom(seed);
    for (var p : rbm.parameters().asMap().entrySet()) {
      float[] v = new float[(int) p.getValue().getShape().size()];
      double s = p.getKey().equals("weights") ? scale : 0.5;
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (gaussian(r) * s);
      }
      p.getValue().set(v);
    }
    return rbm;
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** Plain-Java copy of the parameters, with E(v, h) = −bᵀv − cᵀh − vᵀWh. */
  private record Reference(double[][] w, double[] b, double[] c) {
    static Reference of(Rbm rbm) {
      int d = rbm.dimension();
      int h = rbm.config().hidden();
      float[] wf = rbm.parameters().get("weights").toFloatArray();
      float[] bf = rbm.parameters().get("visibleBias").toFloatArray();
      float[] cf = rbm.parameters().get("hiddenBias").toFloatArray();
      double[][] w = new double[d][h];
      double[] b = new double[d];
      double[] c = new double[h];
      for (int i = 0; i < d; i++) {
        b[i] = bf[i];
        for (int j = 0; j < h; j++) {
          w[i][j] = wf[i * h + j];
        }
      }
      for (int j = 0; j < h; j++) {
        c[j] = cf[j];
      }
      return new Reference(w, b, c);
    }

    double negativeEnergy(int v, int h) {
      double e = 0;
      for (int i = 0; i < b.length; i++) {
        if ((v >> i & 1) == 1) {
          e += b[i];
          for (int j = 0; j < c.length; j++) {
            if ((h >> j & 1) == 1) {
              e += w[i][j];
            }
          }
        }
      }
      for (int j = 0; j < c.length; j++) {
        if ((h >> j & 1) == 1) {
          e += c[j];
        }
      }
      return e;
    }

    /** log Σ_h exp(−E(v, h)) = −F(v), by summing over every hidden state. */
    double negativeFreeEnergy(int v) {
      double[] terms = new double[1 << c.length];
      for (int h = 0; h < terms.length; h++) {
        terms[h] = negativeEnergy(v, h);
      }
      return logSumExp(terms);
    }

    double logZ() {
      double[] terms = new double[1 << b.length];
      for (int v = 0; v < terms.length; v++) {
        terms[v] = negativeFreeEnergy(v);
      }
      return logSumExp(terms);
    }

    double nll(int[] data) {
      double logZ = logZ();
      double sum = 0;
      for (int v : data) {
        sum += logZ - negativeFreeEnergy(v);
      }
      return sum / data.length;
    }
  }

  private static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : x) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  /** Binary state v (bit i = unit i) as a float row. */
  private static NDArray states(NDManager m, int[] vs, int d) {
    float[] x = new float[vs.length * d];
    for (int n = 0; n < vs.length; n++) {
      for (int i = 0; i < d; i++) {
        x[n * d + i] = vs[n] >> i & 1;
      }
    }
    return m.create(x, new Shape(vs.length, d));
  }

  @Test
  void freeEnergyEqualsBruteForceSumOverHiddenStates() {
    try (NDManager m = Engines.newManager()) {
      Rbm rbm = rbm(m, 5, 4, 1.0, 1);
      Reference ref = Reference.of(rbm);
      int[] all = new int[32];
      for (int v = 0; v < 32; v++) {
        all[v] = v;
      }
      float[] f = rbm.energy(states(m, all, 5)).toFloatArray();
      for (int v = 0; v < 32; v++) {
        assertThat((double) f[v]).as("F(v=%d)", v).isCloseTo(-ref.negativeFreeEnergy(v),
            within(1e-4));
      }
    }
  }

  @Test
  void exactLogZMatchesBruteForceWhicheverLayerIsEnumerated() {
    try (NDManager m = Engines.newManager()) {
      for (int[] size : new int[][] {{6, 4}, {4, 7}}) {
        Rbm rbm = rbm(m, size[0], size[1], 1.0, 2);
        assertThat(rbm.logZ().orElseThrow().value()).as("log Z for %dx%d", size[0], size[1])
            .isCloseTo(Reference.of(rbm).logZ(), within(1e-4));
        assertThat(rbm.logZ().orElseThrow().method()).isEqualTo("exact");
      }
    }
  }

  @Test
  void probabilitiesOfEveryVisibleStateSumToOne() {
    try (NDManager m = Engines.newManager()) {
      Rbm rbm = rbm(m, 7, 5, 1.0, 3);
      NDArray all = ModelChecks.allBinaryStates(m, 7);
      double total = rbm.logProb(all).orElseThrow().exp().sum().getFloat();
      assertThat(total).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void scoreIsTheGradientOfTheNegativeFreeEnergy() {
    try (NDManager m = Engines.newManager()) {
      Rbm rbm = rbm(m, 6, 4, 1.0, 4);
      NDArray x = m.randomUniform(0f, 1f, new Shape(3, 6));
      float[] closedForm = rbm.score(x).toFloatArray();
      float[] autograd = LogDensity.of(v -> rbm.energy(v).neg(),
          rbm.parameters().asMap().values()).score(x).toFloatArray();
      for (int i = 0; i < closedForm.length; i++) {
        assertThat(closedForm[i]).isCloseTo(autograd[i], within(1e-4f));
      }
    }
  }

  @Test
  void aisIsWithinThreeStandardErrorsOfTheExactLogZAndTightensWithMoreBetas() {
    try (NDManager m = Engines.newManager()) {
      Rbm rbm = rbm(m, 12, 8, 0.6, 5);
      double exact = Reference.of(rbm).logZ();
      float[] base = rbm.parameters().get("visibleBias").toFloatArray();
      Engines.seed(11);
      AnnealedImportanceSampling.Estimate coarse = rbm.estimateLogZ(base, 200, 20);
      Engines.seed(12);
      AnnealedImportanceSampling.Estimate fine = rbm.estimateLogZ(base, 200, 1000);
      assertThat(fine.logZ()).isCloseTo(exact, within(3 * fine.standardError()));
      assertThat(coarse.logZ()).isCloseTo(exact, within(3 * coarse.standardError()));
      assertThat(fine.standardError()).isLessThan(coarse.standardError() / 2);
      assertThat(fine.standardError()).isLessThan(0.05);
      assertThat(fine.runs()).isEqualTo(200);
      assertThat(fine.betas()).isEqualTo(1000);
    }
  }

  @Test
  void aisEstimateIsUsedWhenTheLayersAreTooLargeToEnumerate() {
    try (NDManager m = Engines.newManager()) {
      Rbm rbm = new Rbm(m, 10, new Rbm.Config(6, 10, 4), 6);
      assertThat(rbm.logZ()).isEmpty();
      Engines.seed(1);
      rbm.estimateLogZ(new float[10], 50, 100);
      assertThat(rbm.logZ().orElseThrow().method()).isEqualTo("ais");
    }
  }

  /** Chi-square of the final states of many chains against exact probabilities. */
  private static double chiSquare(float[] x, int d, double[] p) {
    int[] counts = new int[p.length];
    int n = x.length / d;
    for (int i = 0; i < n; i++) {
      int v = 0;
      for (int j = 0; j < d; j++) {
        v |= (x[i * d + j] > 0.5f ? 1 : 0) << j;
      }
      counts[v]++;
    }
    double chi = 0;
    for (int k = 0; k < p.length; k++) {
      chi += (counts[k] - n * p[k]) * (counts[k] - n * p[k]) / (n * p[k]);
    }
    return chi;
  }

  @Test
  void blockGibbsPassesAChiSquareTestAgainstExactProbabilities() {
    try (NDManager m = Engines.newManager()) {
      Rbm rbm = rbm(m, 3, 2, 1.5, 7);
      Reference ref = Reference.of(rbm);
      double logZ = ref.logZ();
      double[] p = new double[8];
      for (int v = 0; v < 8; v++) {
        p[v] = Math.exp(ref.negativeFreeEnergy(v) - logZ);
      }
      Engines.seed(3);
      Chains.Result r = Chains.draw(m, m.zeros(new Shape(4000, 3)), new BlockGibbs(rbm), 50,
          null);
      assertThat(chiSquare(r.values().toFloatArray(), 3, p)).isLessThan(24.32); // 0.999, 7 dof
    }
  }

  @Test
  void clampedGibbsCompletionFollowsTheExactConditional() {
    try (NDManager m = Engines.newManager()) {
      Rbm rbm = rbm(m, 3, 2, 1.5, 8);
      Reference ref = Reference.of(rbm);
      // observe v0 = 1; the conditional over (v1, v2) is p(v) / p(v0 = 1) over odd states v
      double[] joint = new double[4];
      double total = 0;
      for (int rest = 0; rest < 4; rest++) {
        joint[rest] = Math.exp(ref.negativeFreeEnergy(1 | rest << 1));
        total += joint[rest];
      }
      double[] p = new double[8];
      for (int rest = 0; rest < 4; rest++) {
        p[1 | rest << 1] = joint[rest] / total;
      }
      Engines.seed(4);
      NDArray x = m.ones(new Shape(4000, 3));
      NDArray observed = m.create(new float[] {1, 0, 0});
      float[] done = rbm.complete(x, observed).toFloatArray();
      // only odd states occur; chi-square over the 4 of them (3 dof, 0.999 quantile 16.27)
      double chi = 0;
      int[] counts = new int[8];
      for (int i = 0; i < 4000; i++) {
        counts[(int) (done[3 * i] + 2 * done[3 * i + 1] + 4 * done[3 * i + 2])]++;
      }
      for (int v = 0; v < 8; v++) {
        if (v % 2 == 0) {
          assertThat(counts[v]).as("observed pixel kept").isZero();
        } else {
          chi += (counts[v] - 4000 * p[v]) * (counts[v] - 4000 * p[v]) / (4000 * p[v]);
        }
      }
      assertThat(chi).isLessThan(16.27);
      assertThat(rbm.completionMethod(observed, 10)).startsWith("MCMC");
    }
  }

  /** A tiny dataset: three 6-bit patterns with one bit in ten flipped. */
  private static int[] tinyData(int n) {
    int[] patterns = {0b111000, 0b000111, 0b101010};
    SplittableRandom r = new SplittableRandom(9);
    int[] data = new int[n];
    for (int i = 0; i < n; i++) {
      int v = patterns[r.nextInt(3)];
      for (int j = 0; j < 6; j++) {
        if (r.nextDouble() < 0.1) {
          v ^= 1 << j;
        }
      }
      data[i] = v;
    }
    return data;
  }

  private static void assertTrainingLowersExactNll(boolean persistent, int k) {
    try (NDManager m = Engines.newManager()) {
      Rbm rbm = new Rbm(m, 6, new Rbm.Config(4, 10, 20), 10);
      int[] data = tinyData(300);
      double before = Reference.of(rbm).nll(data);
      GibbsContrastiveDivergence cd = new GibbsContrastiveDivergence(rbm, rbm,
          new GibbsContrastiveDivergence.Config(k, 1e-4), persistent, 0);
      Engines.seed(5);
      for (int step = 0; step < 300; step++) {
        try (NDScope scope = new NDScope(); NDManager s = m.newSubManager()) {
          int[] batch = new int[30];
          System.arraycopy(data, (step % 10) * 30, batch, 0, 30);
          cd.step(new Batch(states(s, batch, 6), null), step, 0.03);
        }
      }
      double after = Reference.of(rbm).nll(data);
      // the uniform model has 6 ln 2 = 4.16 nats; the data's entropy is
      // ln 3 + 6 H(0.1) = 3.05 nats, the best any model can reach
      assertThat(after).as("exact NLL before %.3f", before).isLessThan(before - 0.5);
      if (persistent) {
        NDList state = cd.state();
        assertThat(state.stream().anyMatch(a -> "pcd.chains".equals(a.getName()))).isTrue();
      }
    }
  }

  @Test
  void cd1LowersTheExactNll() {
    assertTrainingLowersExactNll(false, 1);
  }

  @Test
  void persistentCdLowersTheExactNll() {
    assertTrainingLowersExactNll(true, 1);
  }

  @Test
  void persistentChainsResumeExactly() {
    try (NDManager m = Engines.newManager()) {
      Rbm rbm = rbm(m, 6, 4, 0.5, 12);
      GibbsContrastiveDivergence first = new GibbsContrastiveDivergence(rbm, rbm,
          new GibbsContrastiveDivergence.Config(2, 0), true, 0);
      NDArray x = states(m, tinyData(20), 6);
      Engines.seed(1);
      first.step(new Batch(x, null), 0, 0.01);
      NDList saved = new NDList();
      for (NDArray a : first.state()) {
        NDArray c = a.duplicate();
        c.setName(a.getName());
        saved.add(c);
      }
      java.util.Map<String, float[]> weights = new java.util.HashMap<>();
      rbm.parameters().asMap().forEach((k, v) -> weights.put(k, v.toFloatArray()));
      Engines.seed(2);
      first.step(new Batch(x, null), 1, 0.01);
      float[] expected = rbm.parameters().get("weights").toFloatArray();

      rbm.parameters().asMap().forEach((k, v) -> v.set(weights.get(k)));
      GibbsContrastiveDivergence resumed = new GibbsContrastiveDivergence(rbm, rbm,
          new GibbsContrastiveDivergence.Config(2, 0), true, 0);
      resumed.restore(saved, 1, "test");
      Engines.seed(2);
      resumed.step(new Batch(x, null), 1, 0.01);
      assertThat(rbm.parameters().get("weights").toFloatArray()).containsExactly(expected);
    }
  }
}
