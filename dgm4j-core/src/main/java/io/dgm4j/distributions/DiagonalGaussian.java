package io.dgm4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Scalars;

/**
 * Independent Gaussians N(mean, std^2) parameterised by mean and log standard deviation (so any
 * real logStd is a valid scale).
 *
 * <p>log N(x; mu, sigma^2) = -(x - mu)^2 / (2 sigma^2) - log sigma - log(2 pi) / 2.
 */
public final class DiagonalGaussian {
  private static final float HALF_LOG_TWO_PI = (float) (0.5 * Math.log(2 * Math.PI));

  private DiagonalGaussian() {}

  /** Elementwise log density of each coordinate; all arguments broadcast together. */
  public static NDArray logDensity(NDArray mean, NDArray logStd, NDArray x) {
    NDArray z = x.sub(mean).mul(logStd.neg().exp()); // (x - mu) / sigma
    return Scalars.times(z.square(), -0.5).sub(logStd).sub(HALF_LOG_TWO_PI);
  }

  /**
   * log density of the vector x under the diagonal Gaussian: the elementwise log densities
   * summed over the last axis.
   *
   * @return the broadcast shape of the arguments without its last axis
   */
  public static NDArray logProb(NDArray mean, NDArray logStd, NDArray x) {
    NDArray z = x.sub(mean).mul(logStd.neg().exp()); // (x - mu) / sigma, the broadcast shape
    int last = z.getShape().dimension() - 1;
    long d = z.getShape().get(last);
    // -(1/2) sum z^2 - sum log sigma - (d/2) log 2 pi: the log sigma sum taken over logStd's own
    // shape (e.g. (N, L) where x holds k draws, (k, N, L)) and the constant after the sum, so
    // only z passes over the full shape
    int stdLast = logStd.getShape().dimension() - 1;
    NDArray logStdSum = stdLast < 0 ? Scalars.times(logStd, d)
        : logStd.getShape().get(stdLast) == d ? logStd.sum(new int[] {stdLast})
        : Scalars.times(logStd.sum(new int[] {stdLast}), d); // a scale shared along the axis
    return Scalars.times(z.square().sum(new int[] {last}), -0.5).sub(logStdSum)
        .sub(d * HALF_LOG_TWO_PI);
  }

  /**
   * A reparameterised draw mean + exp(logStd) eps with eps ~ N(0, I) from the engine's
   * generator; differentiable in mean and logStd. Shape of the broadcast arguments.
   */
  public static NDArray sample(NDArray mean, NDArray logStd) {
    NDManager m = mean.getManager();
    NDArray scale = logStd.exp();
    // the larger of the two shapes (they broadcast, so it is the broadcast shape)
    NDArray eps = m.randomNormal(mean.getShape().size() >= scale.getShape().size()
        ? mean.getShape() : scale.getShape());
    return mean.add(scale.mul(eps));
  }

  /** Entropy in nats of each coordinate: log sigma + (1 + log 2 pi) / 2. */
  public static NDArray entropy(NDArray logStd) {
    return logStd.add(0.5f + HALF_LOG_TWO_PI);
  }

  /**
   * KL(N(mean, std^2) || N(0, I)) in closed form, summed over the last axis:
   * (1/2) sum_j (mu_j^2 + sigma_j^2 - 1 - 2 log sigma_j).
   *
   * @return the broadcast shape of the arguments without its last axis
   */
  public static NDArray klToStandardNormal(NDArray mean, NDArray logStd) {
    NDArray twice = logStd.add(logStd);
    NDArray terms = Scalars.times(mean.square().add(twice.exp()).sub(1).sub(twice), 0.5);
    return terms.sum(new int[] {terms.getShape().dimension() - 1});
  }

  /** log N(x; 0, I) summed over the last axis: -(1/2) sum_j x_j^2 - (d/2) log 2 pi. */
  public static NDArray standardNormalLogProb(NDArray x) {
    int last = x.getShape().dimension() - 1;
    long d = x.getShape().get(last);
    return Scalars.times(x.square().sum(new int[] {last}), -0.5).sub(d * HALF_LOG_TWO_PI);
  }
}
