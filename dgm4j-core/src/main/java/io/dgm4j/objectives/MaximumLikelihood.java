package io.dgm4j.objectives;

import ai.djl.ndarray.NDArray;
import io.dgm4j.models.Batch;
import io.dgm4j.models.DensityModel;

/**
 * Maximum likelihood: minimise the average negative log-likelihood of a minibatch,
 * -(1/N) sum_n log p_θ(x_n), an unbiased estimate of the cross-entropy H(p_data, p_θ). Since
 * H(p_data, p_θ) = H(p_data) + KL(p_data || p_θ) and H(p_data) does not depend on θ, this is
 * minimising KL(p_data || p_θ) (seed 001).
 */
public final class MaximumLikelihood extends LossObjective {
  private final DensityModel density;

  public MaximumLikelihood(DensityModel model, double clipNorm) {
    super(model, clipNorm);
    this.density = model;
  }

  public MaximumLikelihood(DensityModel model) {
    this(model, 0);
  }

  @Override
  public NDArray loss(Batch batch, long step) {
    return density.meanNegativeLogLikelihood(batch, step);
  }

  @Override
  public String name() {
    return "maximum likelihood";
  }
}
