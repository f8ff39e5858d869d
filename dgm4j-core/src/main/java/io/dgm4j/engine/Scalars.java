package io.dgm4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic between a tensor and a plain number that is safe to differentiate. Use these
 * instead of DJL's {@code mul(Number)}, {@code div(Number)}, {@code pow(Number)},
 * {@code maximum(Number)}, {@code minimum(Number)} and {@code clip(Number, Number)} (a test scans
 * the compiled classes for those calls).
 *
 * <p><b>Why.</b> The PyTorch engine turns the number into a one-element tensor over a Java
 * direct buffer ({@code torch::from_blob}, so Java owns the memory), applies the operation and
 * closes that tensor at once. When autograd records the operation, PyTorch keeps the scalar
 * tensor for the backward pass (the derivative of {@code c·x} is {@code c}), but nothing on the
 * Java side keeps the buffer: a garbage collection between the forward and the backward pass
 * frees it, and the backward pass multiplies by whatever that memory holds by then. Seen as a
 * probe training that stopped with "gradient norm became Infinity" on one machine and not on
 * another, and reproduced here with a small young generation ({@code -XX:+UseSerialGC -Xmn1m}),
 * which makes collections frequent. The tensors made here come from {@code torch::full}, so
 * PyTorch owns their memory and the graph's reference keeps it alive.
 */
public final class Scalars {
  private Scalars() {}

  /** x · c. */
  public static NDArray times(NDArray x, double c) {
    return withScalar(x, c, NDArray::mul);
  }

  /** x / c. */
  public static NDArray dividedBy(NDArray x, double c) {
    return withScalar(x, c, NDArray::div);
  }

  /** x ^ c, element-wise. */
  public static NDArray power(NDArray x, double c) {
    return withScalar(x, c, NDArray::pow);
  }

  /** max(x, c), element-wise. */
  public static NDArray atLeast(NDArray x, double c) {
    return withScalar(x, c, NDArray::maximum);
  }

  /** min(x, c), element-wise. */
  public static NDArray atMost(NDArray x, double c) {
    return withScalar(x, c, NDArray::minimum);
  }

  /**
   * x clamped to [low, high], element-wise. DJL's {@code clip(Number, Number)} hands both bounds
   * to PyTorch as scalar tensors over Java buffers, which autograd keeps like any other.
   */
  public static NDArray clamp(NDArray x, double low, double high) {
    return atMost(atLeast(x, low), high);
  }

  /** op(x, c) with c in a 0-dimensional tensor of x's type, in memory PyTorch owns. */
  private static NDArray withScalar(NDArray x, double c, BinaryOperator<NDArray> op) {
    try (NDArray s = x.getManager().full(new Shape(), (float) c, x.getDataType())) {
      return op.apply(x, s);
    }
  }
}
