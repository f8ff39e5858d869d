package io.dgm4j.cli;

import io.dgm4j.training.EpochResult;
import io.dgm4j.training.Trainer;
import io.dgm4j.training.TrainingListener;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar per epoch (loss, ETA) on a terminal, and one summary line per epoch. */
final class ProgressListener implements TrainingListener {
  private final PrintWriter out;
  private final boolean plain;
  private final int dimension;
  private ProgressBar bar;
  private double runningLoss = Double.NaN;

  ProgressListener(PrintWriter out, boolean plain, int dimension) {
    this.out = out;
    this.plain = plain;
    this.dimension = dimension;
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
      case "nll" -> String.format("validation %.3f nats (%.4f bits/dim)", r.validationLoss(),
          r.validationLoss() / (dimension * Math.log(2)));
      case "neg_elbo" -> String.format("validation -ELBO %.3f nats", r.validationLoss());
      case "none" -> "no validation figure";
      case "skipped" -> "not validated (--validate-every " + trainer.config().validateEvery()
          + ")";
      default -> String.format("validation loss %.4f", r.validationLoss());
    };
    out.printf("epoch %d/%d  train %.3f  %s  %,.0f ex/s  %.1f s%s%n", r.epoch(),
        trainer.config().epochs(), r.trainLoss(), validation, r.examplesPerSecond(),
        r.seconds(), r.improved() ? "  *best" : "");
    out.flush();
  }
}
