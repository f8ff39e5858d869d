package io.dgm4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Binarization;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.ImageFolder;
import io.dgm4j.data.Perturbation;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.training.RunDirectory;
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
    Preprocessing preprocessing, Perturbation perturbation, Dataset train, Dataset validation,
    int validationSize, int limit) {

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
      Preprocessing preprocessing, Perturbation perturbation, Integer validationSize, int limit,
      String modelName) {
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
    Dataset validation = preprocessing.fixed(perturbation.apply(source.train().slice(n - v, n),
        preprocessing.validationSeed(), Binarization.FIXED_EPOCH),
        preprocessing.validationSeed(), modelName);
    preprocessing.fixed(source.test(), preprocessing.testSeed(), modelName); // checks it
    return new RunData(recordedSpec(spec, dataHome), dataHome, source, preprocessing,
        perturbation, train, validation, v, limit);
  }

  /** Rebuilds the data of a recorded run (to resume its training). */
  static RunData ofRun(ObjectNode data, Path dataHome, String modelName, Path runFile,
      java.io.PrintWriter console) {
    Path home = homeFor(data, dataHome);
    String spec = data.get("spec").asText();
    JsonNode examples = data.get("validation_examples");
    DataSources.DataSplits source = resolve(data, dataHome, runFile, console);
    if (data.hasNonNull("class")) {
      source = ofClass(source, data.get("class").asInt());
    }
    return load(spec, home, source, preprocessingOf(data), perturbationOf(data),
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

  /**
   * The examples of class {@code label} only, training and test (one member of a per-class
   * model); an error when the data has no labels.
   */
  static DataSources.DataSplits ofClass(DataSources.DataSplits source, int label) {
    if (!source.train().hasLabels() || !source.test().hasLabels()) {
      throw new IllegalArgumentException("--per-class needs labelled data; " + source.name()
          + " has no labels");
    }
    return new DataSources.DataSplits(source.name() + " class " + label,
        withLabel(source.train(), label), withLabel(source.test(), label), source.bytePixels());
  }

  /** The number of classes in labelled data: the largest label + 1. */
  static int classCount(Dataset data) {
    int max = -1;
    for (int y : data.labels()) {
      if (y < 0) {
        throw new IllegalArgumentException(data.name() + ": negative label " + y);
      }
      max = Math.max(max, y);
    }
    return max + 1;
  }

  private static Dataset withLabel(Dataset data, int label) {
    int[] labels = data.labels();
    int count = 0;
    for (int y : labels) {
      count += y == label ? 1 : 0;
    }
    int[] indices = new int[count];
    int next = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == label) {
        indices[next++] = i;
      }
    }
    float[] values = new float[count * data.dimension()];
    data.gather(indices, 0, count, values);
    int[] same = new int[count];
    java.util.Arrays.fill(same, label);
    return new Dataset(data.name(), values, count, data.itemShape(), same);
  }

  /**
   * The held-out examples of a recorded run (the last examples of its training file, or of
   * each class's examples for a per-class run), unperturbed, preprocessed with its validation
   * seed: data from the training distribution that the model never trained on.
   */
  static Dataset validationSetOf(ObjectNode data, Path dataHome) {
    Preprocessing p = preprocessingOf(data);
    DataSources.DataSplits source = DataSources.resolve(data.get("spec").asText(),
        homeFor(data, dataHome));
    JsonNode node = data.get("validation");
    Integer recorded = node == null || node.isNull() ? null : node.asInt();
    if (recorded != null && recorded == 0) {
      throw new IllegalArgumentException("the run was trained with --validation 0: it has no"
          + " held-out examples to estimate its typical -log p(x) from; leave typicality out of"
          + " --methods");
    }
    java.util.List<Dataset> parts = new java.util.ArrayList<>();
    if (data.path("per_class").asBoolean(false)) {
      for (int y = 0; y < data.get("classes").asInt(); y++) {
        parts.add(lastExamples(ofClass(source, y).train(), recorded));
      }
    } else {
      parts.add(lastExamples(source.train(), recorded));
    }
    return p.fixed(concatenate(parts), p.validationSeed(), "");
  }

  private static Dataset lastExamples(Dataset train, Integer recorded) {
    int n = train.size();
    int v = Math.min(n, recorded != null ? recorded : defaultValidationSize(n));
    return train.slice(n - v, n);
  }

  private static Dataset concatenate(java.util.List<Dataset> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int size = parts.stream().mapToInt(Dataset::size).sum();
    Dataset first = parts.get(0);
    float[] values = new float[size * first.dimension()];
    int[] labels = first.hasLabels() ? new int[size] : null;
    int offset = 0;
    for (Dataset part : parts) {
      System.arraycopy(part.values(), 0, values, offset * first.dimension(),
          part.values().length);
      if (labels != null) {
        System.arraycopy(part.labels(), 0, labels, offset, part.size());
      }
      offset += part.size();
    }
    return new Dataset(first.name(), values, size, first.itemShape(), labels);
  }

  /**
   * The {@code split} ("test" or "train") of {@code spec}, preprocessed as the run whose data
   * description is {@code runData} preprocesses its test set (e.g. binarized with the fixed
   * seed), checked against the model's dimension and the kind of values the run was trained on.
   */
  static Dataset preparedLike(ObjectNode runData, String spec, String split, int dimension,
      String family, Path dataHome) {
    DataSources.DataSplits source = DataSources.resolve(spec, dataHome);
    Dataset raw = switch (split) {
      case "test" -> source.test();
      case "train" -> source.train();
      default -> throw new IllegalArgumentException("--split must be test or train, got "
          + split);
    };
    io.dgm4j.data.Validation.requireDimension(raw, dimension);
    Preprocessing prep = preprocessingOf(runData);
    requireSameKindOfValues(spec, source, prep);
    return prep.fixed(raw, prep.testSeed(), family);
  }

  /** Refuses data of another kind (8-bit pixels vs real values) than the run was trained on. */
  static void requireSameKindOfValues(String spec, DataSources.DataSplits source,
      Preprocessing prep) {
    if (source.bytePixels() != prep.expectsBytePixels()) {
      throw new IllegalArgumentException(spec + " holds " + (source.bytePixels()
          ? "8-bit pixels" : "real values") + " but the run was trained on "
          + (prep.expectsBytePixels() ? "8-bit pixels" : "real values"));
    }
  }

  /** The preprocessing recorded in a run's data description. */
  static Preprocessing preprocessingOf(ObjectNode data) {
    return RunDirectory.preprocessingOf(data);
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

  /** A file or folder as an absolute path; a named or generated dataset (mnist, toy:NAME) as is. */
  private static String recordedSpec(String spec, Path dataHome) {
    boolean named = spec.equals("mnist") || spec.equals("fashion-mnist")
        || spec.startsWith("toy:");
    return named ? spec : Path.of(spec).toAbsolutePath().normalize().toString();
  }

  /** The description stored in run.json. */
  ObjectNode describe() {
    ObjectNode node = ModelRegistry.json().createObjectNode();
    node.put("spec", spec);
    node.put("data_home", dataHome.toAbsolutePath().normalize().toString());
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
    if (source.images() != null) {
      node.set("images", source.images().record());
    }
    return node;
  }
}
