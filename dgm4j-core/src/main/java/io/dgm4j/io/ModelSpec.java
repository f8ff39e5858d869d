package io.dgm4j.io;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;

/**
 * Everything needed to rebuild a model's structure before its weights are loaded: the family,
 * the shape of one example, the construction seed (some structure, such as MADE's masks or a
 * random ordering, is drawn from it) and the full configuration as JSON.
 */
public record ModelSpec(String family, int[] itemShape, long seed, ObjectNode config) {

  /** The spec of an existing model. */
  public static ModelSpec of(DensityModel model, int[] itemShape, long seed) {
    ObjectNode config = ModelRegistry.json().valueToTree(model.config());
    return new ModelSpec(model.family(), itemShape.clone(), seed, config);
  }

  /** Number of values per example. */
  public int dimension() {
    int d = 1;
    for (int s : itemShape) {
      d = Math.multiplyExact(d, s);
    }
    return d;
  }

  /** Builds a freshly initialised model of this spec in {@code manager} (which it then owns). */
  public DensityModel build(NDManager manager) {
    return ModelRegistry.family(family).create(manager, dimension(), config, seed);
  }
}
