package io.dgm4j.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Autograd;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.Support;
import io.dgm4j.models.energy.LearnedLogPartition;
import java.util.Optional;

/**
 * A Gaussian energy model for tests: E(x) = ½ (x − μ)ᵀ A Aᵀ (x − μ) with μ (D) and A (D, D)
 * trainable, and a learnable log Z scalar. Its true log Z, ½ D log 2π − log |det A|, is known.
 */
public final class GaussianEnergy extends AbstractModel implements EnergyModel,
    LearnedLogPartition {
  private final NDArray mean;
  private final NDArray factor;
  private final NDArray logZ;
  private boolean learned;

  public GaussianEnergy(NDManager manager, float[] mean, float[] factor) {
    super(manager, mean.length, 0);
    int d = mean.length;
    this.mean = parameters.add("mean", mean, d);
    this.factor = parameters.add("factor", factor, d, d);
    this.logZ = parameters.zeros("logZ");
  }

  @Override
  public String family() {
    return "gaussian-energy";
  }

  @Override
  public Support support() {
    return Support.REAL;
  }

  @Override
  public Record config() {
    return null;
  }

  @Override
  public NDArray energy(NDArray x) {
    NDArray z = x.sub(mean).matMul(factor); // (N, D): (x − μ)ᵀ A
    return Scalars.times(z.square().sum(new int[] {1}), 0.5);
  }

  @Override
  public NDArray score(NDArray x) {
    return Autograd.inputGradient(this::energy, x, parameters.asMap().values()).neg();
  }

  @Override
  public Optional<LogPartition> logZ() {
    return learned ? Optional.of(new LogPartition(logZ.getFloat(), Double.NaN, "nce"))
        : Optional.empty();
  }

  @Override
  public NDArray logZParameter() {
    return logZ;
  }

  @Override
  public void learnsLogZ(boolean learned) {
    this.learned = learned;
  }

  /** The precision P = A Aᵀ in double precision, row-major. */
  public double[][] precision() {
    int d = dimension;
    float[] a = factor.toFloatArray();
    double[][] p = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < d; k++) {
          p[i][j] += (double) a[i * d + k] * a[j * d + k];
        }
      }
    }
    return p;
  }

  /** μ in double precision. */
  public double[] meanValues() {
    float[] m = mean.toFloatArray();
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i];
    }
    return out;
  }
}
