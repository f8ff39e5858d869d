package io.dgm4j.cli;

import io.dgm4j.data.DataSources;
import io.dgm4j.data.ImageFolder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Resolves a {@code --data} argument for a command: a progress bar while a picture folder is
 * decoded (on a terminal), and the skipped pictures named, with their count, afterwards.
 */
final class Sources {
  /** How many skipped files are named one by one before the rest are only counted. */
  static final int NAMED_SKIPS = 10;

  private Sources() {}

  static DataSources.DataSplits resolve(String spec, Path dataHome, ImageFolder.Options images,
      PrintWriter console) {
    DataSources.DataSplits s = DataSources.resolve(spec, dataHome, images,
        System.console() == null ? ImageFolder.Progress.NONE : new Bar());
    if (s.images() != null) {
      reportSkipped(s.images(), console);
    }
    return s;
  }

  /** "skipped 3 unreadable pictures in DIR:" with each path and why (the first ten). */
  static void reportSkipped(ImageFolder.Images images, PrintWriter console) {
    List<ImageFolder.Skipped> skipped = images.skipped();
    if (skipped.isEmpty()) {
      return;
    }
    for (int i = 0; i < Math.min(NAMED_SKIPS, skipped.size()); i++) {
      console.printf("skipped %s: %s%n", skipped.get(i).path(), skipped.get(i).reason());
    }
    if (skipped.size() > NAMED_SKIPS) {
      console.printf("... and %,d more%n", skipped.size() - NAMED_SKIPS);
    }
    console.printf("skipped %,d unreadable picture%s in %s (--strict refuses them)%n",
        skipped.size(), skipped.size() == 1 ? "" : "s", images.root());
  }

  /** A terminal progress bar over the pictures being decoded. */
  private static final class Bar implements ImageFolder.Progress {
    private ProgressBar bar;

    @Override
    public void start(String task, int total) {
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
          .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.out))
          .build();
    }

    @Override
    public void step() {
      bar.step();
    }

    @Override
    public void end() {
      bar.close();
    }
  }
}
