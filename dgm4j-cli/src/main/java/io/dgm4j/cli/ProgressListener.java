package io.dgm4j.cli;

import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.CpuLoad;
import io.dgm4j.evaluation.Validator;
import io.dgm4j.training.EpochPace;
import io.dgm4j.training.EpochResult;
import io.dgm4j.training.Trainer;
import io.dgm4j.training.TrainingListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar per epoch (loss, ETA) on a terminal, and one summary line per epoch that says
 * how long the rest of the run will take at the pace of its recorded epochs ({@link EpochPace}:
 * those of earlier processes of a resumed run too, validations counted apart).
 *
 * <p>The line also says when other processes kept the cores busy during the epoch (its time is
 * then not this run's own), and the first time the engine's threads and the other processes'
 * load together ask for more cores than the machine has, a note says what to do: engine
 * threads that share a core wait for each other at every operation, which slowed a 2-thread
 * IWAE run about 5x beside a 1-thread job on the 2-core machine of docs/BENCHMARKS.md, while
 * two 1-thread jobs ran side by side at nearly their own pace.
 */
final class ProgressListener implements TrainingListener {
  private final PrintWriter out;
  private final boolean plain;
  private final int dimension;
  private final double pixelOffsetNats;
  private ProgressBar bar;
  private double runningLoss = Double.NaN;
  private final List<EpochResult> recorded;
  private boolean contentionNoted;

  /**
   * @param pixelOffsetNats D ln 256 when a density is fitted to dequantized 8-bit pixels (its
   *     bits/dim are then shown for the pixels, as {@code eval} reports them), else 0
   * @param recorded the epochs the run recorded before this process (empty for a new run)
   */
  ProgressListener(PrintWriter out, boolean plain, int dimension, double pixelOffsetNats,
      List<EpochResult> recorded) {
    this.out = out;
    this.recorded = new ArrayList<>(recorded);
    this.plain = plain;
    this.dimension = dimension;
    this.pixelOffsetNats = pixelOffsetNats;
  }

  @Override
  public void onEpochStart(int epoch, int totalEpochs, int batches) {
    runningLoss = Double.NaN;
    if (!plain) {
      bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + totalEpochs)
          .setInitialMax(batches).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
          .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.out))
          .build();
    }
  }

  @Override
  public void onBatchEnd(int epoch, int batch, double loss) {
    runningLoss = Double.isNaN(runningLoss) ? loss : 0.98 * runningLoss + 0.02 * loss;
    if (bar != null) {
      bar.step();
      bar.setExtraMessage(String.format(" loss %.2f", runningLoss));
    }
  }

  @Override
  public void onEpochEnd(EpochResult r, Trainer trainer) {
    if (bar != null) {
      bar.close();
      bar = null;
    }
    String validation = switch (r.validationMetric()) {
      case "nll" -> pixelOffsetNats == 0
          ? String.format("validation %.3f nats (%.4f bits/dim)", r.validationLoss(),
              r.validationLoss() / (dimension * Math.log(2)))
          : String.format("validation %.3f nats (8-bit pixels: %.4f bits/dim)",
              r.validationLoss(), (r.validationLoss() + pixelOffsetNats)
                  / (dimension * Math.log(2)));
      case "none" -> "no validation figure";
      case "skipped" -> "not validated (--validate-every " + trainer.config().validateEvery()
          + ")";
      default -> Validator.inNats(r.validationMetric())
          ? String.format("validation %s %.3f nats", Validator.label(r.validationMetric()),
              r.validationLoss())
          : String.format("validation %s %.4f", Validator.label(r.validationMetric()),
              r.validationLoss());
    };
    recorded.add(r);
    double left = EpochPace.secondsLeft(recorded, trainer.config());
    boolean disturbed = r.otherCores() != null && r.otherCores() >= CpuLoad.DISTURBED_CORES;
    out.printf("epoch %d/%d  train %.3f  %s  %,.0f ex/s  %.1f s%s%s%s%n", r.epoch(),
        trainer.config().epochs(), r.trainLoss(), validation, r.examplesPerSecond(),
        r.seconds(), disturbed ? String.format("  (other processes: %.1f cores)",
            r.otherCores()) : "", r.improved() ? "  *best" : "",
        left > 0 ? "  (" + duration(left) + " left)" : "");
    String note = contentionNoted || r.otherCores() == null ? null
        : contention(r.otherCores(), Engines.threads(), Runtime.getRuntime().availableProcessors());
    if (note != null) {
      out.println(note);
      contentionNoted = true;
    }
    out.flush();
  }

  /**
   * What to do when this run's engine threads and the other processes' load ask for more cores
   * than there are (by more than half a core), else {@code null}.
   */
  static String contention(double otherCores, int threads, int cpus) {
    if (otherCores + threads <= cpus + 0.5) {
      return null;
    }
    String busy = String.format("note: other processes kept %.1f of the %d cores busy while this"
        + " run computes on %d engine thread%s; threads that share a core wait for each other,"
        + " which can slow every job several times over.", otherCores, cpus, threads,
        threads == 1 ? "" : "s");
    int fitting = cpus - (int) Math.round(otherCores);
    return threads > 1 && fitting >= 1 && fitting < threads
        ? busy + String.format(" Give this run --threads %d (and the others no more than their"
            + " share), or run the jobs one after another.", fitting)
        : busy + " Run the jobs one after another, or give the others fewer threads (their"
            + " --threads).";
  }

  /** A duration as a person reads it: 40 s, 12 min, 3.4 h. */
  static String duration(double seconds) {
    if (seconds < 90) {
      return String.format("%.0f s", seconds);
    }
    if (seconds < 90 * 60) {
      return String.format("%.0f min", seconds / 60);
    }
    return String.format("%.1f h", seconds / 3600);
  }
}
