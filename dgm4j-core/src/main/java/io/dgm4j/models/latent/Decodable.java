package io.dgm4j.models.latent;

import ai.djl.ndarray.NDArray;
import io.dgm4j.models.Encoder;

/**
 * An encoder whose features can be decoded back into examples (autoencoders and VAEs): what
 * reconstructions, interpolations through latent space and the decoded manifold grid need.
 */
public interface Decodable extends Encoder {

  /**
   * The decoder's mean for features z.
   *
   * @param z shape (N, latentDimension())
   * @return shape (N, D)
   */
  NDArray decode(NDArray z);

  /** decode(encode(x)): what the model keeps of x, shape (N, D). */
  default NDArray reconstruct(NDArray x) {
    return decode(encode(x));
  }
}
