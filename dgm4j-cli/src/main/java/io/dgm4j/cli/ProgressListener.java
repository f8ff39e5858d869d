package io.dgm4j.cli;

import io.dgm4j.evaluation.Validator;
import io.dgm4j.training.EpochResult;
import io.dgm4j.training.Trainer;
import io.dgm4j.training.TrainingListener;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar per epoch (loss, ETA) on a terminal, and one summary line per epoch that says
 * how long the rest of the run will take at the mean pace of this process's epochs so far.
 */
final class ProgressListener implements TrainingListener {
  private final PrintWriter out;
  private final boolean plain;
  private final int dimension;
  private final double pixelOffsetNats;
  private ProgressBar bar;
  private double runningLoss = Double.NaN;
  private double secondsSoFar;
  private int epochsSoFar;

  /**
   * @param pixelOffsetNats D ln 256 when a density is fitted to dequantized 8-bit pixels (its
   *     bits/dim are then shown for the pixels, as {@code eval} reports them), else 0
   */
  ProgressListener(PrintWriter out, boolean plain, int dimension, double pixelOffsetNats) {
    this.out = out;
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
    secondsSoFar += r.seconds();
    epochsSoFar++;
    int remaining = trainer.config().epochs() - r.epoch();
    out.printf("epoch %d/%d  train %.3f  %s  %,.0f ex/s  %.1f s%s%s%n", r.epoch(),
        trainer.config().epochs(), r.trainLoss(), validation, r.examplesPerSecond(),
        r.seconds(), r.improved() ? "  *best" : "",
        remaining > 0 ? "  (" + duration(remaining * secondsSoFar / epochsSoFar) + " left)" : "");
    out.flush();
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
