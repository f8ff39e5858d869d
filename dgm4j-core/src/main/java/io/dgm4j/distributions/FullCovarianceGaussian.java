package io.dgm4j.distributions;

import io.dgm4j.data.Dataset;

/**
 * A multivariate Gaussian N(m, Σ) with full covariance, in plain double precision: the
 * maximum-likelihood fit to a data set (m = sample mean, Σ = (1/n) Σ (x − m)(x − m)ᵀ, plus a
 * small ridge so Σ stays positive definite), its Cholesky factor Σ = L Lᵀ, and its exact
 * log-density. It is the baseline every 2-D density is compared with, and the noise
 * distribution of noise-contrastive estimation.
 */
public final class FullCovarianceGaussian {
  private final double[] mean;
  private final double[][] cholesky; // lower triangular L
  private final double[][] inverseCholesky; // L^-1, lower triangular
  private final double logDeterminant; // log det Σ

  private FullCovarianceGaussian(double[] mean, double[][] cholesky) {
    this.mean = mean;
    this.cholesky = cholesky;
    int d = mean.length;
    inverseCholesky = new double[d][d];
    double logDet = 0;
    for (int i = 0; i < d; i++) {
      logDet += 2 * Math.log(cholesky[i][i]);
      inverseCholesky[i][i] = 1 / cholesky[i][i];
      for (int j = 0; j < i; j++) {
        double s = 0;
        for (int k = j; k < i; k++) {
          s += cholesky[i][k] * inverseCholesky[k][j];
        }
        inverseCholesky[i][j] = -s / cholesky[i][i];
      }
    }
    logDeterminant = logDet;
  }

  /**
   * The maximum-likelihood Gaussian of {@code data}, with {@code ridge}·(mean variance + 1e-12)
   * added to the diagonal of the covariance.
   */
  public static FullCovarianceGaussian fit(Dataset data, double ridge) {
    int n = data.size();
    int d = data.dimension();
    if (n < 1) {
      throw new IllegalArgumentException(data.name() + ": no examples to fit a Gaussian to");
    }
    float[] v = data.values();
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        mean[j] += v[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[][] cov = new double[d][d];
    double[] centered = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        centered[j] = v[i * d + j] - mean[j];
      }
      for (int a = 0; a < d; a++) {
        for (int b = 0; b <= a; b++) {
          cov[a][b] += centered[a] * centered[b];
        }
      }
    }
    double trace = 0;
    for (int a = 0; a < d; a++) {
      for (int b = 0; b <= a; b++) {
        cov[a][b] /= n;
        cov[b][a] = cov[a][b];
      }
      trace += cov[a][a];
    }
    double jitter = ridge * (trace / d) + 1e-12;
    for (int a = 0; a < d; a++) {
      cov[a][a] += jitter;
    }
    return new FullCovarianceGaussian(mean, cholesky(cov));
  }

  private static double[][] cholesky(double[][] a) {
    int d = a.length;
    double[][] l = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException("covariance is not positive definite");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  public int dimension() {
    return mean.length;
  }

  /** The mean m (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** The lower-triangular Cholesky factor L of Σ (a copy). */
  public double[][] cholesky() {
    return copy(cholesky);
  }

  /** L⁻¹ (a copy), which whitens: z = L⁻¹ (x − m) ~ N(0, I). */
  public double[][] inverseCholesky() {
    return copy(inverseCholesky);
  }

  /** log det Σ. */
  public double logDeterminant() {
    return logDeterminant;
  }

  /** log N(x; m, Σ) for the example at {@code values[offset .. offset + D)}. */
  public double logDensity(float[] values, int offset) {
    int d = mean.length;
    double quadratic = 0;
    for (int i = 0; i < d; i++) {
      double z = 0;
      for (int j = 0; j <= i; j++) {
        z += inverseCholesky[i][j] * (values[offset + j] - mean[j]);
      }
      quadratic += z * z;
    }
    return -0.5 * (quadratic + logDeterminant + d * Math.log(2 * Math.PI));
  }

  /** The mean negative log-density of the examples of {@code data}, nats. */
  public double meanNegativeLogDensity(Dataset data) {
    double sum = 0;
    for (int i = 0; i < data.size(); i++) {
      sum -= logDensity(data.values(), i * data.dimension());
    }
    return sum / data.size();
  }

  private static double[][] copy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }
}
