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

  /**
   * Refuses a checkpoint whose model ({@code this}, from its {@code model.json}) is not the one
   * {@code recorded} in the run's {@code run.json}: a mismatch (an edited ordering, a file
   * copied from another run) would otherwise load silently and score a different model.
   *
   * @param checkpoint the checkpoint file, for the message
   * @param runFile the run.json, for the message
   */
  public void requireSameAs(ModelSpec recorded, java.nio.file.Path checkpoint,
      java.nio.file.Path runFile) {
    java.util.List<String> differences = new java.util.ArrayList<>();
    if (!family.equals(recorded.family)) {
      differences.add("family " + family + " vs " + recorded.family);
    }
    if (!java.util.Arrays.equals(itemShape, recorded.itemShape)) {
      differences.add("item shape " + java.util.Arrays.toString(itemShape) + " vs "
          + java.util.Arrays.toString(recorded.itemShape));
    }
    if (seed != recorded.seed) {
      differences.add("seed " + seed + " vs " + recorded.seed);
    }
    if (config != null && recorded.config != null) {
      java.util.Set<String> keys = new java.util.TreeSet<>();
      config.fieldNames().forEachRemaining(keys::add);
      recorded.config.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        if (!java.util.Objects.equals(config.get(key), recorded.config.get(key))) {
          differences.add(key + " " + config.get(key) + " vs " + recorded.config.get(key));
        }
      }
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(checkpoint + ": its model.json does not match "
          + runFile + " (" + String.join("; ", differences) + "); the checkpoint belongs to"
          + " another model: restore the original files or train again");
    }
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
