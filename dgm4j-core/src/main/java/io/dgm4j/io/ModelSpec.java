package io.dgm4j.io;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;

/**
 * Everything needed to rebuild a model's structure before its weights are loaded: the family,
 * the shape of one example, the construction seed (some structure, such as MADE's masks or a
 * random ordering, is drawn from it) and the full configuration as JSON.
 */
public record ModelSpec(String family, int[] itemShape, long seed, ObjectNode config) {

  /** The spec of an existing model. */
  public static ModelSpec of(GenerativeModel model, int[] itemShape, long seed) {
    ObjectNode config = ModelRegistry.json().valueToTree(model.config());
    return new ModelSpec(model.family(), itemShape.clone(), seed, config);
  }

  /** Number of values per example. */
  public int dimension() {
    return ModelRegistry.product(itemShape);
  }

  /** Builds a freshly initialised model of this spec in {@code manager} (which it then owns). */
  public GenerativeModel build(NDManager manager) {
    return ModelRegistry.family(family).create(manager, itemShape, config, seed);
  }
}
