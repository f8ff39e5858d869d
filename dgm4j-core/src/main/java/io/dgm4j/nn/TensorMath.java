package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.dgm4j.engine.Scalars;

/**
 * Numerically stable reductions DJL does not provide, and a concatenation that stays
 * differentiable.
 */
public final class TensorMath {
  private TensorMath() {}

  /**
   * log sum_i exp(x_i) along {@code axis} (which is removed), shifted by the maximum so that
   * large values do not overflow; a slice that is all -infinity gives -infinity. Differentiable.
   *
   * <p>Terms below e^-60 of the largest are left out (exp is taken of the shifted values
   * clamped at -60, then masked). Their share of the sum is at most n e^-60 (1e-17 for a
   * million terms), far below float precision, but exp of a shifted value below about -87 is a
   * subnormal float, and its gradient (the softmax times the upstream gradient) reaches
   * subnormals even sooner. Arithmetic on subnormals is many times slower on
   * x86 CPUs, and PyTorch's flush-to-zero switch is not reachable through DJL: a mixture of 500
   * Bernoullis at batch 512 slowed from 49,551 to 9,215 examples/s over 30 s of training as its
   * components sharpened (the backward matrix product ran on the subnormal responsibilities);
   * with them left out it held 37,507-45,681 (2026-11-22, docs/BENCHMARKS.md).
   */
  public static NDArray logSumExp(NDArray x, int axis) {
    int a = axis < 0 ? axis + x.getShape().dimension() : axis;
    NDArray max = x.max(new int[] {a}, true).stopGradient();
    // an all -inf slice has max -inf, and x - max would be NaN: shift by 0 instead
    max = NDArrays.where(max.isInfinite(), max.zerosLike(), max);
    NDArray shifted = x.sub(max);
    NDArray kept = shifted.gt(-60f).toType(x.getDataType(), false);
    return Scalars.atLeast(shifted, -60).exp().mul(kept).sum(new int[] {a}, true).log().add(max)
        .squeeze(a);
  }

  /** log mean_i exp(x_i) along {@code axis} (which is removed): logSumExp - log n. */
  public static NDArray logMeanExp(NDArray x, int axis) {
    int a = axis < 0 ? axis + x.getShape().dimension() : axis;
    return logSumExp(x, a).sub(Math.log(x.getShape().get(a)));
  }

  /**
   * c · tanh(x / c), element-wise: ≈ x near 0 and always inside (−c, c), smooth. Bounds a flow's
   * log-scales so that exp(±s) cannot overflow however the weights move.
   */
  public static NDArray softClamp(NDArray x, double c) {
    return Scalars.times(ai.djl.nn.Activation.tanh(Scalars.dividedBy(x, c)), c);
  }

  /**
   * swish(x) = x · sigmoid(x), element-wise. DJL's {@code Activation.swish(x, β)} multiplies x by
   * the number β through {@code mul(Number)}, whose scalar buffer autograd keeps for the backward
   * pass but Java may free first (see {@link io.dgm4j.engine.Scalars}): a garbage collection at
   * the wrong moment turned U-Net score-network gradients into Infinity or NaN. With β = 1 there
   * is no scalar at all.
   */
  public static NDArray swish(NDArray x) {
    return x.mul(ai.djl.nn.Activation.sigmoid(x));
  }

  /**
   * The arrays joined along {@code axis} into a new array, differentiable whatever their number.
   * Use instead of DJL's {@code NDArrays.concat(NDList, int)}, which returns {@code duplicate()}
   * of a list of one array: on the PyTorch engine a copy cut off from autograd, so nothing before
   * it gets a gradient (a Row LSTM on one-row images lost every LSTM gradient that way; a test
   * scans the compiled classes for that call). A single array is copied by a recorded
   * operation instead, so closing the inputs afterwards is safe, as with any concatenation.
   */
  public static NDArray concat(NDList arrays, int axis) {
    if (arrays.size() == 1) {
      NDArray only = arrays.singletonOrThrow();
      return only.toType(only.getDataType(), true);
    }
    return NDArrays.concat(arrays, axis);
  }
}
