package io.dgm4j.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.evaluation.Plots;
import io.dgm4j.evaluation.Validator;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.io.JsonProblems;
import io.dgm4j.io.ModelSpec;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.ObjectiveSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The folder of one training run:
 *
 * <pre>
 *   run.json               what was trained on what, how (model spec, training config, data)
 *   checkpoint-last.zip    the last completed epoch (model, optimizer, state): --resume reads it
 *   checkpoint-best.zip    the epoch with the best validation NLL: eval, sample and score use it
 *   metrics.jsonl          one JSON object per epoch ({@link EpochResult})
 *   loss.png               training loss and validation NLL per epoch
 *   .lock                  held by the process training into the folder ({@link #claim})
 * </pre>
 *
 * Every file is written atomically; {@code metrics.jsonl} is appended a whole line at a time.
 */
public final class RunDirectory {
  private static final ObjectMapper JSON = ModelRegistry.json();
  /** The pid at the start of what {@link #claim} writes into the lock file. */
  private static final java.util.regex.Pattern HOLDER_PID =
      java.util.regex.Pattern.compile("^pid (\\d+)");
  private final Path root;

  public RunDirectory(Path root) {
    this.root = root;
  }

  /**
   * The description stored in {@code run.json}. {@code objective} is null in runs written before
   * objectives were recorded: they were all trained by maximum likelihood.
   */
  public record RunInfo(ModelSpec model, ObjectiveSpec objective, TrainingConfig training,
      ObjectNode data) {

    /** The objective, defaulting to maximum likelihood for runs that did not record one. */
    public ObjectiveSpec objectiveOrDefault() {
      return objective != null ? objective
          : new ObjectiveSpec("mle", JSON.createObjectNode());
    }

    /** How the run's data is preprocessed (recorded in its data description). */
    public io.dgm4j.data.Preprocessing preprocessing() {
      return preprocessingOf(data);
    }
  }

  /** The preprocessing recorded in a run's data description. */
  public static io.dgm4j.data.Preprocessing preprocessingOf(ObjectNode data) {
    return JSON.convertValue(data.get("preprocessing"), io.dgm4j.data.Preprocessing.class);
  }

  public Path root() {
    return root;
  }

  public Path runFile() {
    return root.resolve("run.json");
  }

  public Path lastCheckpoint() {
    return root.resolve("checkpoint-last.zip");
  }

  public Path bestCheckpoint() {
    return root.resolve("checkpoint-best.zip");
  }

  public Path metricsFile() {
    return root.resolve("metrics.jsonl");
  }

  public Path lossPlot() {
    return root.resolve("loss.png");
  }

  /** The claim's lock file ({@link #claim}, {@link #holder}). */
  public Path lockFile() {
    return root.resolve(".lock");
  }

  public boolean exists() {
    return Files.exists(runFile());
  }

  /**
   * The right to write this folder, held until closed: an exclusive lock on {@code .lock}
   * (the operating system's file lock, released when the process ends however it ends), with
   * the holder's pid and start time written into the file for the next claimant's message. Two
   * processes training into one folder would interleave their epochs in {@code metrics.jsonl},
   * and a resume's clean-up deletes the other's half-written checkpoint; the second claimant is
   * refused instead. A folder this claim created and left holding nothing but the lock file is
   * removed on close, so a command that fails early leaves no trace.
   *
   * @throws IllegalStateException naming the folder, the holder's pid and what to do, when
   *     another process (or another claim in this one) holds it
   */
  public Claim claim() {
    boolean created = !Files.isDirectory(root);
    Path lockFile = lockFile();
    FileChannel channel = null;
    try {
      Files.createDirectories(root);
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new IllegalStateException(root + " is in use by another dgm process"
            + (holder.isEmpty() ? "" : " (" + holder + ")") + ", which is training into it;"
            + " wait for it to finish or stop it, or give this command another --out");
      }
      channel.truncate(0);
      channel.write(StandardCharsets.UTF_8.encode("pid " + ProcessHandle.current().pid()
          + ", since " + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          + "\n"), 0);
      channel.force(false);
      return new Claim(channel, lockFile, created); // closing the channel releases the lock
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException(root + ": cannot claim the run folder (" + e.getMessage()
          + "); check that it is a writable folder, or give another --out", e);
    }
  }

  /**
   * Who holds this folder's claim now ({@link #claim}), as the holder wrote it ("pid 396, since
   * 2026-11-24T01:55:02Z"); empty when no live process does. Reads only: it does not take the
   * lock even for a moment, so it never makes a starting {@code dgm train} fail. A holder that
   * was killed leaves its pid in the file; that process being gone (or no longer a Java
   * process, should the pid be reused) is what tells a stale pid from a live one.
   */
  public Optional<String> holder() {
    Path lockFile = lockFile();
    String text;
    try {
      text = Files.isRegularFile(lockFile)
          ? Files.readString(lockFile, StandardCharsets.UTF_8).strip() : "";
    } catch (IOException e) {
      return Optional.empty();
    }
    java.util.regex.Matcher pid = HOLDER_PID.matcher(text);
    if (!pid.find()) {
      return Optional.empty();
    }
    boolean live = ProcessHandle.of(Long.parseLong(pid.group(1)))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains("java")).orElse(true))
        .isPresent();
    return live ? Optional.of(text) : Optional.empty();
  }

  /** A held claim on a run folder ({@link #claim}); closing it releases the folder. */
  public static final class Claim implements AutoCloseable {
    private final FileChannel channel;
    private final Path lockFile;
    private final boolean created;

    private Claim(FileChannel channel, Path lockFile, boolean created) {
      this.channel = channel;
      this.lockFile = lockFile;
      this.created = created;
    }

    @Override
    public void close() {
      try {
        channel.truncate(0); // before the release: the next holder writes its own pid
      } catch (IOException e) {
        // a stale pid in the file is only text; the lock is what counts
      } finally {
        closeQuietly(channel); // releases the lock
      }
      if (created) {
        try (var entries = Files.list(lockFile.getParent())) {
          if (entries.allMatch(lockFile::equals)) {
            Files.deleteIfExists(lockFile);
            Files.deleteIfExists(lockFile.getParent());
          }
        } catch (IOException e) {
          // an empty folder left behind is harmless
        }
      }
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing more to release
      }
    }
  }

  public void writeInfo(RunInfo info) {
    try {
      AtomicFiles.writeString(runFile(),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@code run.json}; a clear error when the folder is not a run. */
  public RunInfo readInfo() {
    if (!exists()) {
      throw new IllegalArgumentException(root + ": not a dgm4j run (no run.json); train one with"
          + " `dgm train --out " + root + "`");
    }
    try {
      JsonNode tree = JSON.readTree(runFile().toFile());
      if (tree instanceof ObjectNode info) {
        moveAdamBeta1(info);
      }
      return JSON.treeToValue(tree, RunInfo.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(runFile() + ": corrupt run file: "
          + JsonProblems.describe(e) + "; `dgm train` writes it: restore it from a copy, or"
          + " train again into a new --out folder", e);
    }
  }

  /**
   * Runs of cd and pcd recorded before Adam's constants became training options kept β1 in their
   * objective's settings ({@code adamBeta1}); it moves to {@code training.adam}, so such a run
   * resumes with the β1 it was trained with.
   */
  private static void moveAdamBeta1(ObjectNode info) {
    JsonNode objective = info.get("objective");
    JsonNode config = objective == null ? null : objective.get("config");
    if (!(config instanceof ObjectNode settings) || !settings.has("adamBeta1")) {
      return;
    }
    JsonNode beta1 = settings.remove("adamBeta1");
    if (info.get("training") instanceof ObjectNode training && !training.has("adam")) {
      ObjectNode adam = training.putObject("adam");
      adam.set("beta1", beta1);
      adam.put("beta2", 0.999);
      adam.put("epsilon", 1e-8);
    }
  }

  /** Appends one epoch's metrics as a JSON line. */
  public void appendMetrics(EpochResult result) {
    try {
      Files.createDirectories(root);
      Files.writeString(metricsFile(), JSON.writeValueAsString(result) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(metricsFile() + ": cannot append: " + e.getMessage(), e);
    }
  }

  /**
   * Readies the folder for resuming from the checkpoint of epoch {@code checkpointEpoch}:
   * metrics lines of later epochs (written before a kill that came ahead of their checkpoint)
   * are dropped, so the epochs run again are not recorded twice, and temporary files left by
   * interrupted atomic writes are deleted.
   */
  public void prepareResume(int checkpointEpoch) {
    deleteTemporaryFiles();
    if (!Files.exists(metricsFile())) {
      return;
    }
    StringBuilder kept = new StringBuilder();
    for (EpochResult r : readMetrics()) {
      if (r.epoch() <= checkpointEpoch) {
        try {
          kept.append(JSON.writeValueAsString(r)).append('\n');
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    AtomicFiles.writeString(metricsFile(), kept.toString());
  }

  /**
   * Empties a run folder in which no epoch finished (no {@code checkpoint-last.zip}), so the
   * run can start afresh: after a NaN in the first epoch nothing worth keeping is there.
   */
  public void clearUnfinished() {
    if (Files.exists(lastCheckpoint())) {
      throw new IllegalStateException(root + " holds a finished epoch; it is not cleared");
    }
    deleteTemporaryFiles();
    for (Path file : List.of(runFile(), metricsFile(), lossPlot(), bestCheckpoint())) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot delete: " + e.getMessage(), e);
      }
    }
  }

  /** Deletes the hidden {@code .NAME....tmp} files an interrupted atomic write leaves. */
  private void deleteTemporaryFiles() {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (var files = Files.list(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(root + ": cannot clean temporary files: " + e.getMessage(),
          e);
    }
  }

  /**
   * What the last validated epoch of {@code epochs} measured ({@code nll}, {@code neg_elbo},
   * ...; see {@code Validator}), skipping epochs between validations and those with no figure;
   * empty when none has one.
   */
  public static Optional<String> lastValidationMetric(List<EpochResult> epochs) {
    return epochs.stream().map(EpochResult::validationMetric)
        .filter(m -> !m.equals("skipped") && !m.equals("none")).reduce((first, last) -> last);
  }

  /** Every epoch recorded so far, at most one per epoch (the last line wins after a resume). */
  public List<EpochResult> readMetrics() {
    List<EpochResult> results = new ArrayList<>();
    if (!Files.exists(metricsFile())) {
      return results;
    }
    try {
      for (String line : Files.readAllLines(metricsFile())) {
        if (line.isBlank()) {
          continue;
        }
        EpochResult r = JSON.readValue(line, EpochResult.class);
        results.removeIf(old -> old.epoch() >= r.epoch());
        results.add(r);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(metricsFile() + ": corrupt metrics line: "
          + JsonProblems.describe(e) + "; delete the damaged line (the checkpoints are"
          + " unaffected)", e);
    }
    return results;
  }

  /** A listener that appends metrics, writes both checkpoints and redraws the loss curve. */
  public TrainingListener recorder(ModelSpec spec) {
    return new TrainingListener() {
      @Override
      public void onEpochEnd(EpochResult result, Trainer trainer) {
        appendMetrics(result);
        var objectiveState = trainer.objective().state();
        Checkpoint.write(lastCheckpoint(), spec, trainer.model(), objectiveState,
            trainer.state());
        if (result.improved()) {
          Checkpoint.write(bestCheckpoint(), spec, trainer.model(), objectiveState,
              trainer.state());
        }
        List<EpochResult> all = readMetrics();
        String metric = lastValidationMetric(all).orElse("none");
        Plots.lossCurve(lossPlot(), spec.family() + " — " + root.getFileName(),
            all.stream().map(EpochResult::epoch).toList(),
            all.stream().map(EpochResult::trainLoss).toList(),
            all.stream().map(EpochResult::validationLoss).toList(),
            "validation " + Validator.label(metric),
            Validator.inNats(metric) ? "nats per example" : "loss");
      }
    };
  }

  /** The value of a field of the data description, or {@code fallback}. */
  public static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }
}
