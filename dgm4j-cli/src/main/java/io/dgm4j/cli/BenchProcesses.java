package io.dgm4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.models.ModelRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code dgm bench --processes N}: the whole measurement repeated in N fresh processes, one
 * after another, each process's medians then summarized as a median across processes with the
 * slowest and fastest process beside it.
 *
 * <p>Why: on some machines the same build's rate differs more between processes than between
 * the windows of one process. On the 2-core AMD EPYC of docs/BENCHMARKS.md, 30 processes of the
 * same bench of the mixture at batch 512 gave medians from 45,638 to 77,782 examples/s within an
 * hour while each process's windows agreed to a few per cent (where its pages and threads landed
 * is fixed for the life of a process). Windows alone cannot show that spread; fresh processes
 * can. Each child is this JVM's own command line (same Java, flags and class path) running
 * {@code dgm bench} with the same options, writing its report to a temporary file.
 */
final class BenchProcesses {
  private BenchProcesses() {}

  /**
   * Runs {@code bench} with {@code benchArgs} (the user's options without {@code --processes} and
   * {@code --json}) in {@code count} fresh processes, prints each one's output and then the
   * summary, and returns the combined report, or throws if a process failed.
   */
  static ObjectNode run(List<String> benchArgs, int count, PrintWriter out) {
    Path folder;
    try {
      folder = Files.createTempDirectory("dgm-bench");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder for the processes'"
          + " reports: " + e.getMessage(), e);
    }
    List<JsonNode> reports = new ArrayList<>();
    try {
      for (int p = 1; p <= count; p++) {
        out.printf("process %d of %d:%n", p, count);
        out.flush();
        Path report = folder.resolve("process-" + p + ".json");
        List<String> command = new ArrayList<>(javaCommand());
        command.add("bench");
        command.addAll(benchArgs);
        command.add("--json");
        command.add(report.toString());
        runChild(command, p, count, out);
        reports.add(ModelRegistry.json().readTree(report.toFile()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a process's report: " + e.getMessage(), e);
    } finally {
      deleteQuietly(folder);
    }
    return summarize(reports, out);
  }

  /** This JVM's java binary, flags and class path, and the {@code dgm} main class. */
  private static List<String> javaCommand() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Dgm.class.getName());
    return command;
  }

  private static void runChild(List<String> command, int p, int count, PrintWriter out) {
    try {
      Process child = new ProcessBuilder(command).start();
      CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          return "";
        }
      });
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          out.println("  " + line);
          out.flush();
        }
      }
      int code = child.waitFor();
      if (code != 0) {
        throw new IllegalStateException("bench process " + p + " of " + count + " failed (exit "
            + code + "): " + errors.join().strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a bench process (" + command.get(0) + "): "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while bench process " + p + " ran", e);
    }
  }

  /**
   * The report across processes: each key the median of the processes' medians, with _min, _max
   * and _relative_spread over processes, and every process's own report under
   * "process_reports".
   */
  static ObjectNode summarize(List<JsonNode> reports, PrintWriter out) {
    JsonNode first = reports.get(0);
    int windows = reports.size() * first.get("windows").asInt();
    ObjectNode summary = ModelRegistry.json().createObjectNode();
    summary.put("date", java.time.LocalDate.now().toString());
    summary.put("cores", first.get("cores").asInt());
    summary.put("processes", reports.size());
    summary.put("windows", first.get("windows").asInt());
    summary.put("window_seconds", first.get("window_seconds").asDouble());
    String matmulKey = "matmul_2048_gflops";
    Spread matmul = Spread.of(reports, matmulKey);
    matmul.put(summary, matmulKey);
    int matmulDisturbed = disturbedWindows(reports, matmulKey);
    summary.put(matmulKey + "_disturbed_windows", matmulDisturbed);
    out.printf("across %d processes (each process's median; their median [slowest-fastest"
        + " process]):%n", reports.size());
    out.printf("plain 2048x2048 float32 matmul, GFLOP/s: %s%s%n", matmul.describe("%.0f"),
        disturbedNote(matmulDisturbed, windows));
    out.printf("%-10s %-36s %-24s %-22s%n", "model", "train ex/s", "GFLOP/s",
        "fraction of matmul (each process's own)");
    ArrayNode rows = summary.putArray("models");
    for (int m = 0; m < first.get("models").size(); m++) {
      int index = m;
      List<JsonNode> each = reports.stream().map(r -> r.get("models").get(index)).toList();
      JsonNode model = each.get(0);
      ObjectNode row = rows.addObject();
      row.put("model", model.get("model").asText());
      row.put("objective", model.get("objective").asText());
      row.put("parameters", model.get("parameters").asLong());
      Spread examples = Spread.of(each, "train_examples_per_second");
      Spread gflops = Spread.of(each, "train_gflops");
      Spread fraction = Spread.of(each, "train_gflops_fraction_of_matmul");
      examples.put(row, "train_examples_per_second");
      int disturbed = disturbedWindows(each, "train_examples_per_second");
      row.put("train_examples_per_second_disturbed_windows", disturbed);
      gflops.put(row, "train_gflops");
      fraction.put(row, "train_gflops_fraction_of_matmul");
      if (model.has("sample_seconds")) {
        Spread.of(each, "sample_seconds").put(row, "sample_seconds");
      }
      out.printf("%-10s %-36s %-24s %-22s%n", model.get("model").asText(),
          examples.describe("%,.0f"), gflops.describe("%.1f"),
          fraction.describe("%.2f") + disturbedNote(disturbed, windows));
    }
    summary.set("process_reports", ModelRegistry.json().valueToTree(reports));
    out.flush();
    return summary;
  }

  /** Windows other processes disturbed, summed over the processes' measurements of one figure. */
  private static int disturbedWindows(List<JsonNode> nodes, String key) {
    return nodes.stream().mapToInt(n -> n.get(key + "_disturbed_windows").asInt()).sum();
  }

  private static String disturbedNote(int disturbed, int windows) {
    return disturbed == 0 ? "" : String.format("  %d/%d windows disturbed", disturbed, windows);
  }

  /** The user's bench options without {@code --processes} and {@code --json} (and values). */
  static List<String> childArguments(List<String> args) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--processes") || a.equals("--json")) {
        i++; // and its value
      } else if (!a.startsWith("--processes=") && !a.startsWith("--json=")) {
        kept.add(a);
      }
    }
    return kept;
  }

  private static void deleteQuietly(Path folder) {
    try (var files = Files.list(folder)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(folder);
    } catch (IOException ignored) {
      // a leftover temporary folder is harmless
    }
  }
}
