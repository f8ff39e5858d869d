package io.dgm4j.models;

import ai.djl.ndarray.NDArray;

/** A model whose units have input weights worth looking at as images (an RBM's filters). */
public interface Filters {

  /**
   * One row per unit: its weights on the D inputs.
   *
   * @return shape (K, D)
   */
  NDArray filters();
}
