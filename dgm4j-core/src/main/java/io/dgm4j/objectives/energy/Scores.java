package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Autograd;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.EnergyModel;

/** The score of an energy model with its autograd graph kept, for losses built from it. */
final class Scores {
  private Scores() {}

  /**
   * s(x) = ∇x log p(x) = −∇x E(x) at a fresh leaf copy of x, differentiable with respect to
   * the model's weights (and again with respect to x, for the divergence).
   */
  static Autograd.InputGradient withGraph(EnergyModel model, NDArray x) {
    return Autograd.inputGradient(x, e -> model.energy(e).neg(), true,
        model.parameters().asMap().values());
  }

  /** ½‖v‖² per row, shape (N). */
  static NDArray halfSquaredNorm(NDArray v) {
    return Scalars.times(v.square().sum(new int[] {1}), 0.5);
  }
}
