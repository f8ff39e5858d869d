package io.dgm4j.models;

import io.dgm4j.data.Dataset;

/**
 * A model whose training starts much better from a look at the data than from random weights
 * (e.g. a mixture whose components start at training examples, as k-means is seeded). A fresh
 * training run calls {@link #initializeFrom} once before the first step; a resumed run does not.
 */
public interface DataInitialized {

  /**
   * Sets the initial parameters from training examples (values as the model will see them).
   *
   * @param examples training data, preprocessed for this model
   * @param seed the run's seed (for any random choice of examples)
   */
  void initializeFrom(Dataset examples, long seed);
}
