package io.dgm4j.optim;

/**
 * A training step met a NaN or infinite value — in the loss or in a gradient — and applied no
 * update: the parameters are as they were before the step.
 */
public final class NonFiniteException extends RuntimeException {
  private final String what;
  private final double value;

  public NonFiniteException(String what, double value) {
    super(what + " became " + value);
    this.what = what;
    this.value = value;
  }

  /** What was not finite, e.g. {@code loss} or {@code gradient norm}. */
  public String what() {
    return what;
  }

  public double value() {
    return value;
  }
}
