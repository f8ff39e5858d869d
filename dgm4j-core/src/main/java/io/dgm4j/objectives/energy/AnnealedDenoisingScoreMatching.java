package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Batch;
import io.dgm4j.models.energy.Ncsn;
import io.dgm4j.objectives.LossObjective;

/**
 * Denoising score matching over a ladder of noise levels (Song and Ermon, 2019): each example
 * gets a level σ drawn uniformly from the model's ladder and x̃ = x + σε, and the loss is
 * (1/N) Σ_n λ(σ_n) · ½ ‖s_θ(x̃_n, σ_n) + ε_n/σ_n‖² with λ(σ) = σ², which makes every level's
 * term of the same order (‖σ s + ε‖²); the minimiser is the score of the σ-smoothed data at
 * every level.
 */
public final class AnnealedDenoisingScoreMatching extends LossObjective {
  private final Ncsn ncsn;
  private final float[] sigmas;

  public AnnealedDenoisingScoreMatching(Ncsn model, double clipNorm) {
    super(model, clipNorm);
    this.ncsn = model;
    double[] s = model.sigmas();
    sigmas = new float[s.length];
    for (int i = 0; i < s.length; i++) {
      sigmas[i] = (float) s[i];
    }
  }

  @Override
  public NDArray loss(Batch batch, long step) {
    NDArray x = batch.x();
    long n = x.getShape().get(0);
    int count = sigmas.length;
    // level i uniform in 0..L-1, σ_i = σ_1 (σ_L/σ_1)^(i/(L-1)): the model's geometric ladder
    NDArray level = Scalars.clamp(
        x.getManager().randomUniform(0f, count, new Shape(n, 1)).floor(), 0, count - 1);
    double logRatio = Math.log(sigmas[count - 1] / sigmas[0]) / (count - 1);
    NDArray sigma = Scalars.times(level, logRatio).add((float) Math.log(sigmas[0])).exp();
    NDArray noise = x.getManager().randomNormal(x.getShape());
    NDArray s = ncsn.score(x.add(noise.mul(sigma)), sigma);
    return Scores.halfSquaredNorm(s.mul(sigma).add(noise)).mean();
  }

  @Override
  public String name() {
    return "denoising score matching over the noise ladder";
  }
}
