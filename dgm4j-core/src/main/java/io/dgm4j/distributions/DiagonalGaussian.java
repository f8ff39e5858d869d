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
   * log N(u; 0, I) of each row: -(1/2) sum u^2 - (d/2) log 2 pi over the last axis.
   *
   * @return the shape of u without its last axis
   */
  public static NDArray standardLogProb(NDArray u) {
    int last = u.getShape().dimension() - 1;
    long d = u.getShape().get(last);
    return Scalars.times(u.square().sum(new int[] {last}), -0.5).sub(d * HALF_LOG_TWO_PI);
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
    return Scalars.times(z.square().sum(new int[] {last}), -0.5).sub(logStdSum(logStd, d))
        .sub(d * HALF_LOG_TWO_PI);
  }

  /**
   * {@link #logProb} of a reparameterized draw x = mean + exp(logStd) eps, computed from eps:
   * -(1/2) sum eps^2 - sum log sigma - (d/2) log 2 pi. As a function of mean, logStd and eps it
   * is the same function, so autograd gives the same gradients (the dependence on the mean
   * through x - mean cancels the one through x; d/dlog sigma is -1 per coordinate); but eps
   * needs no gradient and the mean is not read, so k draws cost one pass over eps instead of
   * five recorded passes over x.
   *
   * @param logStd log sigma, (..., L) or with fewer leading axes than eps (broadcast)
   * @param eps the standard-normal draws behind x, (..., L); not differentiated
   * @return the broadcast shape without its last axis
   */
  public static NDArray logProbOfDraw(NDArray logStd, NDArray eps) {
    int last = eps.getShape().dimension() - 1;
    long d = eps.getShape().get(last);
    NDArray squares = eps.stopGradient().square().sum(new int[] {last});
    return Scalars.times(squares, -0.5).sub(logStdSum(logStd, d)).sub(d * HALF_LOG_TWO_PI);
  }

  /** sum over the last axis of log sigma as it broadcasts to d coordinates. */
  private static NDArray logStdSum(NDArray logStd, long d) {
    int last = logStd.getShape().dimension() - 1;
    if (last < 0) {
      return Scalars.times(logStd, d);
    }
    NDArray sum = logStd.sum(new int[] {last});
    // a scale shared along the axis, shape (..., 1), counts once per coordinate
    return logStd.getShape().get(last) == d ? sum : Scalars.times(sum, d);
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
