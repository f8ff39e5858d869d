package io.dgm4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Permutations;
import io.dgm4j.distributions.Categorical;
import io.dgm4j.engine.Scalars;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.nn.Parameters;
import io.dgm4j.optim.Adam;
import io.dgm4j.optim.GradientStep;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The linear probe of representation learning: multinomial logistic regression p(y | f) =
 * softmax(W f + b) trained on frozen features f of labelled training examples, scored by its
 * accuracy on test examples. Run on an encoder's features and on the raw pixels with the same
 * settings, it says how much of the class structure the features make linearly available —
 * the more so with few labels (the semi-supervised setting).
 *
 * <p>Features are standardised with the training examples' mean and standard deviation (floored
 * at {@link #MIN_STD}, so constant pixels do not blow up). The loss is the mean cross-entropy
 * plus (l2 / 2) ||W||^2, minimised with Adam on minibatches (full batch when there are fewer
 * examples than a batch) for a fixed number of steps: no model selection on the test set.
 */
public final class LinearProbe {
  /** The floor on a feature's standard deviation when standardising. */
  public static final double MIN_STD = 0.01;

  /**
   * Settings.
   *
   * @param steps Adam steps
   * @param batchSize examples per step
   * @param learningRate Adam's step size
   * @param l2 weight of the L2 penalty on W
   */
  public record Config(int steps, int batchSize, double learningRate, double l2) {
    public Config {
      if (steps < 1 || batchSize < 1 || !(learningRate > 0) || !(l2 >= 0)) {
        throw new IllegalArgumentException("probe settings must be positive, got steps " + steps
            + ", batch " + batchSize + ", learning rate " + learningRate + ", l2 " + l2);
      }
    }

    public static Config defaults() {
      return new Config(2000, 500, 0.01, 1e-3);
    }
  }

  /** Accuracy on the training examples and on the test examples, as fractions. */
  public record Result(int trainExamples, int testExamples, double trainAccuracy,
      double testAccuracy) {}

  private final Config config;

  public LinearProbe(Config config) {
    this.config = config;
  }

  /** Trains on {@code train} (labelled) and scores on {@code test} (labelled). */
  public Result evaluate(Dataset train, Dataset test, NDManager parent, long seed) {
    if (!train.hasLabels() || !test.hasLabels()) {
      throw new IllegalArgumentException("the probe needs class labels in both splits; "
          + (train.hasLabels() ? test.name() : train.name()) + " has none");
    }
    if (train.dimension() != test.dimension()) {
      throw new IllegalArgumentException("train and test features differ in size: "
          + train.dimension() + " vs " + test.dimension());
    }
    int f = train.dimension();
    int classes = 1 + Math.max(max(train.labels()), max(test.labels()));
    float[] mean = new float[f];
    float[] scale = new float[f];
    standardisation(train, mean, scale);
    try (NDManager m = parent.newSubManager()) {
      Parameters p = new Parameters(m, seed);
      NDArray w = p.zeros("w", f, classes);
      NDArray b = p.zeros("b", classes);
      Adam adam = new Adam(p);
      NDArray mu = m.create(mean);
      NDArray inv = m.create(scale);
      SplittableRandom random = new SplittableRandom(seed);
      int n = train.size();
      int batch = Math.min(config.batchSize(), n);
      float[] buffer = new float[batch * f];
      int[] labels = new int[batch];
      int[] order = Permutations.of(n, random);
      int position = 0;
      for (int step = 0; step < config.steps(); step++) {
        if (position + batch > n) {
          order = Permutations.of(n, random);
          position = 0;
        }
        train.gather(order, position, batch, buffer);
        train.gatherLabels(order, position, batch, labels);
        position += batch;
        try (NDScope scope = new NDScope(); NDManager s = m.newSubManager()) {
          NDArray x = SharedMemory.tensor(s, buffer, new Shape(batch, f)).sub(mu).mul(inv);
          NDArray y = s.create(labels);
          GradientStep.minimize(() -> Categorical.logProb(x.matMul(w).add(b), y).mean().neg()
              .add(Scalars.times(w.square().sum(), config.l2() / 2)), adam, 0,
              config.learningRate());
        }
      }
      return new Result(train.size(), test.size(), accuracy(train, w, b, mu, inv, m),
          accuracy(test, w, b, mu, inv, m));
    }
  }

  /**
   * {@code perClass} examples of each class, drawn without replacement with {@code seed}, in
   * their original order (the semi-supervised setting: 10 per class is the classic 100 labels).
   */
  public static Dataset balancedSubset(Dataset data, int perClass, long seed) {
    if (!data.hasLabels()) {
      throw new IllegalArgumentException(data.name() + " has no labels to choose from");
    }
    int classes = 1 + max(data.labels());
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < data.size(); i++) {
      byClass.get(data.labels()[i]).add(i);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Integer> chosen = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      List<Integer> members = byClass.get(c);
      if (members.size() < perClass) {
        throw new IllegalArgumentException(data.name() + ": class " + c + " has only "
            + members.size() + " examples, fewer than the " + perClass + " per class asked for");
      }
      for (int i = 0; i < perClass; i++) { // partial Fisher-Yates
        int j = i + random.nextInt(members.size() - i);
        Integer t = members.get(i);
        members.set(i, members.get(j));
        members.set(j, t);
        chosen.add(members.get(i));
      }
    }
    chosen.sort(null);
    int d = data.dimension();
    float[] v = new float[chosen.size() * d];
    int[] l = new int[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      System.arraycopy(data.values(), chosen.get(i) * d, v, i * d, d);
      l[i] = data.labels()[chosen.get(i)];
    }
    return new Dataset(data.name(), v, chosen.size(), data.itemShape(), l);
  }

  private static double accuracy(Dataset data, NDArray w, NDArray b, NDArray mu, NDArray inv,
      NDManager m) {
    int correct = 0;
    int f = data.dimension();
    for (int start = 0; start < data.size(); start += 1000) {
      int n = Math.min(1000, data.size() - start);
      try (NDScope scope = new NDScope(); NDManager s = m.newSubManager()) {
        NDArray x = SharedMemory.tensor(s, data.values(), start * f, n * f,
            new Shape(n, f)).sub(mu).mul(inv);
        long[] predicted = x.matMul(w).add(b).argMax(1).toLongArray();
        for (int i = 0; i < n; i++) {
          if (predicted[i] == data.labels()[start + i]) {
            correct++;
          }
        }
      }
    }
    return (double) correct / Math.max(1, data.size());
  }

  private static void standardisation(Dataset train, float[] mean, float[] inverseStd) {
    int n = train.size();
    int f = train.dimension();
    double[] sum = new double[f];
    double[] sumSq = new double[f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        double v = train.get(i, j);
        sum[j] += v;
        sumSq[j] += v * v;
      }
    }
    for (int j = 0; j < f; j++) {
      double mu = sum[j] / n;
      double var = Math.max(0, sumSq[j] / n - mu * mu);
      mean[j] = (float) mu;
      inverseStd[j] = (float) (1 / Math.max(Math.sqrt(var), MIN_STD));
    }
  }

  private static int max(int[] values) {
    int m = 0;
    for (int v : values) {
      if (v < 0) {
        throw new IllegalArgumentException("labels must be >= 0, got " + v);
      }
      m = Math.max(m, v);
    }
    return m;
  }
}
