package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.distributions.FullCovarianceGaussian;
import io.dgm4j.engine.Scalars;

/**
 * The noise distribution of noise-contrastive estimation: a full-covariance Gaussian fitted to
 * the training data, widened by a factor, held as tensors (mean m, Cholesky factor L and its
 * inverse) so that drawing y = m + L z and scoring log q(x) run on the engine. Saved with the
 * objective's state so a resumed run uses the same noise.
 */
final class GaussianNoise {
  private static final String PREFIX = "nce.noise.";
  private final NDArray mean; // (D)
  private final NDArray cholesky; // (D, D) lower
  private final NDArray inverseCholesky; // (D, D) lower
  private final NDArray logDeterminant; // ()

  private GaussianNoise(NDArray mean, NDArray cholesky, NDArray inverseCholesky,
      NDArray logDeterminant) {
    this.mean = named(mean, "mean");
    this.cholesky = named(cholesky, "cholesky");
    this.inverseCholesky = named(inverseCholesky, "inverseCholesky");
    this.logDeterminant = named(logDeterminant, "logDeterminant");
    NDScope.unregister(mean, cholesky, inverseCholesky, logDeterminant);
  }

  /** The fitted Gaussian with its standard deviations multiplied by {@code scale}. */
  static GaussianNoise of(FullCovarianceGaussian g, double scale, NDManager manager) {
    int d = g.dimension();
    double[][] l = g.cholesky();
    double[][] li = g.inverseCholesky();
    float[] lf = new float[d * d];
    float[] lif = new float[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        lf[i * d + j] = (float) (l[i][j] * scale);
        lif[i * d + j] = (float) (li[i][j] / scale);
      }
    }
    float[] m = new float[d];
    double[] mean = g.mean();
    for (int j = 0; j < d; j++) {
      m[j] = (float) mean[j];
    }
    float logDet = (float) (g.logDeterminant() + 2 * d * Math.log(scale));
    return new GaussianNoise(manager.create(m), manager.create(lf, new Shape(d, d)),
        manager.create(lif, new Shape(d, d)), manager.create(logDet));
  }

  /** The noise saved in an objective state, or null when the state holds none. */
  static GaussianNoise restore(NDList state, NDManager manager) {
    NDArray m = state.get(PREFIX + "mean");
    if (m == null) {
      return null;
    }
    return new GaussianNoise(copy(m, manager), copy(state.get(PREFIX + "cholesky"), manager),
        copy(state.get(PREFIX + "inverseCholesky"), manager),
        copy(state.get(PREFIX + "logDeterminant"), manager));
  }

  private static NDArray copy(NDArray a, NDManager manager) {
    return manager.create(a.toFloatArray(), a.getShape());
  }

  /** {@code n} draws y = m + L z, shape (n, D), in {@code manager}. */
  NDArray sample(NDManager manager, int n) {
    long d = mean.getShape().get(0);
    return manager.randomNormal(new Shape(n, d)).matMul(cholesky.transpose()).add(mean);
  }

  /** log q(x), shape (N). */
  NDArray logDensity(NDArray x) {
    long d = mean.getShape().get(0);
    NDArray z = x.sub(mean).matMul(inverseCholesky.transpose());
    return Scalars.times(z.square().sum(new int[] {1}).add(logDeterminant)
        .add((float) (d * Math.log(2 * Math.PI))), -0.5);
  }

  /** The tensors to save with the objective's state. */
  NDList state() {
    return new NDList(mean, cholesky, inverseCholesky, logDeterminant);
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(PREFIX + name);
    return a;
  }
}
