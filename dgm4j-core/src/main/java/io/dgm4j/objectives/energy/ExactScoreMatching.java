package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Autograd;
import io.dgm4j.models.Batch;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.objectives.LossObjective;

/**
 * Exact score matching (Hyvärinen, 2005): minimise the Fisher divergence
 * ½ E_data ‖∇x log p_θ(x) − ∇x log p_data(x)‖², which needs no Z since ∇x log Z = 0. Integrating
 * by parts removes the unknown data score:
 * J(θ) = E_data [ tr(∇x s_θ(x)) + ½ ‖s_θ(x)‖² ] + const, with s_θ = −∇x E_θ.
 * The trace of the Hessian takes one extra backward pass per input coordinate
 * ({@link Autograd#divergence}), so this is for low dimension (2-D toys); sliced and denoising
 * score matching avoid it.
 */
public final class ExactScoreMatching extends LossObjective {
  private final EnergyModel energy;

  public ExactScoreMatching(EnergyModel model, double clipNorm) {
    super(model, clipNorm);
    this.energy = model;
  }

  @Override
  public NDArray loss(Batch batch, long step) {
    Autograd.InputGradient s = Scores.withGraph(energy, batch.x());
    NDArray trace = Autograd.divergence(s, energy.parameters().asMap().values());
    return trace.add(Scores.halfSquaredNorm(s.gradient())).mean();
  }

  @Override
  public String name() {
    return "exact score matching";
  }
}
