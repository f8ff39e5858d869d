package io.dgm4j.cli;

import io.dgm4j.models.Samplable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on the terminal's error stream for work that takes a while (sampling chains or
 * pixel by pixel, scoring a test set), shown once the work reports; nothing when the output is
 * not a terminal, so piped and JSON output stay clean.
 */
final class TerminalBar implements Samplable.Progress, AutoCloseable {
  private final String task;
  private final boolean terminal = System.console() != null;
  private ProgressBar bar;

  /** @param task what the bar says it is doing, e.g. "sampling made" */
  TerminalBar(String task) {
    this.task = task;
  }

  @Override
  public void advanced(long done, long total) {
    if (!terminal) {
      return;
    }
    if (bar == null) {
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
          .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }
    bar.maxHint(total);
    bar.stepTo(done);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
