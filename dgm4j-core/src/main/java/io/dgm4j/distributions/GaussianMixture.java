package io.dgm4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.dgm4j.nn.TensorMath;

/**
 * One-dimensional mixtures of K Gaussians, one mixture per element, with the K components along
 * a trailing axis:
 *
 * <pre>
 *   p(x) = sum_k pi_k N(x; mu_k, sigma_k^2),   pi = softmax(logWeights),  sigma_k = exp(logStd_k)
 * </pre>
 *
 * The weights are given as unnormalised logits (a softmax is applied here), so any real vector
 * is a valid mixture — the form a network's mixing output takes (mixture density networks,
 * RNADE).
 */
public final class GaussianMixture {
  private GaussianMixture() {}

  /**
   * log p(x) = logsumexp_k [log pi_k + log N(x; mu_k, sigma_k^2)].
   *
   * @param logWeights mixing logits, shape (..., K)
   * @param means shape (..., K)
   * @param logStds shape (..., K); the three broadcast against each other and against x with a
   *     trailing K axis
   * @param x shape (...), one value per mixture
   * @return shape (...)
   */
  public static NDArray logProb(NDArray logWeights, NDArray means, NDArray logStds, NDArray x) {
    int last = x.getShape().dimension(); // the K axis, after x's axes
    NDArray logPi = logWeights.logSoftmax(last);
    NDArray components = DiagonalGaussian.logDensity(means, logStds, x.expandDims(last));
    return TensorMath.logSumExp(logPi.add(components), last);
  }

  /**
   * One draw per mixture: a component k ~ softmax(logWeights) (Gumbel-max), then
   * mu_k + sigma_k eps with eps ~ N(0, 1). Uses the engine's generator.
   *
   * @param logWeights mixing logits, shape (..., K): fixes the output shape
   * @param means shape (..., K) or broadcastable to it
   * @param logStds shape (..., K) or broadcastable to it
   * @return shape (...), logWeights' shape without the trailing K axis
   */
  public static NDArray sample(NDArray logWeights, NDArray means, NDArray logStds) {
    NDManager m = means.getManager();
    int last = logWeights.getShape().dimension() - 1;
    int k = (int) logWeights.getShape().get(last);
    // Gumbel-max: argmax_k (logit_k - log(-log u_k)) is distributed as softmax(logits)
    NDArray u = m.randomUniform(1e-12f, 1f, logWeights.getShape());
    NDArray choice = logWeights.sub(u.log().neg().log()).argMax(last)
        .oneHot(k, DataType.FLOAT32); // (..., K)
    NDArray mean = means.mul(choice).sum(new int[] {last});
    NDArray logStd = logStds.mul(choice).sum(new int[] {last});
    return mean.add(logStd.exp().mul(m.randomNormal(mean.getShape())));
  }
}
