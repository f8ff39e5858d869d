package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Binarization;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Perturbation;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Path;

/**
 * The data of a run, split and preprocessed exactly as its {@code run.json} says: training
 * examples (preprocessed afresh each epoch), a validation set (the last examples of the
 * training file, drawn once) and the test set (drawn once with the protocol's fixed seed).
 */
record RunData(String spec, DataSources.DataSplits source, Preprocessing preprocessing,
    Perturbation perturbation, Dataset train, Dataset validation, int validationSize,
    int limit) {

  /** Validation size when not given: the last 10,000 for MNIST's 60,000, else a sixth. */
  static int defaultValidationSize(int trainExamples) {
    return Math.max(1, Math.min(10_000, trainExamples / 6));
  }

  /** Splits and checks {@code source}, resolved from {@code spec}, for a run. */
  static RunData load(String spec, DataSources.DataSplits source, Preprocessing preprocessing,
      Perturbation perturbation, int validationSize, int limit, String modelName) {
    int n = source.train().size();
    int v = validationSize > 0 ? validationSize : defaultValidationSize(n);
    if (v >= n) {
      throw new IllegalArgumentException(spec + ": " + n + " training examples leave none after"
          + " a validation set of " + v + "; use --validation with a smaller number");
    }
    Dataset train = source.train().slice(0, n - v);
    if (limit > 0 && limit < train.size()) {
      train = train.slice(0, limit);
    }
    preprocessing.check(train, modelName); // every example, before anything is written
    Dataset validation = preprocessing.fixed(perturbation.apply(source.train().slice(n - v, n),
        preprocessing.validationSeed(), Binarization.FIXED_EPOCH),
        preprocessing.validationSeed(), modelName);
    return new RunData(spec, source, preprocessing, perturbation, train, validation, v, limit);
  }

  /** Rebuilds the data of a recorded run (to resume its training). */
  static RunData ofRun(ObjectNode data, Path dataHome, String modelName) {
    String spec = data.get("spec").asText();
    return load(spec, DataSources.resolve(spec, dataHome), preprocessingOf(data),
        perturbationOf(data), data.get("validation").asInt(), data.get("limit").asInt(),
        modelName);
  }

  /** The preprocessing recorded in a run's data description. */
  static Preprocessing preprocessingOf(ObjectNode data) {
    return ModelRegistry.json().convertValue(data.get("preprocessing"), Preprocessing.class);
  }

  /** The training-input noise recorded in a run (none for runs without {@code perturb}). */
  static Perturbation perturbationOf(ObjectNode data) {
    return data.hasNonNull("perturb")
        ? ModelRegistry.json().convertValue(data.get("perturb"), Perturbation.class)
        : Perturbation.NONE;
  }

  /** Epoch {@code epoch}'s training data: perturbed (background runs), then preprocessed. */
  Dataset trainingEpoch(long seed, int epoch) {
    return preprocessing.trainingEpoch(perturbation.apply(train, seed, epoch), seed, epoch);
  }

  /** A recorded run's test set, preprocessed as the run says (no training data is loaded). */
  static Dataset testSetOf(ObjectNode data, Path dataHome) {
    Preprocessing p = preprocessingOf(data);
    Dataset raw = DataSources.resolve(data.get("spec").asText(), dataHome).test();
    return p.fixed(raw, p.testSeed(), "");
  }

  /** The description stored in run.json. */
  ObjectNode describe() {
    ObjectNode node = ModelRegistry.json().createObjectNode();
    node.put("spec", spec);
    node.put("name", source.name());
    node.set("preprocessing", ModelRegistry.json().valueToTree(preprocessing));
    if (perturbation.active()) {
      node.set("perturb", ModelRegistry.json().valueToTree(perturbation));
    }
    node.put("validation", validationSize);
    node.put("limit", limit);
    node.put("train_examples", train.size());
    node.put("validation_examples", validation.size());
    node.put("test_examples", source.test().size());
    node.put("item_shape", java.util.Arrays.toString(train.itemShape()));
    return node;
  }
}
