package io.dgm4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * Independent Bernoulli variables parameterised by logits l = log(p / (1 - p)).
 *
 * <p>log p(x | l) = x l - softplus(l), with softplus(l) = log(1 + e^l) evaluated stably; this is
 * the negative binary cross-entropy, the form every binary model in dgm4j uses.
 */
public final class Bernoulli {
  private Bernoulli() {}

  /** Elementwise log p(x) for x in {0,1}, same shape as {@code logits}. */
  public static NDArray logProb(NDArray logits, NDArray x) {
    return x.mul(logits).sub(Activation.softPlus(logits));
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
