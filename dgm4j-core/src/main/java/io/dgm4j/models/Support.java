package io.dgm4j.models;

/** The set of values a model assigns probability to, used to reject data it cannot score. */
public enum Support {
  /** Every coordinate is 0 or 1 (binarized images). */
  BINARY,
  /** Every coordinate is a finite real number (densities, in nats, w.r.t. Lebesgue measure). */
  REAL,
  /**
   * Every coordinate is an integer 0..255 (8-bit pixels, one value per sub-pixel), each scored by a
   * categorical distribution: log p(x) is a probability mass, so bits/dim compare with the papers'.
   */
  BYTE
}
