package io.dgm4j.models;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * An energy-based model p(x) = exp(−E(x)) / Z with Z = Σ_x exp(−E(x)) (or the integral) unknown
 * in general (seeds 001, 004). Ratios p(x)/p(x') = exp(E(x') − E(x)) need no Z, which is enough
 * for ranking (anomaly detection), denoising and MCMC.
 *
 * <ul>
 *   <li>{@link #energy(NDArray)}: E(x), shape (N); −E(x) is the unnormalized log-density f(x);
 *   <li>{@link #score(NDArray)}: ∇x log p(x) = −∇x E(x), shape (N, D), for real-valued x;
 *   <li>{@link #logZ()}: log Z only where it is known — computed exactly, estimated by annealed
 *       importance sampling or quadrature, or learned (NCE) — with how it was obtained.
 * </ul>
 */
public interface EnergyModel extends GenerativeModel {

  /**
   * The energy of each example; lower is more probable.
   *
   * @param x shape (N, D)
   * @return shape (N)
   */
  NDArray energy(NDArray x);

  /**
   * The score ∇x log p(x) = −∇x E(x).
   *
   * @param x shape (N, D), real-valued
   * @return shape (N, D)
   */
  NDArray score(NDArray x);

  /** log Z where known, with how it was obtained; empty when it is not known. */
  Optional<LogPartition> logZ();

  /**
   * A value of log Z and how it was obtained.
   *
   * @param value log Z in nats
   * @param standardError its standard error (0 when exact)
   * @param method {@code exact}, {@code ais}, {@code quadrature} or {@code nce}
   */
  record LogPartition(double value, double standardError, String method) {}
}
