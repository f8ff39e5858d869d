package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;

/** Numerically stable reductions that DJL's NDArray does not offer. */
public final class TensorMath {
  private TensorMath() {}

  /**
   * log sum_i exp(x_i) along {@code axis}, shifted by the maximum so that no exp overflows:
   * m + log sum_i exp(x_i - m). The shift is a constant for autograd (its gradient cancels
   * exactly), so it is detached. Rows that are all -infinity give NaN.
   *
   * @return x's shape with {@code axis} removed
   */
  public static NDArray logSumExp(NDArray x, int axis) {
    NDArray m = x.max(new int[] {axis}, true).stopGradient();
    return x.sub(m).exp().sum(new int[] {axis}).log().add(m.squeeze(axis));
  }

  /** log mean_i exp(x_i) along {@code axis} = logSumExp - log n; see {@link #logSumExp}. */
  public static NDArray logMeanExp(NDArray x, int axis) {
    long n = x.getShape().get(axis);
    return logSumExp(x, axis).sub((float) Math.log(n));
  }
}
