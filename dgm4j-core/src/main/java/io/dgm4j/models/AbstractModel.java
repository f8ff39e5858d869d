package io.dgm4j.models;

import ai.djl.ndarray.NDManager;
import io.dgm4j.nn.Parameters;

/**
 * What every model holds: the manager that owns its tensors, the dimension D of x, and its
 * trainable {@link Parameters} (seeded). Subclasses add their factorization.
 */
public abstract class AbstractModel implements GenerativeModel {
  protected final NDManager manager;
  protected final int dimension;
  protected final Parameters parameters;

  protected AbstractModel(NDManager manager, int dimension, long seed) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
    this.manager = manager;
    this.dimension = dimension;
    this.parameters = new Parameters(manager, seed);
  }

  @Override
  public final int dimension() {
    return dimension;
  }

  @Override
  public final Parameters parameters() {
    return parameters;
  }

  @Override
  public final NDManager manager() {
    return manager;
  }
}
