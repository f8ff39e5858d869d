package io.dgm4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import io.dgm4j.engine.Scalars;

/**
 * The discretized logistic distribution over the 256 values 0..255 of an 8-bit sub-pixel
 * (Kingma, Salimans et al., "Improved Variational Inference with Inverse Autoregressive Flow",
 * NeurIPS 2016, the VAE decoder of their CIFAR-10 model; Salimans, Karpathy, Chen and Kingma,
 * "PixelCNN++", ICLR 2017, section 2.1): a logistic with mean μ and scale s, rounded to the
 * nearest integer, its tails folded into the two ends.
 *
 * <pre>
 *   P(x | μ, s) = σ((x + 0.5 − μ) / s) − σ((x − 0.5 − μ) / s)       0 &lt; x &lt; 255
 *   P(0)        = σ((0.5 − μ) / s)
 *   P(255)      = 1 − σ((254.5 − μ) / s)
 * </pre>
 *
 * so the 256 probabilities telescope to exactly 1. Where the logistic is sharp (small s) or x
 * lies far in a tail, the difference of two sigmoids cancels catastrophically in floating
 * point; this class never forms it. With a = (x + 0.5 − μ)/s, b = (x − 0.5 − μ)/s and
 * a − b = 1/s, the identity σ(a) − σ(b) = σ(a) (1 − σ(b)) (1 − e^{b − a}) gives, in log space,
 *
 * <pre>
 *   log P(x) = − [x &lt; 255] softplus(−a) − [x &gt; 0] softplus(b)
 *              + [0 &lt; x &lt; 255] log(1 − e^{−1/s})
 * </pre>
 *
 * (the edges are the same formula with the missing sigmoid replaced by 1): every term is a
 * softplus, finite and accurate in both tails, and log(1 − e^{−δ}) is evaluated by its series
 * log δ − δ/2 + δ²/24 for small δ (large s). PixelCNN++'s reference code instead switches to the
 * density at the bin centre when the difference falls below 1e-5, an approximation this form does
 * not need.
 *
 * <p>Sampling inverts the logistic's CDF: y = μ + s (log u − log(1 − u)), u ~ Uniform(0, 1), then
 * x = clip(round(y), 0, 255), which has exactly the probabilities above.
 *
 * <p>All arguments are in pixel units (0..255); shapes broadcast as the engine broadcasts.
 */
public final class DiscretizedLogistic {
  /** The largest value of an 8-bit sub-pixel. */
  public static final int TOP = 255;

  /** Below this δ = 1/s, log(1 − e^{−δ}) is taken from its series (error &lt; δ⁴/2880). */
  private static final double SERIES_BELOW = 1e-2;

  private DiscretizedLogistic() {}

  /**
   * Elementwise log P(x | μ, s) in nats.
   *
   * @param mean μ, any real number (values beyond 0..255 put their mass on the ends)
   * @param logScale log s
   * @param x integer values 0..255 (any numeric type)
   * @return the broadcast shape of the three
   */
  public static NDArray logProb(NDArray mean, NDArray logScale, NDArray x) {
    NDArray values = x.toType(mean.getDataType(), false);
    NDArray inverseScale = logScale.neg().exp(); // 1 / s = a − b
    NDArray centred = values.sub(mean);
    NDArray a = centred.add(0.5).mul(inverseScale);
    NDArray b = centred.sub(0.5).mul(inverseScale);
    NDArray belowTop = values.lt(TOP).toType(mean.getDataType(), false);
    NDArray aboveBottom = values.gt(0).toType(mean.getDataType(), false);
    return Activation.softPlus(a.neg()).mul(belowTop).neg()
        .sub(Activation.softPlus(b).mul(aboveBottom))
        .add(logOneMinusExpNeg(inverseScale).mul(belowTop).mul(aboveBottom));
  }

  /**
   * log(1 − e^{−δ}) for δ &gt; 0: the series log δ − δ/2 + δ²/24 below {@link #SERIES_BELOW}
   * (where 1 − e^{−δ} would lose digits in float32), the direct form above. Each branch sees its
   * input clamped to its own range, so the branch not taken has a finite gradient.
   */
  static NDArray logOneMinusExpNeg(NDArray delta) {
    NDArray small = Scalars.atMost(delta, SERIES_BELOW);
    NDArray series = small.log().sub(Scalars.times(small, 0.5))
        .add(Scalars.dividedBy(small.square(), 24));
    NDArray large = Scalars.atLeast(delta, SERIES_BELOW);
    NDArray direct = large.neg().exp().neg().add(1).log();
    return NDArrays.where(delta.lt(SERIES_BELOW), series, direct);
  }

  /**
   * The mean E[x] = Σ_{k=0}^{254} P(x &gt; k) = Σ_k σ((μ − k − 0.5) / s), summed over the 255
   * thresholds one at a time so that memory stays at the size of μ. Not differentiated.
   *
   * @return the broadcast shape of {@code mean} and {@code logScale}, values in [0, 255]
   */
  public static NDArray mean(NDArray mean, NDArray logScale) {
    NDArray inverseScale = logScale.neg().exp().stopGradient();
    NDArray mu = mean.stopGradient();
    NDArray total = mu.add(inverseScale).zerosLike();
    for (int k = 0; k < TOP; k++) {
      try (NDScope step = new NDScope()) {
        total.addi(Activation.sigmoid(mu.sub(k + 0.5).mul(inverseScale)));
      }
    }
    return total;
  }

  /**
   * Draws x ~ P(· | μ, s) by inverting the logistic's CDF and rounding, with the engine's
   * generator.
   *
   * @return float values 0..255, the broadcast shape of {@code mean} and {@code logScale}
   */
  public static NDArray sample(NDArray mean, NDArray logScale) {
    NDManager m = mean.getManager();
    NDArray scale = logScale.exp();
    NDArray u = m.randomUniform(0f, 1f, mean.add(scale).getShape(), DataType.FLOAT32)
        .toType(mean.getDataType(), false);
    NDArray logistic = u.log().sub(u.neg().add(1).log()); // log u − log(1 − u)
    NDArray y = mean.add(scale.mul(logistic)).round();
    return Scalars.atMost(Scalars.atLeast(y, 0), TOP);
  }
}
