package io.dgm4j.objectives;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Batch;
import io.dgm4j.models.latent.VariationalModel;

/**
 * Maximise the evidence lower bound (seed 003): minimise -(1/N) sum_n [E_q log p(x_n | z) -
 * w_t KL(q(z | x_n) || p(z))] with one reparameterized draw of z per example (Kingma and
 * Welling, 2014). The KL weight w_t = beta * min(1, t / warmup) rises linearly from 0 over the
 * first {@code warmup} steps (KL annealing, Bowman et al., 2016; Sønderby et al., 2016) and then
 * stays at beta (beta-VAE, Higgins et al., 2017, for beta != 1). With beta = 1 after warm-up the
 * loss is the negative ELBO, an upper bound on the NLL in nats; during warm-up, or with
 * beta != 1, the reported training loss is the weighted one (the validation figure is always the
 * true negative ELBO).
 */
public final class Elbo extends LossObjective {

  /**
   * Settings.
   *
   * @param beta the weight of the KL term once warmed up (1: the ELBO)
   * @param warmup training steps over which the KL weight rises from 0 to beta (0: none)
   */
  public record Config(double beta, long warmup) {
    public Config {
      if (!(beta >= 0) || !Double.isFinite(beta)) {
        throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
      }
      if (warmup < 0) {
        throw new IllegalArgumentException("warmup must be >= 0 steps, got " + warmup);
      }
    }

    public static Config defaults() {
      return new Config(1, 0);
    }
  }

  private final VariationalModel variational;
  private final Config config;

  public Elbo(VariationalModel model, Config config, double clipNorm) {
    super(model, clipNorm);
    this.variational = model;
    this.config = config;
  }

  /** The KL weight at training step {@code step}. */
  public double klWeight(long step) {
    return config.warmup() == 0 ? config.beta()
        : config.beta() * Math.min(1.0, (double) step / config.warmup());
  }

  @Override
  public NDArray loss(Batch batch, long step) {
    VariationalModel.ElboTerms terms = variational.elboTerms(batch);
    return terms.reconstruction().sub(Scalars.times(terms.kl(), klWeight(step))).mean().neg();
  }

  /** The true negative ELBO (beta = 1, no warm-up) on held-out data. */
  @Override
  public double validationLoss(Batch batch) {
    try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
      return variational.elboTerms(batch).elbo().mean().neg().getFloat();
    }
  }

  @Override
  public String name() {
    return "ELBO";
  }
}
