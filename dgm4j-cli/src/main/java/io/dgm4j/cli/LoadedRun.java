package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.training.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;

/** A trained run opened for use: its description and the model of its best checkpoint. */
final class LoadedRun implements AutoCloseable {
  final RunDirectory directory;
  final RunDirectory.RunInfo info;
  final GenerativeModel model;
  final Path checkpoint;
  private final NDManager manager;

  LoadedRun(Path runFolder, String which, String device) {
    directory = new RunDirectory(runFolder);
    info = directory.readInfo();
    checkpoint = switch (which) {
      case "best" -> directory.bestCheckpoint();
      case "last" -> directory.lastCheckpoint();
      default -> throw new IllegalArgumentException("--checkpoint must be best or last, got "
          + which);
    };
    if (!Files.exists(checkpoint)) {
      throw new IllegalArgumentException(runFolder + ": no " + checkpoint.getFileName()
          + " yet (has the first epoch finished?)");
    }
    manager = Engines.newManager(Engines.device(device));
    model = Checkpoint.read(checkpoint, manager.newSubManager()).model();
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

  /** The item shape as (height, width) for images; (1, D) for flat data. */
  int[] imageShape() {
    int[] s = info.model().itemShape();
    return s.length == 2 ? s : new int[] {1, info.model().dimension()};
  }

  @Override
  public void close() {
    model.close();
    manager.close();
  }
}
