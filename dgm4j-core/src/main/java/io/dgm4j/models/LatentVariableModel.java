package io.dgm4j.models;

import ai.djl.ndarray.NDArray;

/**
 * A model p(x) = ∫ p(x | z) p(z) dz with a latent z and an inference network q(z | x) (seed 003):
 * the integral has no closed form, so the model offers a bound and an estimate instead of an
 * exact log-likelihood.
 *
 * <ul>
 *   <li>{@link #elbo(NDArray)}: the evidence lower bound E_q[log p(x|z)] − KL(q(z|x) || p(z)) ≤
 *       log p(x), in nats — a bound, never called logProb;
 *   <li>{@link #logProbEstimate(NDArray, int)}: log (1/k) Σ_i p(x, z_i) / q(z_i | x) with
 *       z_i ~ q(z|x), the importance-weighted estimate (Burda et al., 2016); a lower bound in
 *       expectation that tightens to log p(x) as k grows. Reported NLLs of these models are this
 *       estimate, with k stated;
 *   <li>{@link #encode(NDArray)} (from {@link Encoder}): the mean of q(z|x), the features;
 *   <li>{@link #decode(NDArray)}: the mean of p(x|z).
 * </ul>
 */
public interface LatentVariableModel extends GenerativeModel, Samplable, Encoder {

  /**
   * The evidence lower bound per example, in nats (one reparameterized draw of z where the
   * expectation has no closed form).
   *
   * @param x shape (N, D)
   * @return shape (N)
   */
  NDArray elbo(NDArray x);

  /**
   * The k-sample importance-weighted estimate of log p(x), in nats; memory grows with k, so
   * callers with large k split it (the estimate of k = a + b samples is the log-mean-exp of the
   * pooled weights).
   *
   * @param x shape (N, D)
   * @param k importance samples per example, at least 1 (k = 1 is the ELBO in expectation)
   * @return shape (N)
   */
  NDArray logProbEstimate(NDArray x, int k);

  /**
   * The mean of p(x | z).
   *
   * @param z shape (N, latentDimension())
   * @return shape (N, D)
   */
  NDArray decode(NDArray z);
}
