package io.dgm4j.models;

import ai.djl.ndarray.NDArray;

/** A model that maps examples to features (autoencoders, VAEs): representation learning. */
public interface Encoder {

  /** The number of features per example. */
  int latentDimension();

  /**
   * Deterministic features of x: the code of an autoencoder, the posterior mean of a VAE.
   *
   * @param x shape (N, D)
   * @return shape (N, latentDimension())
   */
  NDArray encode(NDArray x);
}
