package io.dgm4j.models;

import ai.djl.ndarray.NDManager;

/** The base of density models: {@link AbstractModel}'s manager, dimension and parameters. */
public abstract class AbstractDensityModel extends AbstractModel implements DensityModel {

  protected AbstractDensityModel(NDManager manager, int dimension, long seed) {
    super(manager, dimension, seed);
  }
}
