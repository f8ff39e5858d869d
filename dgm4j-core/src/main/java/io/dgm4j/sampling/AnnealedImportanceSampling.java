package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * Annealed importance sampling (Neal, 2001) of a log partition function, as Salakhutdinov and
 * Murray (2008) use it for RBMs: each of M independent runs draws x_0 from the base p_0, then for
 * k = 1..K adds log p*_{β_k}(x_{k−1}) − log p*_{β_{k−1}}(x_{k−1}) to its log weight and moves
 * x_k ~ T_{β_k}(· | x_{k−1}). The mean of the weights is an unbiased estimate of Z_1 / Z_0, so
 *
 * <pre>
 *   log Ẑ_1 = log Z_0 + log (1/M Σ_m exp(w_m))      (a log-mean-exp)
 * </pre>
 *
 * <p>By Jensen's inequality log Ẑ is biased <em>low</em> in expectation (so an NLL computed with
 * it is, if anything, optimistic), and the bias and spread shrink as the path gets more
 * intermediate β. The standard error reported is the delta-method spread over runs:
 * sd(exp(w − max w)) / (sqrt(M) · mean(exp(w − max w))), the relative standard error of the
 * mean weight.
 */
public final class AnnealedImportanceSampling {
  private AnnealedImportanceSampling() {}

  /**
   * An estimate of log Z.
   *
   * @param logZ log Ẑ_1
   * @param standardError the spread over runs, see the class comment
   * @param runs M
   * @param betas K, the number of intermediate distributions (transitions)
   * @param logWeights the M final log weights (for diagnostics)
   */
  public record Estimate(double logZ, double standardError, int runs, int betas,
      double[] logWeights) {}

  /**
   * Salakhutdinov and Murray's schedule scaled to {@code count} values: a fraction 500/14500
   * spaced evenly over [0, 0.5), 4000/14500 over [0.5, 0.9) and 10000/14500 over [0.9, 1], the
   * last exactly 1. Returns β_1..β_K (β_0 = 0 is implied).
   */
  public static double[] salakhutdinovMurraySchedule(int count) {
    if (count < 3) {
      throw new IllegalArgumentException("AIS needs at least 3 intermediate distributions (β),"
          + " got " + count);
    }
    int first = Math.max(1, (int) Math.round(count * 500.0 / 14500));
    int second = Math.max(1, (int) Math.round(count * 4000.0 / 14500));
    int third = count - first - second;
    double[] b = new double[count];
    for (int i = 0; i < first; i++) {
      b[i] = 0.5 * (i + 1) / first;
    }
    for (int i = 0; i < second; i++) {
      b[first + i] = 0.5 + 0.4 * (i + 1) / second;
    }
    for (int i = 0; i < third; i++) {
      b[first + second + i] = 0.9 + 0.1 * (i + 1) / third;
    }
    b[count - 1] = 1.0;
    return b;
  }

  /**
   * Runs AIS along {@code path} with the schedule {@code betas} (β_1..β_K, increasing, ending at
   * 1) and {@code runs} runs, all runs as one batch on the engine.
   */
  public static Estimate estimate(AnnealingPath path, double[] betas, int runs,
      NDManager manager) {
    if (runs < 2) {
      throw new IllegalArgumentException("AIS needs at least 2 runs, got " + runs);
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray x = path.sampleBase(m, runs);
      NDArray logWeight = m.zeros(new ai.djl.ndarray.types.Shape(runs), DataType.FLOAT64);
      double previous = 0;
      for (double beta : betas) {
        try (NDScope scope = new NDScope()) {
          // accumulate in double: K can be 10^4 increments of a float32 each
          logWeight.addi(path.logWeightIncrement(x, previous, beta).toType(DataType.FLOAT64,
              false));
          NDArray next = path.transition(x, beta);
          NDScope.unregister(next);
          next.attach(m);
          x.close();
          x = next;
        }
        previous = beta;
      }
      double[] w = logWeight.toDoubleArray();
      return fromLogWeights(path.baseLogZ(), w, betas.length);
    }
  }

  /** The estimate and its spread from final log weights (see the class comment). */
  static Estimate fromLogWeights(double baseLogZ, double[] w, int betas) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : w) {
      max = Math.max(max, v);
    }
    double mean = 0;
    for (double v : w) {
      mean += Math.exp(v - max) / w.length;
    }
    double variance = 0;
    for (double v : w) {
      double d = Math.exp(v - max) - mean;
      variance += d * d / (w.length - 1);
    }
    double logZ = baseLogZ + max + Math.log(mean);
    double standardError = Math.sqrt(variance / w.length) / mean;
    return new Estimate(logZ, standardError, w.length, betas, w.clone());
  }
}
