package io.dgm4j.evaluation;

import java.util.List;

/**
 * Anomaly scores built from a model's per-example log-density ({@link ExampleScores}: exact,
 * estimated, or −E(x) without log Z, which shifts every input by one constant and so changes
 * no ranking, no difference between two models' scores beyond a constant, and no distance from
 * a mean), each oriented so
 * that a <em>higher</em> score means <em>more anomalous</em>:
 *
 * <ul>
 *   <li>{@code likelihood}: −log p(x). Fails in one direction: a model of Fashion-MNIST gives
 *       MNIST digits, which are simpler, a higher likelihood than its own test images
 *       (Nalisnick et al., 2019, "Do Deep Generative Models Know What They Don't Know?");
 *   <li>{@code likelihood-ratio}: −[log p_θ(x) − log p_θ0(x)], with θ0 a background model of the
 *       same family trained on the same data with inputs perturbed by noise (Ren et al., 2019):
 *       what the two models share — how simple an input is — cancels;
 *   <li>{@code complexity}: −log p(x) − L(x), L(x) the input's length under a lossless image
 *       compressor in nats ({@link CompressedLength}; Serrà et al., 2020): a likelihood ratio
 *       against a universal model of images;
 *   <li>{@code typicality}: |−(1/M) Σ log p(x_m) − Ĥ| for batches of M inputs (M = 1: single
 *       inputs), Ĥ the mean −log p(x) of held-out training data, an estimate of the entropy:
 *       inputs are suspect when they are <em>atypically</em> likely as well as unlikely
 *       (Nalisnick et al., 2019, "Detecting Out-of-Distribution Inputs to Deep Generative
 *       Models Using Typicality").
 * </ul>
 */
public final class AnomalyScores {
  /** The method names, in the order they are reported. */
  public static final List<String> METHODS =
      List.of("likelihood", "likelihood-ratio", "complexity", "typicality");

  private AnomalyScores() {}

  /** −log p(x). */
  public static double[] likelihood(double[] logDensity) {
    double[] out = new double[logDensity.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = -logDensity[i];
    }
    return out;
  }

  /** −[log p_θ(x) − log p_θ0(x)]. */
  public static double[] likelihoodRatio(double[] logDensity, double[] background) {
    requireSameLength(logDensity, background.length, "background");
    double[] out = new double[logDensity.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = background[i] - logDensity[i];
    }
    return out;
  }

  /** −log p(x) − L(x), L in nats. */
  public static double[] complexity(double[] logDensity, double[] compressedNats) {
    requireSameLength(logDensity, compressedNats.length, "compressed length");
    double[] out = new double[logDensity.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = -logDensity[i] - compressedNats[i];
    }
    return out;
  }

  /**
   * |mean of −log p over each consecutive batch of {@code batch} inputs − {@code entropy}|, one
   * score per full batch (a last partial batch is dropped).
   */
  public static double[] typicality(double[] logDensity, double entropy, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("typicality batch must be at least 1, got " + batch);
    }
    double[] out = new double[logDensity.length / batch];
    for (int b = 0; b < out.length; b++) {
      double sum = 0;
      for (int m = 0; m < batch; m++) {
        sum -= logDensity[b * batch + m];
      }
      out[b] = Math.abs(sum / batch - entropy);
    }
    return out;
  }

  /** The mean −log p(x), the entropy estimate {@link #typicality} measures distance from. */
  public static double meanNegativeLogDensity(double[] logDensity) {
    double sum = 0;
    for (double v : logDensity) {
      sum -= v;
    }
    return sum / logDensity.length;
  }

  private static void requireSameLength(double[] a, int b, String what) {
    if (a.length != b) {
      throw new IllegalArgumentException(what + ": " + b + " values for " + a.length
          + " inputs");
    }
  }
}
