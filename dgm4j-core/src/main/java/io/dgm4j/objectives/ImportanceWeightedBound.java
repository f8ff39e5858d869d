package io.dgm4j.objectives;

import ai.djl.ndarray.NDArray;
import io.dgm4j.models.Batch;
import io.dgm4j.models.latent.VariationalModel;
import io.dgm4j.nn.TensorMath;

/**
 * The importance-weighted autoencoder's objective (Burda, Grosse and Salakhutdinov, ICLR 2016):
 * minimise -(1/N) sum_n log (1/k) sum_i p(x_n, z_i) / q(z_i | x_n), z_i ~ q(z | x_n)
 * reparameterized. For k = 1 this is the ELBO; the bound tightens as k grows (L_k <= L_{k+1} <=
 * log p(x)), and its gradient weights each sample by its normalised importance weight, so the
 * encoder is no longer punished for posterior mass the decoder can explain. Costs k decoder
 * passes per example.
 */
public final class ImportanceWeightedBound extends LossObjective {

  /**
   * Settings.
   *
   * @param samples k, importance samples per example (the paper's best: 50)
   */
  public record Config(int samples) {
    public Config {
      if (samples < 1) {
        throw new IllegalArgumentException("samples (k, importance samples per example) must be"
            + " at least 1, got " + samples);
      }
    }

    public static Config defaults() {
      return new Config(50);
    }
  }

  private final VariationalModel variational;
  private final int samples;

  public ImportanceWeightedBound(VariationalModel model, Config config, double clipNorm) {
    super(model, clipNorm);
    this.variational = model;
    this.samples = config.samples();
  }

  @Override
  public NDArray loss(Batch batch, long step) {
    return TensorMath.logMeanExp(variational.logImportanceWeights(batch, samples), 0).mean()
        .neg();
  }

  @Override
  public int latentDrawsPerExample() {
    return samples;
  }

  @Override
  public String name() {
    return "IWAE bound, k = " + samples;
  }
}
