package io.dgm4j.models.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import io.dgm4j.distributions.Bernoulli;
import io.dgm4j.distributions.DiscretizedLogistic;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Support;
import java.util.List;

/**
 * The decoder's distribution p(x | z) over the D values of an example, given the decoder
 * network's output: {@link #parametersPerValue()} numbers per value, laid out as (..., P·D) with
 * the P parameters of a value in consecutive blocks of D (block p holds parameter p of every
 * value).
 *
 * <p>Two decoders, chosen by a model's {@code decoder} setting:
 *
 * <ul>
 *   <li>{@code bernoulli}: binary pixels ({@link Support#BINARY}, binarized MNIST);
 *   <li>{@code logistic}: 8-bit pixels 0..255 ({@link Support#BYTE}), a discretized logistic per
 *       sub-pixel ({@link DiscretizedLogistic}). Its log p(x | z) is a probability mass over the
 *       same 256 values the pixel models' 256-way softmax scores, so a VAE's IWAE estimate and
 *       bits/dim compare with theirs on the same data.
 * </ul>
 *
 * <p>Why the discretized logistic and not a 256-way categorical decoder: a categorical needs 256
 * outputs per sub-pixel, so the MLP decoder's last layer would grow from 200 x 2·784 to 200 x
 * 256·784 weights (40 million) and an IWAE pass with k samples would hold k x N x D x 256
 * logits; and a categorical treats 17 and 18 as unrelated symbols that each must be learned,
 * where the logistic's two numbers put mass on neighbouring intensities together (Salimans et
 * al., 2017, section 2.1, make the same argument for PixelCNN++).
 */
public interface PixelLikelihood {

  /** The decoder names a model's {@code decoder} setting accepts. */
  List<String> NAMES = List.of("bernoulli", "logistic");

  /** The decoder named in a model's settings: {@code bernoulli} or {@code logistic}. */
  static PixelLikelihood named(String name) {
    if ("bernoulli".equals(name)) {
      return new BernoulliPixels();
    }
    if ("logistic".equals(name)) {
      return new LogisticPixels();
    }
    throw new IllegalArgumentException("decoder must be bernoulli (binary pixels) or logistic"
        + " (8-bit pixels 0..255, a discretized logistic), got " + name);
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

  /**
   * What an encoder network sees of x (N, D): binary pixels as they are; 8-bit pixels divided
   * by 255, in [0, 1], as the pixel models feed their networks.
   */
  default NDArray networkInput(NDArray x) {
    return x;
  }

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

  /**
   * A discretized logistic per 8-bit sub-pixel, two numbers each (block 0: m, block 1: l):
   * mean μ = 127.5 (1 + m) and scale s = 127.5 e^l in pixel units, i.e. mean m and log-scale l
   * on the [−1, 1] scale of Salimans et al. (2017), where the network's zero output is a broad
   * logistic centred on mid-grey.
   */
  final class LogisticPixels implements PixelLikelihood {
    private static final double HALF_RANGE = DiscretizedLogistic.TOP / 2.0;
    private static final double LOG_HALF_RANGE = Math.log(HALF_RANGE);

    @Override
    public int parametersPerValue() {
      return 2;
    }

    @Override
    public Support support() {
      return Support.BYTE;
    }

    @Override
    public NDArray logProb(NDArray output, NDArray x) {
      NDArray[] p = meanAndLogScale(output);
      NDArray elementwise = DiscretizedLogistic.logProb(p[0], p[1], x);
      return elementwise.sum(new int[] {elementwise.getShape().dimension() - 1});
    }

    @Override
    public NDArray mean(NDArray output) {
      NDArray[] p = meanAndLogScale(output);
      return DiscretizedLogistic.mean(p[0], p[1]);
    }

    @Override
    public NDArray sample(NDArray output) {
      NDArray[] p = meanAndLogScale(output);
      return DiscretizedLogistic.sample(p[0], p[1]);
    }

    @Override
    public NDArray networkInput(NDArray x) {
      return Scalars.dividedBy(x, DiscretizedLogistic.TOP);
    }

    /** μ and log s in pixel units from the network output (..., 2D), each (..., D). */
    private static NDArray[] meanAndLogScale(NDArray output) {
      NDList halves = output.split(2, output.getShape().dimension() - 1);
      return new NDArray[] {Scalars.times(halves.get(0), HALF_RANGE).add(HALF_RANGE),
          halves.get(1).add(LOG_HALF_RANGE)};
    }
  }
}
