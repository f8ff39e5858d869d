package io.dgm4j.models;

/** The set of values a model assigns probability to, used to reject data it cannot score. */
public enum Support {
  /** Every coordinate is 0 or 1 (binarized images). */
  BINARY,
  /** Every coordinate is a finite real number (densities, in nats, w.r.t. Lebesgue measure). */
  REAL,
  /**
   * Every coordinate is an integer 0..255 (8-bit pixels, one value per sub-pixel), each scored by a
   * distribution over the 256 values (a 256-way softmax, a discretized logistic): log p(x) is a
   * probability mass, so bits/dim compare with the papers'.
   */
  BYTE;

  /** How these values are called in messages, e.g. "8-bit values (integers 0..255)". */
  public String description() {
    return switch (this) {
      case BINARY -> "binary values (0/1)";
      case BYTE -> "8-bit values (integers 0..255)";
      case REAL -> "real values";
    };
  }
}
