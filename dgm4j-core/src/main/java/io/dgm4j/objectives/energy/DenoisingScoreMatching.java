package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Batch;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.objectives.LossObjective;

/**
 * Denoising score matching (Vincent, 2011): match the score of the σ-smoothed data
 * q_σ(x̃) = ∫ N(x̃; x, σ²I) p_data(x) dx, whose conditional score is known,
 * ∇x̃ log q_σ(x̃ | x) = −(x̃ − x)/σ² = −ε/σ for x̃ = x + σε:
 * J(θ) = E_x E_ε ½ ‖s_θ(x + σε) + ε/σ‖².
 * This equals the Fisher divergence to q_σ up to a constant, with no second derivatives; the
 * model learns the smoothed density, which approaches p_data as σ → 0 (while the loss's
 * variance grows).
 */
public final class DenoisingScoreMatching extends LossObjective {

  /**
   * Settings.
   *
   * @param sigma the noise level σ, in the data's units
   */
  public record Config(double sigma) {
    public Config {
      if (!(sigma > 0)) {
        throw new IllegalArgumentException("dsm: sigma must be positive, got " + sigma);
      }
    }

    /** σ = 0.1 (2-D toys of unit scale). */
    public static Config defaults() {
      return new Config(0.1);
    }
  }

  private final EnergyModel energy;
  private final Config config;

  public DenoisingScoreMatching(EnergyModel model, Config config, double clipNorm) {
    super(model, clipNorm);
    this.energy = model;
    this.config = config;
  }

  @Override
  public NDArray loss(Batch batch, long step) {
    NDArray x = batch.x();
    NDArray noise = x.getManager().randomNormal(x.getShape());
    float sigma = (float) config.sigma();
    NDArray noisy = x.add(Scalars.times(noise, sigma));
    NDArray s = Scores.withGraph(energy, noisy).gradient();
    return Scores.halfSquaredNorm(s.add(Scalars.dividedBy(noise, sigma))).mean();
  }

  @Override
  public String name() {
    return "denoising score matching";
  }
}
