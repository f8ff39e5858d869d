package io.dgm4j.objectives;

import ai.djl.ndarray.NDArray;
import io.dgm4j.models.DensityModel;

/**
 * Turns a model and a minibatch into the scalar loss a training step minimises. The training
 * loop knows nothing of any model beyond this.
 */
@FunctionalInterface
public interface Objective {

  /**
   * @param model the model being trained
   * @param batch shape (N, D)
   * @param step the global step count (models trained as ensembles pick a member from it)
   * @return a scalar
   */
  NDArray loss(DensityModel model, NDArray batch, long step);
}
