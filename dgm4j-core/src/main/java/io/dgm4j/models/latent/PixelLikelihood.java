package io.dgm4j.models.latent;

import ai.djl.ndarray.NDArray;
import io.dgm4j.distributions.Bernoulli;
import io.dgm4j.models.Support;
import ai.djl.nn.Activation;

/**
 * The decoder's distribution p(x | z) over the D values of an example, given the decoder
 * network's output: {@link #parametersPerValue()} numbers per value, laid out as (..., P·D) with
 * the P parameters of a value in consecutive blocks of D (block p holds parameter p of every
 * value).
 */
public interface PixelLikelihood {

  /** The decoder named in a model's settings: {@code bernoulli}. */
  static PixelLikelihood named(String name) {
    if ("bernoulli".equals(name)) {
      return new BernoulliPixels();
    }
    throw new IllegalArgumentException("decoder must be bernoulli, got " + name);
  }

  /** How many numbers the decoder network gives per value. */
  int parametersPerValue();

  /** The values this likelihood is defined on. */
  Support support();

  /**
   * log p(x | output) summed over the D values, in nats.
   *
   * @param output shape (..., P·D)
   * @param x shape (N, D), broadcast against the leading axes of {@code output}
   * @return shape (...)
   */
  NDArray logProb(NDArray output, NDArray x);

  /** The mean of p(x | output), shape (..., D). */
  NDArray mean(NDArray output);

  /** A draw x ~ p(x | output), shape (..., D). */
  NDArray sample(NDArray output);

  /** Independent Bernoulli pixels, one logit each: for binary images. */
  final class BernoulliPixels implements PixelLikelihood {
    @Override
    public int parametersPerValue() {
      return 1;
    }

    @Override
    public Support support() {
      return Support.BINARY;
    }

    @Override
    public NDArray logProb(NDArray output, NDArray x) {
      NDArray elementwise = Bernoulli.logProb(output, x);
      return elementwise.sum(new int[] {elementwise.getShape().dimension() - 1});
    }

    @Override
    public NDArray mean(NDArray output) {
      return Activation.sigmoid(output);
    }

    @Override
    public NDArray sample(NDArray output) {
      return Bernoulli.sample(output);
    }
  }
}
