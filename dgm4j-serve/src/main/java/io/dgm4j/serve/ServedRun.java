package io.dgm4j.serve;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.ImageFolder;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.ExampleScores;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.models.Completer;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.Samplable;
import io.dgm4j.training.EpochResult;
import io.dgm4j.training.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;

/**
 * One run as the server uses it: its description, its metrics, and its model loaded from the
 * best <em>completed</em> checkpoint (checkpoints are renamed into place whole, so a training
 * still writing the next one is never read half-written; a newer checkpoint is picked up on the
 * next request).
 *
 * <p>DJL arrays are not safe to use from two threads at once, so every use of the model happens
 * under this run's lock; sampling and scoring also hold {@link #RANDOM}, because the engine's
 * random generator is one per process and a seeded draw must not interleave with another.
 */
public final class ServedRun implements AutoCloseable {
  /** Guards the engine's global random generator during seeded draws. */
  static final Object RANDOM = new Object();

  /** The seed of every scoring request's random numbers (the command line's default --seed). */
  static final long SCORE_SEED = 1;

  private final String name;
  private final RunDirectory directory;
  private final Path dataHome;
  private final int referenceExamples;
  private final ai.djl.Device device;
  private final Object lock = new Object();
  private NDManager manager;
  private GenerativeModel model;
  private FileTime loadedFrom;
  private volatile RunDirectory.RunInfo recorded;
  private double[] reference; // sorted test-set scores
  private String referenceError;

  ServedRun(String name, RunDirectory directory, Path dataHome, int referenceExamples,
      ai.djl.Device device) {
    this.device = device;
    this.name = name;
    this.directory = directory;
    this.dataHome = dataHome;
    this.referenceExamples = referenceExamples;
  }

  public String name() {
    return name;
  }

  /** run.json as it is now (its epochs change when a run is resumed with more). */
  public RunDirectory.RunInfo info() {
    return directory.readInfo();
  }

  /**
   * run.json as first read: what scoring needs of it (item shape, preprocessing, data) is fixed
   * when a run starts, so requests do not re-read the file.
   */
  private RunDirectory.RunInfo recorded() {
    RunDirectory.RunInfo r = recorded;
    if (r == null) {
      r = directory.readInfo();
      recorded = r;
    }
    return r;
  }

  public List<EpochResult> metrics() {
    return directory.readMetrics();
  }

  /**
   * finished (all epochs of {@code info} done), training (metrics or a checkpoint written in the
   * last 10 minutes) or stopped.
   */
  public String status(RunDirectory.RunInfo info, List<EpochResult> m) {
    int done = m.isEmpty() ? 0 : m.get(m.size() - 1).epoch();
    if (done >= info.training().epochs()) {
      return "finished";
    }
    try {
      Path probe = Files.exists(directory.metricsFile()) ? directory.metricsFile()
          : directory.lastCheckpoint();
      if (Files.exists(probe) && System.currentTimeMillis()
          - Files.getLastModifiedTime(probe).toMillis() < 10 * 60_000) {
        return "training";
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "stopped";
  }

  /** The item shape recorded for the run, e.g. [28, 28]. */
  public int[] itemShape() {
    return recorded().model().itemShape();
  }

  /** Free parameters of the model (loads it). */
  public long parameterCount() {
    synchronized (lock) {
      return current().parameterCount();
    }
  }

  /** The family's capabilities, for clients: which endpoints apply. */
  public List<String> capabilities() {
    synchronized (lock) {
      GenerativeModel m = current();
      List<String> caps = new java.util.ArrayList<>();
      if (ExampleScores.columnFor(m) != null) {
        caps.add("score");
      }
      if (m instanceof Samplable) {
        caps.add("sample");
      }
      if (m instanceof Completer) {
        caps.add("complete");
      }
      return caps;
    }
  }

  /** Scores with their label, and each one's percentile among the test set's scores. */
  public record Scores(String column, String meaning, double[] values, double[] percentiles,
      String percentileNote) {}

  /** Scores raw rows (values as in the run's data source), preprocessed as its test set. */
  public Scores score(float[] rows, int n) {
    Preprocessing prep = preprocessing();
    int[] shape = itemShape();
    Dataset raw = new Dataset("request", rows, n, shape, null);
    synchronized (lock) {
      GenerativeModel m = current();
      ExampleScores.Scored s = seeded(() -> ExampleScores.ofRaw(m, raw, prep, 500));
      double[] ref = reference(m);
      double[] pct = null;
      if (ref != null) {
        pct = new double[s.values().length];
        for (int i = 0; i < pct.length; i++) {
          pct[i] = percentile(ref, s.values()[i]);
        }
      }
      return new Scores(s.column(), s.meaning(), s.values(), pct,
          ref == null ? referenceError : "percent of " + ref.length + " test examples scoring"
              + " at or below this one: low means unusual");
    }
  }

  /**
   * Scores computed from the engine's generator seeded with {@link #SCORE_SEED}: a latent model's
   * importance-sampled estimate draws random numbers, and the same request must get the same
   * answer (as `dgm score` with its default --seed does).
   */
  private static ExampleScores.Scored seeded(java.util.function.Supplier<ExampleScores.Scored> f) {
    synchronized (RANDOM) {
      Engines.seed(SCORE_SEED);
      return f.get();
    }
  }

  /** The sorted test-set scores (computing them on first use), or null if unavailable. */
  public double[] referenceScores() {
    synchronized (lock) {
      return reference(current());
    }
  }

  public String referenceError() {
    return referenceError;
  }

  /** {@code n} samples drawn with {@code seed}, as rows of the model's values. */
  public float[] sample(int n, long seed) {
    synchronized (lock) {
      GenerativeModel m = current();
      if (!(m instanceof Samplable sampler)) {
        throw new IllegalArgumentException(m.family() + " cannot draw samples");
      }
      synchronized (RANDOM) {
        try (NDScope scope = new NDScope(); NDManager step = m.manager().newSubManager()) {
          Engines.seed(seed);
          return sampler.sample(step, n).toFloatArray();
        }
      }
    }
  }

  /**
   * Completions of raw rows: keeps the observed part ({@code observed}, length D), draws the
   * rest ({@code sweeps}: chain sweeps where the draw is not exact).
   */
  public Completion complete(float[] rows, int n, float[] observed, long seed, int sweeps) {
    Preprocessing prep = preprocessing();
    Dataset raw = new Dataset("request", rows, n, itemShape(), null);
    synchronized (lock) {
      GenerativeModel m = current();
      if (!(m instanceof Completer completer)) {
        throw new IllegalArgumentException(m.family() + " cannot complete partly observed"
            + " examples");
      }
      Dataset prepared = prep.fixed(raw, prep.testSeed(), m.family());
      synchronized (RANDOM) {
        try (NDScope scope = new NDScope(); NDManager step = m.manager().newSubManager()) {
          Engines.seed(seed);
          var mask = step.create(observed);
          float[] out = completer.complete(step.create(prepared.values(),
              new Shape(n, prepared.dimension())), mask, sweeps).toFloatArray();
          return new Completion(out, completer.completionMethod(mask, sweeps));
        }
      }
    }
  }

  /** Completed rows and how they were drawn. */
  public record Completion(float[] rows, String method) {}

  /** The preprocessing the run records. */
  public Preprocessing preprocessing() {
    return recorded().preprocessing();
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (manager != null) {
        manager.close();
        manager = null;
        model = null;
      }
    }
  }

  /** The model of the newest completed best checkpoint (call under the lock). */
  private GenerativeModel current() {
    Path file = Files.exists(directory.bestCheckpoint()) ? directory.bestCheckpoint()
        : directory.lastCheckpoint();
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("run " + name + " has no checkpoint yet (its first"
          + " epoch has not finished)");
    }
    FileTime stamp;
    try {
      stamp = Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (model == null || !stamp.equals(loadedFrom)) {
      close();
      manager = Engines.newManager(device);
      model = Checkpoint.read(file, manager.newSubManager()).model();
      loadedFrom = stamp;
      reference = null;
      referenceError = null;
    }
    return model;
  }

  private double[] reference(GenerativeModel m) {
    if (reference != null || referenceError != null) {
      return reference;
    }
    try {
      ObjectNode data = recorded().data();
      Preprocessing prep = preprocessing();
      // a folder of pictures is read as the run recorded (size, channels, split)
      Dataset test = DataSources.resolve(data.get("spec").asText(), dataHome,
          ImageFolder.Options.fromRecord(data.get("images")), ImageFolder.Progress.NONE).test();
      int k = Math.min(referenceExamples, test.size());
      double[] values = seeded(() -> ExampleScores.ofRaw(m, test.slice(0, k), prep, 500))
          .values().clone();
      Arrays.sort(values);
      reference = values;
    } catch (RuntimeException e) {
      referenceError = "no percentiles: the run's test set cannot be read ("
          + e.getMessage() + ")";
    }
    return reference;
  }

  /** Percent of {@code sorted} at or below {@code value}. */
  static double percentile(double[] sorted, double value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return 100.0 * lo / sorted.length;
  }
}
