package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.evaluation.Validator;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.training.EpochResult;
import io.dgm4j.training.RunDirectory;
import io.dgm4j.training.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dgm runs [FOLDER...]}: one line per run folder — model, data, epochs done of planned,
 * the best validation figure, and whether it is training now (which process, how long it has
 * left at its recent pace), finished, stopped early, or stopped (with the command that continues
 * it). Reads only: it takes no lock and writes nothing, so it is safe beside a training.
 */
@Command(name = "runs", description = "List run folders: model, data, epochs, best validation"
    + " figure, and whether each is training now, finished or stopped (and how to continue it)."
    + " Reads only.")
final class RunsCommand implements Callable<Integer> {
  /** How deep below a given folder run folders are looked for. */
  static final int SEARCH_DEPTH = 4;

  @Parameters(arity = "0..*", paramLabel = "FOLDER",
      description = "Run folders, or folders to search for them up to " + SEARCH_DEPTH
          + " levels down (default: the current folder).")
  List<Path> folders = new ArrayList<>();

  @Mixin
  Options.Json output;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<Path> given = folders.isEmpty() ? List.of(Path.of(".")) : folders;
    List<Path> runs = new ArrayList<>();
    for (Path folder : given) {
      if (!Files.isDirectory(folder)) {
        throw new IllegalArgumentException(folder + (Files.exists(folder) ? " is a file, not a"
            + " folder" : ": no such folder") + "; give a run folder (one `dgm train --out`"
            + " wrote) or a folder that holds run folders");
      }
      runs.addAll(runFolders(folder));
    }
    List<Read> read = runs.stream().map(Read::of).toList();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json) {
      ArrayNode rows = ModelRegistry.json().createArrayNode();
      for (Read run : read) {
        rows.add(json(run));
      }
      ObjectNode o = ModelRegistry.json().createObjectNode();
      o.set("runs", rows);
      try {
        out.println(ModelRegistry.json().writeValueAsString(o));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
      return 0;
    }
    if (runs.isEmpty()) {
      out.printf("no run folders in %s (a run folder holds the run.json `dgm train` writes)%n",
          String.join(", ", given.stream().map(Path::toString).toList()));
      return 0;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"run", "model", "data", "epochs", "best validation", "state"});
    for (Read run : read) {
      rows.add(text(run));
    }
    int[] widths = new int[5];
    for (String[] row : rows) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        line.append(String.format("%-" + widths[c] + "s  ", row[c]));
      }
      out.println(line.append(row[5]).toString().stripTrailing());
    }
    return 0;
  }

  /**
   * The run folders at or below {@code folder}, in path order: a folder holding run.json is a
   * run, and nothing below it is searched (a per-class run's class folders are part of it);
   * hidden folders are skipped.
   */
  static List<Path> runFolders(Path folder) {
    List<Path> found = new ArrayList<>();
    try {
      Files.walkFileTree(folder, EnumSet.noneOf(java.nio.file.FileVisitOption.class),
          SEARCH_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (new RunDirectory(dir).exists()) {
                found.add(dir);
                return FileVisitResult.SKIP_SUBTREE;
              }
              boolean hidden = !dir.equals(folder) && dir.getFileName().toString()
                  .startsWith(".");
              return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              // a folder at the depth limit is visited as a file, not entered
              if (attrs.isDirectory() && new RunDirectory(file).exists()) {
                found.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // an unreadable folder holds no run we can read
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(folder + ": cannot list it (" + e.getMessage() + ")", e);
    }
    found.sort(null);
    return found;
  }

  /** A run folder as read: its status, or why it could not be read (a corrupt run.json). */
  private record Read(Path folder, RunStatus status, String problem) {
    static Read of(Path folder) {
      try {
        return new Read(folder, RunStatus.of(new RunDirectory(folder)), null);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        return new Read(folder, null, e.getMessage());
      }
    }
  }

  private static String[] text(Read run) {
    Path folder = run.folder();
    if (run.status() == null) {
      return new String[] {folder.toString(), "?", "?", "?", "", "unreadable: " + run.problem()};
    }
    RunStatus s = run.status();
    String bits = Double.isNaN(s.bestBitsPerDim()) ? ""
        : String.format(", %.4f bits/dim", s.bestBitsPerDim());
    String best = s.best().map(e -> Validator.label(e.validationMetric()) + " "
        + figure(e) + bits + " (epoch " + e.epoch() + ")").orElse("-");
    return new String[] {folder.toString(), s.family(), s.data(),
        s.epochsDone() + "/" + s.epochsPlanned(), best, state(s)};
  }

  private static String figure(EpochResult e) {
    return Validator.inNats(e.validationMetric())
        ? String.format("%.2f nats", e.validationLoss())
        : String.format("%.4g", e.validationLoss());
  }

  /** The state as a person reads it, with what to do next where there is something to do. */
  static String state(RunStatus s) {
    String classes = s.classes() > 0
        ? String.format(" (%d of %d classes finished)", s.classesFinished(), s.classes()) : "";
    return switch (s.state()) {
      case TRAINING -> "training now (" + s.holder().orElseThrow() + ")" + left(s) + classes;
      case FINISHED -> "finished" + classes;
      case STOPPED_EARLY -> "stopped early (no better validation figure for --patience"
          + " validations)";
      case STOPPED -> "stopped" + classes + "; continue with `dgm train --out " + s.folder()
          + " --resume`";
      case NOT_STARTED -> "no epoch finished; the same `dgm train` command starts it again"
          + " (it reuses the folder)";
    };
  }

  /**
   * "; about 12 h left" at the pace of the recorded epochs ({@link
   * io.dgm4j.training.EpochPace}), when that is known.
   */
  private static String left(RunStatus s) {
    return Double.isFinite(s.secondsLeft()) && s.secondsLeft() > 0
        ? "; about " + ProgressListener.duration(s.secondsLeft()) + " left" : "";
  }


  private static ObjectNode json(Read run) {
    ObjectNode o = ModelRegistry.json().createObjectNode();
    o.put("run", run.folder().toString());
    if (run.status() == null) {
      o.put("error", run.problem());
      return o;
    }
    RunStatus s = run.status();
    o.put("family", s.family());
    o.put("data", s.data());
    o.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
    o.put("epochs_done", s.epochsDone());
    o.put("epochs_planned", s.epochsPlanned());
    if (s.classes() > 0) {
      o.put("classes", s.classes());
      o.put("classes_finished", s.classesFinished());
    }
    s.best().ifPresent(e -> {
      o.put("best_epoch", e.epoch());
      o.put("best_validation", e.validationLoss());
      o.put("validation_metric", e.validationMetric());
    });
    if (!Double.isNaN(s.bestBitsPerDim())) {
      o.put("best_bits_per_dim", s.bestBitsPerDim());
    }
    if (Double.isFinite(s.secondsLeft())) {
      o.put("seconds_left", s.secondsLeft());
    }
    s.holder().ifPresent(h -> o.put("holder", h));
    return o;
  }
}
