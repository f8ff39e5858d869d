package io.dgm4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Turns a {@code --data} argument into training and test sets. Accepted forms:
 *
 * <ul>
 *   <li>{@code mnist}: the IDX files in {@code dataHome/mnist} (put there by
 *       {@code ./dgm data fetch mnist});
 *   <li>{@code fashion-mnist}: {@code dataHome/fashion-mnist}, else Debian's
 *       {@code /usr/share/datasets/fashion-mnist} (package {@code dataset-fashion-mnist});
 *   <li>{@code toy:NAME}: a two-dimensional toy set generated with a fixed seed (two-moons,
 *       rings, eight-gaussians, checkerboard, spiral; see {@link ToyData});
 *   <li>a directory holding the four MNIST-layout IDX files (see {@link MnistFetcher});
 *   <li>a directory holding {@code train.csv} and {@code test.csv} (see {@link CsvReader});
 *   <li>a {@code .csv} file: its rows in file order, the last 10% (rounded down, at least one
 *       row) as the test set and the rest as training. The split is deterministic; shuffle the
 *       file first if its order is meaningful.
 * </ul>
 *
 * IDX sources give raw byte pixels (0..255, {@link DataSplits#bytePixels()} true); CSV values
 * are used as written.
 */
public final class DataSources {
  /** Where Debian's {@code dataset-fashion-mnist} package installs its IDX files. */
  public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  /**
   * A resolved source: {@code bytePixels} is true when values are raw 8-bit pixels 0..255
   * (binarize with scale 255), false for CSV tables (values as given).
   */
  public record DataSplits(String name, Dataset train, Dataset test, boolean bytePixels) {
    /** The {@link Binarization} scale for these values: 255 for byte pixels, else 1. */
    public float binarizationScale() {
      return bytePixels ? Binarization.BYTE_SCALE : 1f;
    }
  }

  private DataSources() {}

  /** Resolves {@code spec} as described in the class comment. */
  public static DataSplits resolve(String spec, Path dataHome) {
    return resolve(spec, dataHome, DEBIAN_FASHION_MNIST);
  }

  /** As {@link #resolve(String, Path)}, with the system Fashion-MNIST folder given (for tests). */
  static DataSplits resolve(String spec, Path dataHome, Path systemFashionMnist) {
    if (spec.startsWith("toy:")) {
      return ToyData.splits(spec.substring("toy:".length()));
    }
    if (spec.equals("mnist")) {
      Path dir = dataHome.resolve("mnist");
      if (!MnistFetcher.hasIdxFiles(dir)) {
        throw new DataException("mnist", "not found in " + dir
            + ": run ./dgm data fetch mnist");
      }
      return idx("mnist", dir);
    }
    if (spec.equals("fashion-mnist")) {
      for (Path dir : new Path[] {dataHome.resolve("fashion-mnist"), systemFashionMnist}) {
        if (MnistFetcher.hasIdxFiles(dir)) {
          return idx("fashion-mnist", dir);
        }
      }
      throw new DataException("fashion-mnist", "not found in " + dataHome.resolve("fashion-mnist")
          + " or " + systemFashionMnist + ": run apt-get install dataset-fashion-mnist, or"
          + " ./dgm data fetch fashion-mnist --from DIR");
    }
    Path path = Path.of(spec);
    if (Files.isDirectory(path)) {
      if (Files.isRegularFile(path.resolve("train.csv"))
          && Files.isRegularFile(path.resolve("test.csv"))) {
        return csvPair(path);
      }
      if (MnistFetcher.hasIdxFiles(path)) {
        return idx(name(path), path);
      }
      throw new DataException(path, "holds neither train.csv and test.csv nor the four IDX files"
          + " (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,"
          + " t10k-labels-idx1-ubyte, optionally .gz)");
    }
    if (spec.endsWith(".csv")) {
      return csvFile(path);
    }
    throw new DataException(spec, "unknown data source: expected mnist, fashion-mnist, toy:NAME,"
        + " a folder"
        + " of IDX files, a folder with train.csv and test.csv, or a .csv file"
        + (Files.exists(path) ? "" : " (no such file or folder)"));
  }

  private static DataSplits idx(String name, Path dir) {
    MnistFetcher.Splits splits = MnistFetcher.load(dir);
    return new DataSplits(name, splits.train(), splits.test(), true);
  }

  private static DataSplits csvPair(Path dir) {
    Dataset train = CsvReader.read(dir.resolve("train.csv"));
    Dataset test = CsvReader.read(dir.resolve("test.csv"));
    if (!Arrays.equals(train.itemShape(), test.itemShape())) {
      throw new DataException(dir, "train.csv has " + train.dimension() + " columns but test.csv"
          + " has " + test.dimension());
    }
    String name = name(dir);
    return new DataSplits(name, train.withName(dir.resolve("train.csv").toString()),
        test.withName(dir.resolve("test.csv").toString()), false);
  }

  private static DataSplits csvFile(Path file) {
    Dataset all = CsvReader.read(file);
    if (all.size() < 2) {
      throw new DataException(file, "needs at least 2 rows to split into training and test"
          + " sets, has " + all.size());
    }
    int testSize = Math.max(1, all.size() / 10);
    int trainSize = all.size() - testSize;
    String name = name(file).replaceFirst("\\.csv$", "");
    return new DataSplits(name, all.slice(0, trainSize).withName(file + " (training rows)"),
        all.slice(trainSize, all.size()).withName(file + " (test rows)"), false);
  }

  private static String name(Path path) {
    return path.toAbsolutePath().normalize().getFileName() + "";
  }
}
