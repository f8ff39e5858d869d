package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;

/**
 * A differentiable map from (..., in) to (..., out) whose weights live in a model's
 * {@link Parameters}: the encoders and decoders of latent-variable models ({@link Mlp}, and
 * convolutional networks that see the flat input as an image).
 */
public interface Network {

  /** The output for inputs of shape (..., in): shape (..., out). */
  NDArray forward(NDArray x);

  /** Multiply-adds per example of one forward pass (for GFLOP/s figures). */
  long multiplyAdds();

  /**
   * Of {@link #multiplyAdds()}, those of the first layer, the one that reads the network's input:
   * when that input is the data, training computes no gradient into it, so this layer's backward
   * pass is one product (the weights' gradient) instead of two.
   */
  long firstLayerMultiplyAdds();
}
