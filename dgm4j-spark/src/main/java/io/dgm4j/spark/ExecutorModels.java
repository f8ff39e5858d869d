package io.dgm4j.spark;

import ai.djl.ndarray.NDManager;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.ExampleScores;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.training.RunDirectory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models of one executor JVM: each run's best checkpoint is loaded once per JVM, on the
 * first partition that needs it, and shared by every later partition and task (tasks of one
 * executor run in threads of the same JVM, so use is serialized per model: DJL arrays are not
 * thread-safe). Nothing here is serialized to executors; only the run's path travels.
 */
public final class ExecutorModels {
  private static final Map<String, Loaded> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private ExecutorModels() {}

  /** A run's model with what scoring needs, used under its own monitor. */
  static final class Loaded {
    final GenerativeModel model;
    final Preprocessing preprocessing;
    final int[] itemShape;
    final String scoreColumn;

    Loaded(GenerativeModel model, Preprocessing preprocessing, int[] itemShape) {
      this.model = model;
      this.preprocessing = preprocessing;
      this.itemShape = itemShape;
      this.scoreColumn = ExampleScores.columnFor(model);
    }

    /** Scores rows (raw values as in the run's data source) under this model's lock. */
    synchronized double[] score(float[] rows, int n) {
      io.dgm4j.data.Dataset raw = new io.dgm4j.data.Dataset("partition", rows, n, itemShape,
          null);
      return ExampleScores.ofRaw(model, raw, preprocessing, 500).values();
    }
  }

  /**
   * The model of the run at {@code runFolder} on {@code device} ({@code cpu}, {@code gpu},
   * {@code gpu:N}), loading it on first use in this JVM.
   */
  static Loaded get(String runFolder, String device) {
    return MODELS.computeIfAbsent(runFolder + "@" + device, k -> load(runFolder, device));
  }

  /** How many times a model was loaded in this JVM (for tests: once per run, not per row). */
  public static int loads() {
    return LOADS.get();
  }

  private static Loaded load(String runFolder, String device) {
    Engines.init();
    RunDirectory run = new RunDirectory(Path.of(runFolder));
    RunDirectory.RunInfo info = run.readInfo();
    NDManager manager = Engines.newManager(Engines.device(device));
    GenerativeModel model = Checkpoint.read(run.bestCheckpoint(), manager.newSubManager())
        .model();
    if (ExampleScores.columnFor(model) == null) {
      manager.close();
      throw new IllegalArgumentException(info.model().family() + " has no per-example score to"
          + " compute on Spark");
    }
    Preprocessing prep = info.preprocessing();
    LOADS.incrementAndGet();
    return new Loaded(model, prep, info.model().itemShape());
  }
}
