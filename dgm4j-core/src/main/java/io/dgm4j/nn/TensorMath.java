package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/** Numerically stable reductions DJL does not provide. */
public final class TensorMath {
  private TensorMath() {}

  /**
   * log sum_i exp(x_i) along {@code axis} (which is removed), shifted by the maximum so that
   * large values do not overflow; a slice that is all -infinity gives -infinity. Differentiable.
   */
  public static NDArray logSumExp(NDArray x, int axis) {
    int a = axis < 0 ? axis + x.getShape().dimension() : axis;
    NDArray max = x.max(new int[] {a}, true).stopGradient();
    // an all -inf slice has max -inf, and x - max would be NaN: shift by 0 instead
    max = NDArrays.where(max.isInfinite(), max.zerosLike(), max);
    return x.sub(max).exp().sum(new int[] {a}, true).log().add(max).squeeze(a);
  }

  /** log mean_i exp(x_i) along {@code axis} (which is removed): logSumExp - log n. */
  public static NDArray logMeanExp(NDArray x, int axis) {
    int a = axis < 0 ? axis + x.getShape().dimension() : axis;
    return logSumExp(x, a).sub(Math.log(x.getShape().get(a)));
  }
}
