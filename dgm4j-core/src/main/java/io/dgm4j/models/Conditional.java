package io.dgm4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A model of p(x | y) for a class label y in 0..{@link #classes()}−1 (conditional VAE, gated
 * PixelCNN with a label, one model per class). Training sees the labels through
 * {@link Batch#labels()}.
 */
public interface Conditional {

  /** The number of classes; labels run from 0 to classes() − 1. */
  int classes();

  /**
   * Draws one example per label, x_i ~ p(x | y = labels[i]).
   *
   * @param labels shape (n), int32, each in 0..classes()−1
   * @return shape (n, D), in {@code manager}
   */
  NDArray sampleGiven(NDManager manager, NDArray labels);
}
