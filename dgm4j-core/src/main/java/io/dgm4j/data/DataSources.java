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
 *   <li>a directory holding the four MNIST-layout IDX files (see {@link MnistFetcher});
 *   <li>a directory holding {@code train.csv} and {@code test.csv} (see {@link CsvReader});
 *   <li>a directory of pictures (PNG, JPEG, BMP, GIF: what ImageIO reads), flat, one
 *       subfolder per class, or a {@code train/} and {@code test/} pair (see
 *       {@link ImageFolder}; size, channels and strictness from {@link ImageFolder.Options});
 *   <li>a {@code .csv} file: its rows in file order, the last 10% (rounded down, at least one
 *       row) as the test set and the rest as training. The split is deterministic; shuffle the
 *       file first if its order is meaningful.
 * </ul>
 *
 * IDX sources and picture folders give raw byte pixels (0..255,
 * {@link DataSplits#bytePixels()} true); CSV values
 * are used as written.
 */
public final class DataSources {
  /** Where Debian's {@code dataset-fashion-mnist} package installs its IDX files. */
  public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  /**
   * A resolved source: {@code bytePixels} is true when values are raw 8-bit pixels 0..255
   * (binarize with scale 255), false for CSV tables (values as given); {@code images} describes
   * a picture folder (paths, classes, split, skipped files) and is {@code null} for other sources.
   */
  public record DataSplits(String name, Dataset train, Dataset test, boolean bytePixels,
      ImageFolder.Images images) {
    /** A source that is not a picture folder. */
    public DataSplits(String name, Dataset train, Dataset test, boolean bytePixels) {
      this(name, train, test, bytePixels, null);
    }

    /** The {@link Binarization} scale for these values: 255 for byte pixels, else 1. */
    public float binarizationScale() {
      return bytePixels ? Binarization.BYTE_SCALE : 1f;
    }
  }

  private DataSources() {}

  /** Resolves {@code spec} as described in the class comment (picture folders as they are). */
  public static DataSplits resolve(String spec, Path dataHome) {
    return resolve(spec, dataHome, ImageFolder.Options.defaults(), ImageFolder.Progress.NONE);
  }

  /**
   * Resolves {@code spec}; a picture folder is read with {@code images} (its decoding cache goes
   * into the folder, or under {@code dataHome/image-cache} when the folder is read-only).
   */
  public static DataSplits resolve(String spec, Path dataHome, ImageFolder.Options images,
      ImageFolder.Progress progress) {
    return resolve(spec, dataHome, DEBIAN_FASHION_MNIST, images, progress);
  }

  /** As {@link #resolve(String, Path)}, with the system Fashion-MNIST folder given (for tests). */
  static DataSplits resolve(String spec, Path dataHome, Path systemFashionMnist) {
    return resolve(spec, dataHome, systemFashionMnist, ImageFolder.Options.defaults(),
        ImageFolder.Progress.NONE);
  }

  private static DataSplits resolve(String spec, Path dataHome, Path systemFashionMnist,
      ImageFolder.Options imageOptions, ImageFolder.Progress progress) {
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
      if (ImageFolder.containsImages(path)) {
        ImageFolder.Images images = ImageFolder.load(path, imageOptions,
            dataHome.resolve("image-cache"), progress);
        return new DataSplits(name(path), images.train(), images.test(), true, images);
      }
      throw new DataException(path, (isEmpty(path) ? "is empty" : "holds no pictures")
          + ": expected pictures (" + String.join(", ",
          ImageDecoder.suffixes()) + ", directly or in class subfolders), nor train.csv and"
          + " test.csv, nor the four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,"
          + " t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz)");
    }
    if (spec.endsWith(".csv")) {
      return csvFile(path);
    }
    throw new DataException(spec, "unknown data source: expected mnist, fashion-mnist, a folder"
        + " of IDX files, a folder with train.csv and test.csv, a folder of pictures, or a .csv"
        + " file"
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

  private static boolean isEmpty(Path dir) {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String name(Path path) {
    return path.toAbsolutePath().normalize().getFileName() + "";
  }
}
