package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.data.Validation;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.models.Encoder;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.sampling.PersistentChains;
import io.dgm4j.training.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** A trained run opened for use: its description and the model of its best checkpoint. */
final class LoadedRun implements AutoCloseable {
  final RunDirectory directory;
  final RunDirectory.RunInfo info;
  final GenerativeModel model;
  final Path checkpoint;
  /** The chain states the run kept while training ({@code pcd} runs), or null. */
  final ai.djl.ndarray.NDArray persistentChains;
  private final NDManager manager;

  /**
   * @param which best or last ({@code --checkpoint})
   * @param command the command, for usage errors
   */
  LoadedRun(Path runFolder, String which, String device, CommandSpec command) {
    directory = new RunDirectory(runFolder);
    checkpoint = switch (which) {
      case "best" -> directory.bestCheckpoint();
      case "last" -> directory.lastCheckpoint();
      default -> throw Options.usage(command, "--checkpoint must be best or last, got "
          + which);
    };
    info = directory.readInfo();
    if (!Files.exists(checkpoint)) {
      throw new IllegalArgumentException(runFolder + ": no " + checkpoint.getFileName()
          + " yet (has the first epoch finished?)");
    }
    manager = Engines.newManager(Engines.device(device));
    Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, manager.newSubManager());
    try {
      loaded.spec().requireSameAs(info.model(), checkpoint, directory.runFile());
    } catch (IllegalArgumentException e) {
      loaded.model().close();
      manager.close();
      throw e;
    }
    model = loaded.model();
    persistentChains = PersistentChains.find(loaded.objectiveState());
  }

  /** The files of the run this command reads: never to be overwritten by its output. */
  List<Path> inputFiles() {
    return List.of(directory.runFile(), directory.lastCheckpoint(), directory.bestCheckpoint(),
        directory.metricsFile());
  }

  /**
   * The model as the capability {@code type} a command needs, or a clear error naming what the
   * model's family is and what the command needs ({@code needs}, e.g. "an exact likelihood").
   */
  <T> T require(Class<T> type, String command, String needs) {
    if (!type.isInstance(model)) {
      throw new IllegalArgumentException(info.model().family() + " has no " + needs
          + ", which `dgm " + command + "` needs");
    }
    return type.cast(model);
  }

  /**
   * The test set of {@code spec} (any --data spec) preprocessed as this run's own test set, its
   * first {@code limit} examples when {@code limit} > 0.
   */
  io.dgm4j.data.Dataset testSet(String spec, int limit, Path dataHome) {
    io.dgm4j.data.Dataset d = RunData.preparedLike(info.data(), spec, "test", model.dimension(),
        info.model().family(), dataHome);
    return limit > 0 && limit < d.size() ? d.slice(0, limit) : d;
  }

  /**
   * A split ({@code test} or {@code train}) of the data {@code spec}, preprocessed as the run's
   * own test set (binarized with the fixed test seed, or dequantized likewise).
   */
  Dataset preparedSplit(String spec, String split, Path dataHome) {
    return RunData.preparedLike(info.data(), spec, split, model.dimension(),
        info.model().family(), dataHome);
  }

  /** The model as an encoder, or the plain error that {@code dgm COMMAND} needs one. */
  @SuppressWarnings("unchecked")
  <M extends GenerativeModel & Encoder> M encoder(String command) {
    require(Encoder.class, command, "encoder");
    return (M) model;
  }

  /**
   * The item shape as (height, width, channels): (H, W, 1) for grey images, (H, W, 3) for RGB
   * (channel-last), (1, D, 1) for flat data.
   */
  int[] imageShape() {
    int[] s = info.model().itemShape();
    if (s.length == 2) {
      return new int[] {s[0], s[1], 1};
    }
    if (s.length == 3 && (s[2] == 1 || s[2] == 3)) {
      return s;
    }
    return new int[] {1, info.model().dimension(), 1};
  }

  /** The largest value an example may take: 255 for 8-bit pixels, else 1 (for image output). */
  float maxValue() {
    return model.support() == io.dgm4j.models.Support.BYTE ? 255f : 1f;
  }

  @Override
  public void close() {
    model.close();
    manager.close();
  }
}
