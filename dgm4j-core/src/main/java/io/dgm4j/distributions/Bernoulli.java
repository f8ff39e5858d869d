package io.dgm4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.dgm4j.engine.Scalars;

/**
 * Independent Bernoulli variables parameterised by logits l = log(p / (1 - p)).
 *
 * <p>log p(x | l) = x l - softplus(l), with softplus(l) = log(1 + e^l): the negative binary
 * cross-entropy, the form every binary model in dgm4j uses. For x in {0, 1} it equals
 * -softplus((1 - 2x) l) (x = 1: -softplus(-l) = log sigmoid(l); x = 0: -softplus(l) =
 * log(1 - sigmoid(l))), which {@link #logProb} evaluates: one product and one softplus instead of
 * a product, a softplus and a difference, and autograd records two operations, not three, over
 * the largest arrays of many models (a two-layer IWAE's 50 x batch x 784 logits: 3.0-3.5 ms
 * forward and backward against 4.0-4.2, one thread).
 */
public final class Bernoulli {
  private Bernoulli() {}

  /**
   * Elementwise log p(x) for x in {0,1} (other values of x give no log-probability), the shape
   * of {@code logits} and {@code x} broadcast together.
   */
  public static NDArray logProb(NDArray logits, NDArray x) {
    NDArray sign = Scalars.times(x, -2).add(1); // 1 - 2x, no gradient needed
    return Activation.softPlus(logits.mul(sign)).neg();
  }

  /** Elementwise draws x ~ Bernoulli(sigmoid(logits)), as float 0/1, same shape. */
  public static NDArray sample(NDArray logits) {
    NDManager m = logits.getManager();
    NDArray u = m.randomUniform(0f, 1f, logits.getShape());
    return u.lt(Activation.sigmoid(logits)).toType(logits.getDataType(), false);
  }

  /** Entropy in nats of each Bernoulli(sigmoid(l)): softplus(l) - l sigmoid(l). */
  public static NDArray entropy(NDArray logits) {
    return Activation.softPlus(logits).sub(logits.mul(Activation.sigmoid(logits)));
  }
}
