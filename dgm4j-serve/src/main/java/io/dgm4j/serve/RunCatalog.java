package io.dgm4j.serve;

import io.dgm4j.training.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The run folders a server offers: the direct subfolders of one root that hold a {@code run.json}.
 * A run is addressed by its folder name alone; a name that is not one of those folders — a path,
 * {@code ..}, anything with a separator — is not found, so no request can reach outside the root.
 * Each run's model is loaded once, on first use, and shared by all requests.
 */
public final class RunCatalog implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
  private final Path root;
  private final Path dataHome;
  private final int referenceExamples;
  private final ai.djl.Device device;
  private final Map<String, ServedRun> loaded = new ConcurrentHashMap<>();

  /**
   * @param root the folder whose subfolders are runs
   * @param dataHome where datasets live (for each run's test set, the reference of percentiles)
   * @param referenceExamples how many test examples form the reference distribution of scores
   * @param device where the models live (e.g. {@code Engines.device("gpu")})
   */
  public RunCatalog(Path root, Path dataHome, int referenceExamples, ai.djl.Device device) {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException(root + ": no such folder (--runs must name a folder of"
          + " run folders, e.g. runs/)");
    }
    this.root = root.toAbsolutePath().normalize();
    this.dataHome = dataHome;
    this.referenceExamples = referenceExamples;
    this.device = device;
  }

  /** As {@link #RunCatalog(Path, Path, int, ai.djl.Device)} on the CPU. */
  public RunCatalog(Path root, Path dataHome, int referenceExamples) {
    this(root, dataHome, referenceExamples, io.dgm4j.engine.Engines.device("cpu"));
  }

  /** The names of the runs under the root, sorted. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    try (Stream<Path> children = Files.list(root)) {
      children.filter(p -> Files.isRegularFile(p.resolve("run.json")))
          .map(p -> p.getFileName().toString())
          .filter(n -> NAME.matcher(n).matches())
          .sorted()
          .forEach(names::add);
    } catch (IOException e) {
      throw new UncheckedIOException(root + ": cannot list: " + e.getMessage(), e);
    }
    return names;
  }

  /** The run called {@code name}, loaded on first use; {@link NotFound} when there is none. */
  public ServedRun run(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new NotFound("no run called '" + name + "'");
    }
    Path folder = root.resolve(name).normalize();
    if (!folder.getParent().equals(root) || !new RunDirectory(folder).exists()) {
      throw new NotFound("no run called '" + name + "'");
    }
    return loaded.computeIfAbsent(name,
        n -> new ServedRun(n, new RunDirectory(folder), dataHome, referenceExamples, device));
  }

  @Override
  public void close() {
    loaded.values().forEach(ServedRun::close);
    loaded.clear();
  }

  /** A request named something the server does not have. */
  public static final class NotFound extends RuntimeException {
    public NotFound(String message) {
      super(message);
    }
  }
}
