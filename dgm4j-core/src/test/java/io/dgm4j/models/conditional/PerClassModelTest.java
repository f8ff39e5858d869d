package io.dgm4j.models.conditional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.MaximumLikelihood;
import io.dgm4j.training.Trainer;
import io.dgm4j.training.TrainingConfig;
import io.dgm4j.training.TrainingState;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A Bayes classifier of two known Bernoulli products, checked against plain double-precision
 * enumeration of the true distribution.
 */
class PerClassModelTest {
  private static final int D = 10;
  private static final double[] PRIOR = {0.4, 0.6};
  private static final double[][] P = new double[2][D];

  static {
    SplittableRandom r = new SplittableRandom(12);
    for (int d = 0; d < D; d++) {
      P[0][d] = 0.1 + 0.8 * r.nextDouble();
      P[1][d] = 0.1 + 0.8 * r.nextDouble();
    }
  }

  private static double logLikelihood(int y, float[] x, int offset) {
    double s = 0;
    for (int d = 0; d < D; d++) {
      s += x[offset + d] == 1f ? Math.log(P[y][d]) : Math.log(1 - P[y][d]);
    }
    return s;
  }

  /** Σ_x max_y p(y) p(x|y) over all 2^D states: the best accuracy any classifier can reach. */
  private static double bayesOptimalAccuracy() {
    double accuracy = 0;
    float[] x = new float[D];
    for (int s = 0; s < (1 << D); s++) {
      for (int d = 0; d < D; d++) {
        x[d] = (s >> d) & 1;
      }
      accuracy += Math.max(PRIOR[0] * Math.exp(logLikelihood(0, x, 0)),
          PRIOR[1] * Math.exp(logLikelihood(1, x, 0)));
    }
    return accuracy;
  }

  private static Dataset draw(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * D];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextDouble() < PRIOR[0] ? 0 : 1;
      for (int d = 0; d < D; d++) {
        v[i * D + d] = r.nextDouble() < P[labels[i]][d] ? 1f : 0f;
      }
    }
    return new Dataset("two-bernoullis", v, n, new int[] {D}, labels);
  }

  private static PerClassModel build(NDManager m, List<Double> priors) {
    ObjectNode config = ModelRegistry.json().createObjectNode();
    config.put("base", "bernoulli");
    config.put("classes", 2);
    config.set("priors", ModelRegistry.json().valueToTree(priors));
    return (PerClassModel) ModelRegistry.family("per-class").create(m, D, config, 1);
  }

  @Test
  void trainedClassifierReachesTheBayesOptimalAccuracy() {
    Dataset train = draw(8000, 1);
    Dataset test = draw(20000, 2);
    int ones = 0;
    for (int y : train.labels()) {
      ones += y;
    }
    try (NDManager m = Engines.newManager();
        PerClassModel model = build(m.newSubManager(),
            List.of((double) (train.size() - ones), (double) ones))) {
      new Trainer(model, new MaximumLikelihood(model),
          new TrainingConfig(15, 100, 0.05, "cosine", 0, 0, 1), TrainingState.start(),
          List.of()).fit(epoch -> train, train.slice(0, 1000));
      NDArray joint = model.classLogJoint(m.create(test.values(), new Shape(test.size(), D)));
      int[] predicted = joint.argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false)
          .toIntArray();
      int correct = 0;
      int correctByTruth = 0; // the Bayes rule with the true parameters, on the same sample
      for (int i = 0; i < test.size(); i++) {
        correct += predicted[i] == test.labels()[i] ? 1 : 0;
        double a = Math.log(PRIOR[0]) + logLikelihood(0, test.values(), i * D);
        double b = Math.log(PRIOR[1]) + logLikelihood(1, test.values(), i * D);
        correctByTruth += (a >= b ? 0 : 1) == test.labels()[i] ? 1 : 0;
      }
      double accuracy = correct / (double) test.size();
      double optimum = bayesOptimalAccuracy();
      double samplingError = Math.sqrt(optimum * (1 - optimum) / test.size());
      assertThat(optimum).as("a problem where classes overlap").isBetween(0.75, 0.99);
      assertThat(accuracy).as("Bayes-optimal %.4f ± %.4f", optimum, samplingError)
          .isCloseTo(optimum, within(4 * samplingError));
      assertThat(Math.abs(correct - correctByTruth) / (double) test.size())
          .as("against the true Bayes rule on the same inputs").isLessThan(0.01);
    }
  }

  @Test
  void logProbIsTheMixtureAndSamplesComeFromTheAskedClass() {
    try (NDManager m = Engines.newManager();
        PerClassModel model = build(m.newSubManager(), List.of(2.0, 3.0))) {
      for (int y = 0; y < 2; y++) {
        float[] logits = new float[D];
        for (int d = 0; d < D; d++) {
          logits[d] = (float) Math.log(P[y][d] / (1 - P[y][d]));
        }
        model.parameters().get(PerClassModel.memberPrefix(y) + "logits").set(logits);
      }
      Dataset data = draw(50, 3);
      float[] logP = model.logProb(m.create(data.values(), new Shape(50, D))).toFloatArray();
      for (int i = 0; i < 50; i++) {
        double expected = Math.log(PRIOR[0] * Math.exp(logLikelihood(0, data.values(), i * D))
            + PRIOR[1] * Math.exp(logLikelihood(1, data.values(), i * D)));
        assertThat((double) logP[i]).isCloseTo(expected, within(1e-4));
      }
      Engines.seed(5);
      int n = 4000;
      int[] labels = new int[n];
      java.util.Arrays.fill(labels, 1);
      float[] s = model.sampleGiven(m, m.create(labels)).toFloatArray();
      for (int d = 0; d < D; d++) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
          mean += s[i * D + d];
        }
        mean /= n;
        double sd = Math.sqrt(P[1][d] * (1 - P[1][d]) / n);
        assertThat(mean).as("pixel %d", d).isCloseTo(P[1][d], within(5 * sd));
      }
      assertThat(model.classes()).isEqualTo(2);
      assertThat(model.parameterCount()).isEqualTo(2 * D);
    }
  }
}
