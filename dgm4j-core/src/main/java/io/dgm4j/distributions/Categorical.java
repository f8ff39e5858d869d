package io.dgm4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Categorical distributions over K outcomes, parameterised by unnormalised logits along the last
 * axis: p(k | l) = softmax(l)_k = exp(l_k) / sum_j exp(l_j), so log p(k | l) = l_k -
 * logSumExp(l). K outcomes need K - 1 free parameters (seed 002); the logits carry one redundant
 * degree of freedom (adding a constant to all of them changes nothing), which keeps the
 * parameterisation unconstrained for gradient training.
 *
 * <p>Shapes: {@code logits} is (..., K); an outcome is given either as an integer index of shape
 * (...) or as a one-hot vector of shape (..., K). Results have shape (...).
 */
public final class Categorical {
  private Categorical() {}

  /**
   * log p(k) for integer outcomes.
   *
   * @param logits shape (..., K)
   * @param indices shape (...), integer values in [0, K) (any numeric type; converted to int64)
   * @return shape (...)
   */
  public static NDArray logProb(NDArray logits, NDArray indices) {
    NDArray index = indices.toType(DataType.INT64, false).expandDims(-1); // (..., 1)
    return logits.logSoftmax(-1).gather(index, -1).squeeze(-1);
  }

  /**
   * log p(x) for one-hot outcomes: sum_k x_k log softmax(l)_k. With a logit of -infinity this is
   * NaN even where x_k = 0 (0 * -inf); use {@link #logProb(NDArray, NDArray)} with indices then.
   *
   * @param logits shape (..., K)
   * @param oneHot shape (..., K), each row one-hot
   * @return shape (...)
   */
  public static NDArray logProbOneHot(NDArray logits, NDArray oneHot) {
    return oneHot.mul(logits.logSoftmax(-1)).sum(new int[] {-1});
  }

  /** The probabilities softmax(l), shape (..., K). */
  public static NDArray probabilities(NDArray logits) {
    return logits.softmax(-1);
  }

  /**
   * Draws k ~ Categorical(softmax(l)) by the Gumbel-max trick: argmax_k (l_k + g_k) with g_k =
   * -log(-log u_k), u_k ~ Uniform(0, 1), uses the engine's random generator.
   *
   * @param logits shape (..., K)
   * @return int64 indices, shape (...)
   */
  public static NDArray sample(NDArray logits) {
    NDManager m = logits.getManager();
    NDArray u = m.randomUniform(0f, 1f, logits.getShape(), logits.getDataType());
    NDArray gumbel = u.log().neg().log().neg();
    return logits.add(gumbel).argMax(-1).toType(DataType.INT64, false);
  }

  /** Draws as one-hot vectors of the logits' type, shape (..., K). */
  public static NDArray sampleOneHot(NDArray logits) {
    int k = (int) logits.getShape().get(logits.getShape().dimension() - 1);
    return sample(logits).oneHot(k, logits.getDataType());
  }

  /** Entropy in nats, -sum_k p_k log p_k, shape (...). */
  public static NDArray entropy(NDArray logits) {
    NDArray logP = logits.logSoftmax(-1);
    // where p_k = 0, log p_k = -inf and p_k log p_k is taken as 0
    NDArray terms = logP.exp().mul(logP);
    terms = NDArrays.where(terms.isNaN(), terms.zerosLike(), terms);
    return terms.sum(new int[] {-1}).neg();
  }
}
