package io.dgm4j.models;

import ai.djl.ndarray.NDArray;

/**
 * A minibatch as the engine sees it: examples {@code x}, shape (N, D) float32, and their class
 * labels, shape (N) int32, or {@code null} when the data has none. Models that take no label
 * ignore {@code labels}; {@link Conditional} models use them.
 */
public record Batch(NDArray x, NDArray labels) {

  /** A batch without labels. */
  public static Batch of(NDArray x) {
    return new Batch(x, null);
  }

  /** Number of examples. */
  public int size() {
    return (int) x.getShape().get(0);
  }

  /** The labels, or a clear error naming what needs them when the data has none. */
  public NDArray requireLabels(String who) {
    if (labels == null) {
      throw new IllegalArgumentException(who + " needs class labels, but the data has none"
          + " (use a labelled source such as mnist, or a folder with one subfolder per class)");
    }
    return labels;
  }
}
