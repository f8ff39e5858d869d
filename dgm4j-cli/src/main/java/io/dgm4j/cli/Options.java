package io.dgm4j.cli;

import io.dgm4j.engine.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options several commands share, each declared once here with its one description and
 * default. A command takes the ones it needs as picocli mixins ({@code @Mixin Options.Run run;}),
 * see the package documentation.
 */
final class Options {
  private Options() {}

  /** A usage error (exit code 2): one line naming the option and the fix. */
  static ParameterException usage(CommandSpec command, String message) {
    return new ParameterException(command.commandLine(), message);
  }

  /** {@code --run DIR}: a run folder written by {@code dgm train}. */
  static final class Run {
    @Option(names = "--run", required = true, paramLabel = "DIR",
        description = "A run folder written by `dgm train`.")
    Path folder;
  }

  /** {@code --data-dir DIR}: where named datasets live. */
  static final class DataDir {
    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Where named datasets (mnist, fashion-mnist) live (default: $DGM_DATA,"
            + " else ./data).")
    Path dataDir;

    /** The folder holding named datasets. */
    Path home() {
      if (dataDir != null) {
        return dataDir;
      }
      String env = System.getenv("DGM_DATA");
      return Path.of(env != null && !env.isBlank() ? env : "data");
    }
  }

  /** {@code --data SPEC}. */
  static final class Data {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--data", paramLabel = "SPEC",
        description = "mnist, fashion-mnist, color-mnist, toy:NAME (2-D: two-moons, rings,"
            + " eight-gaussians, checkerboard, spiral), a folder of MNIST-layout IDX files, a"
            + " folder with train.csv and test.csv, a folder of pictures (flat, one subfolder per"
            + " class, or train/ and test/), or a .csv file.")
    String spec;

    /** {@code --data}, or a usage error saying it is needed. */
    String required() {
      if (spec == null) {
        throw usage(command, "--data is required: mnist, fashion-mnist, a folder of IDX files,"
            + " a folder of pictures or a .csv file");
      }
      return spec;
    }

    /** The existing files {@code --data} may read (for the never-overwrite-an-input rule). */
    List<Path> inputFiles(Path home) {
      return dataFiles(spec, home);
    }
  }

  /** {@code --threads N} and {@code --device NAME}: where and how the engine computes. */
  static final class Engine {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--device", paramLabel = "NAME", defaultValue = "cpu",
        description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", paramLabel = "N",
        description = "Engine threads per operation, at least 1 (default: one per core).")
    void threads(int n) {
      if (n < 1) {
        throw usage(command, "--threads must be at least 1, got " + n);
      }
      Engines.threads(n);
    }
  }

  /** {@code --batch-size N}. */
  static final class BatchSize {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    int size = 100;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "100",
        description = "Examples per batch, at least 1 (default: ${DEFAULT-VALUE}).")
    void size(int n) {
      if (n < 1) {
        throw usage(command, "--batch-size must be at least 1, got " + n);
      }
      size = n;
    }
  }

  /** --json: print one JSON object instead of text. */
  static final class Json {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;
  }

  /** --limit for commands that read test sets: the first N examples of each, 0 for all. */
  static final class TestLimit {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    int n;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
        description = "Use only the first N test examples of each set (default: 0, all); for"
            + " costly estimates such as k = 5000 on a small machine.")
    void n(int value) {
      if (value < 0) {
        throw usage(command, "--limit must be >= 0 (0: all), got " + value);
      }
      n = value;
    }
  }

  /** {@code --checkpoint WHICH}: which of a run's checkpoints a command loads. */
  static final class Checkpoint {
    @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "WHICH",
        description = "The run's checkpoint to load: best (the best validation figure so far) or"
            + " last (the latest epoch's) (default: ${DEFAULT-VALUE}).")
    String which;
  }

  /** {@code --seed S}. */
  static final class Seed {
    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
        description = "Seed of everything random in this command (default: ${DEFAULT-VALUE}).")
    long seed;
  }

  /** {@code --out PATH}: train's run folder, or the file another command writes. */
  static final class Out {
    @Option(names = "--out", required = true, paramLabel = "PATH",
        description = "Where to write: the run folder for train, the output file for other"
            + " commands.")
    Path path;
  }

  /**
   * {@code --force}, and the one check every command that writes a file makes: an existing file
   * is replaced only with {@code --force}, and one of the command's inputs never.
   */
  static final class Force {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--force",
        description = "Replace an existing output file (never one of the command's inputs).")
    boolean force;

    /**
     * Returns {@code out} when the command may write it.
     *
     * @param option the option that named it, e.g. "--out"
     * @param inputs files the command reads
     */
    Path writable(String option, Path out, Collection<Path> inputs) {
      if (Files.isDirectory(out)) {
        throw usage(command, option + " " + out + " is a folder; give a file name");
      }
      if (!Files.exists(out)) {
        return out;
      }
      for (Path input : inputs) {
        if (sameFile(out, input)) {
          throw usage(command, option + " " + out + " is one of this command's inputs and is"
              + " never overwritten, even with --force; choose another file");
        }
      }
      if (!force) {
        throw usage(command, option + " " + out + " exists; pass --force to replace it or"
            + " choose another file");
      }
      return out;
    }
  }

  /** The existing files a data spec (mnist, a folder, a .csv) reads; none for null. */
  static List<Path> dataFiles(String spec, Path home) {
    if (spec == null) {
      return List.of();
    }
    Path named = home.resolve(spec);
    Path given = Path.of(spec);
    return filesIn(Files.isDirectory(named) && !Files.exists(given) ? named : given);
  }

  /** The regular files at {@code path}: itself, or every file below it when a folder. */
  static List<Path> filesIn(Path path) {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      // every file below it: a folder of pictures keeps them in class subfolders
      try (Stream<Path> list = Files.walk(path)) {
        list.filter(Files::isRegularFile).forEach(files::add);
      } catch (IOException e) {
        // an unreadable folder holds no input this command could read either
      }
    }
    return files;
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }
}
