package io.dgm4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.ImageFolder;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data of a run, split and preprocessed exactly as its {@code run.json} says: training
 * examples (preprocessed afresh each epoch), a validation set (the last examples of the
 * training file, drawn once) and the test set (drawn once with the protocol's fixed seed).
 *
 * <p>{@code run.json} records where the data is so that the run works from any working
 * directory: a file or folder as an absolute path, a named dataset (mnist) with the absolute
 * data folder it was found in (used when the current one lacks it).
 */
record RunData(String spec, Path dataHome, DataSources.DataSplits source,
    Preprocessing preprocessing, Dataset train, Dataset validation, int validationSize,
    int limit) {

  /** Validation size when not given: the last 10,000 for MNIST's 60,000, else a sixth. */
  static int defaultValidationSize(int trainExamples) {
    return Math.max(1, Math.min(10_000, trainExamples / 6));
  }

  /**
   * Splits and checks {@code source}, resolved from {@code spec}, for a run: every split (the
   * training examples, the validation set and the test set) must be non-empty where needed and
   * hold values the model can score, so that a run that trains can also be evaluated.
   *
   * @param validationSize examples kept for validation; null for the default, 0 for none
   */
  static RunData load(String spec, Path dataHome, DataSources.DataSplits source,
      Preprocessing preprocessing, Integer validationSize, int limit, String modelName) {
    int n = source.train().size();
    int v = validationSize != null ? validationSize : defaultValidationSize(n);
    if (v >= n) {
      throw new IllegalArgumentException(spec + ": " + n + " training examples leave none after"
          + " a validation set of " + v + "; use --validation with a smaller number");
    }
    if (source.test().size() == 0) {
      throw new IllegalArgumentException(source.test().name() + ": the test set is empty;"
          + " a run needs test examples to be evaluated (give a CSV of at least 10 rows, or a"
          + " non-empty test.csv)");
    }
    Dataset train = source.train().slice(0, n - v);
    if (limit > 0 && limit < train.size()) {
      train = train.slice(0, limit);
    }
    preprocessing.check(train, modelName); // every example, before anything is written
    Dataset validation = preprocessing.fixed(source.train().slice(n - v, n),
        preprocessing.validationSeed(), modelName);
    preprocessing.fixed(source.test(), preprocessing.testSeed(), modelName); // checks it
    return new RunData(recordedSpec(spec, dataHome), dataHome, source, preprocessing, train,
        validation, v, limit);
  }

  /** Rebuilds the data of a recorded run (to resume its training). */
  static RunData ofRun(ObjectNode data, Path dataHome, String modelName, Path runFile,
      java.io.PrintWriter console) {
    Path home = homeFor(data, dataHome);
    String spec = data.get("spec").asText();
    JsonNode examples = data.get("validation_examples");
    return load(spec, home, resolve(data, dataHome, runFile, console), preprocessingOf(data),
        examples != null ? examples.asInt() : data.get("validation").asInt(),
        data.get("limit").asInt(), modelName);
  }

  /**
   * How a run reads picture folders: the size and channels it was trained with (so eval, score
   * and sample need no --image-size), its strictness and its split seed; defaults for runs on
   * other sources.
   */
  static ImageFolder.Options imageOptionsOf(ObjectNode data) {
    return ImageFolder.Options.fromRecord(data.get("images"));
  }

  /**
   * A note when a run's picture folder no longer holds the readable files it was trained on:
   * its seeded split, and so its test set, is then not the run's.
   */
  static void noteChangedFolder(ObjectNode data, DataSources.DataSplits source,
      java.io.PrintWriter console) {
    JsonNode recorded = data.path("images").path("readable_sha256");
    if (source.images() == null || recorded.isMissingNode()
        || recorded.asText().equals(source.images().readableDigest())) {
      return;
    }
    console.printf("note: %s has changed since the run was trained (%,d readable pictures now,"
        + " %,d then): its training and test split is not the run's%n", source.images().root(),
        source.images().train().size() + source.images().test().size(),
        data.path("images").path("readable").asInt());
  }

  /** The class names of a run trained on a picture folder with class subfolders, else empty. */
  static java.util.List<String> classesOf(ObjectNode data) {
    java.util.List<String> out = new java.util.ArrayList<>();
    data.path("images").path("classes").forEach(c -> out.add(c.asText()));
    return out;
  }

  /** The preprocessing recorded in a run's data description. */
  static Preprocessing preprocessingOf(ObjectNode data) {
    return ModelRegistry.json().convertValue(data.get("preprocessing"), Preprocessing.class);
  }

  /** A recorded run's test set, preprocessed as the run says (no training data is loaded). */
  static Dataset testSetOf(ObjectNode data, Path dataHome, Path runFile,
      java.io.PrintWriter console) {
    Preprocessing p = preprocessingOf(data);
    Dataset raw = resolve(data, dataHome, runFile, console).test();
    if (raw.size() == 0) {
      throw new IllegalArgumentException(raw.name() + ": the test set is empty; there is"
          + " nothing to evaluate");
    }
    return p.fixed(raw, p.testSeed(), "");
  }

  /** The recorded data source, or a message saying it moved and how to point at it again. */
  private static DataSources.DataSplits resolve(ObjectNode data, Path dataHome, Path runFile,
      java.io.PrintWriter console) {
    String spec = data.get("spec").asText();
    Path path = Path.of(spec);
    if (path.isAbsolute() && !Files.exists(path)) {
      throw new IllegalArgumentException(spec + ": the data this run was trained on is no"
          + " longer there (moved or deleted); put it back, or set \"spec\" in " + runFile
          + " to where it is now");
    }
    DataSources.DataSplits source = Sources.resolve(spec, homeFor(data, dataHome),
        imageOptionsOf(data), console);
    noteChangedFolder(data, source, console);
    return source;
  }

  /** The data folder for a named dataset: the current one, else the one recorded. */
  private static Path homeFor(ObjectNode data, Path dataHome) {
    JsonNode recorded = data.get("data_home");
    String spec = data.get("spec").asText();
    if (recorded != null && !Files.isDirectory(dataHome.resolve(spec))
        && Files.isDirectory(Path.of(recorded.asText()).resolve(spec))) {
      return Path.of(recorded.asText());
    }
    return dataHome;
  }

  /** A file or folder as an absolute path; a named dataset (mnist) as its name. */
  private static String recordedSpec(String spec, Path dataHome) {
    boolean named = spec.equals("mnist") || spec.equals("fashion-mnist");
    return named ? spec : Path.of(spec).toAbsolutePath().normalize().toString();
  }

  /** The description stored in run.json. */
  ObjectNode describe() {
    ObjectNode node = ModelRegistry.json().createObjectNode();
    node.put("spec", spec);
    node.put("data_home", dataHome.toAbsolutePath().normalize().toString());
    node.put("name", source.name());
    node.set("preprocessing", ModelRegistry.json().valueToTree(preprocessing));
    node.put("validation", validationSize);
    node.put("limit", limit);
    node.put("train_examples", train.size());
    node.put("validation_examples", validation.size());
    node.put("test_examples", source.test().size());
    node.put("item_shape", java.util.Arrays.toString(train.itemShape()));
    if (source.images() != null) {
      node.set("images", source.images().record());
    }
    return node;
  }
}
