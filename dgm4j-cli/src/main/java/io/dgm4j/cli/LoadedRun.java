package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.models.DensityModel;
import io.dgm4j.training.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;

/** A trained run opened for use: its description and the model of its best checkpoint. */
final class LoadedRun implements AutoCloseable {
  final RunDirectory directory;
  final RunDirectory.RunInfo info;
  final DensityModel model;
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
