package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.AnomalyScores;
import io.dgm4j.evaluation.CompressedLength;
import io.dgm4j.evaluation.DetectionMetrics;
import io.dgm4j.evaluation.ExampleScores;
import io.dgm4j.evaluation.Plots;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Out-of-distribution detection: how well each anomaly score separates the test set of
 * {@code --ood} from that of {@code --in} under a trained run (OOD = positive class).
 */
@Command(name = "ood", description = {
    "Anomaly detection: how well each score separates the test set of --ood from that of --in"
        + " under a run's model (AUROC, AUPR and FPR at 95%% TPR; OOD is the positive class,"
        + " every score oriented so that higher means more anomalous).",
    "Methods: likelihood (-log p(x)); likelihood-ratio (against a background run trained with"
        + " `dgm train --perturb`; Ren et al. 2019); complexity (-log p(x) minus the PNG-"
        + "compressed length in nats; Serra et al. 2020); typicality (|-log p(x) - mean on the"
        + " run's validation examples|; Nalisnick et al. 2019)."})
final class OodCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Mixin Options.Seed seed;

  @Option(names = "--background", paramLabel = "DIR",
      description = "A run of the same family trained on the same data with --perturb; needed"
          + " by likelihood-ratio (default: none, the method is then skipped).")
  Path background;

  @Option(names = "--in", required = true, paramLabel = "SPEC",
      description = "In-distribution data (any --data spec); its test set is used.")
  String in;

  @Option(names = "--ood", required = true, paramLabel = "SPEC",
      description = "Out-of-distribution data (any --data spec); its test set is used.")
  String ood;

  @Option(names = "--methods", split = ",", paramLabel = "M[,M...]",
      description = "Among likelihood, likelihood-ratio, complexity, typicality (default: all;"
          + " likelihood-ratio only with --background).")
  List<String> methods;

  @Option(names = "--typicality-batch", defaultValue = "1", paramLabel = "M",
      description = "Inputs per typicality test: scores are per batch of M consecutive test"
          + " inputs (default: ${DEFAULT-VALUE}, single inputs).")
  int typicalityBatch;

  @Option(names = "--report", paramLabel = "DIR",
      description = "Write roc.png, a histogram of both sets' scores per method"
          + " (scores-METHOD.png) and scores.csv into DIR; existing files there are replaced"
          + " only with --force (default: none).")
  Path report;

  @Mixin Options.Json output;

  @Mixin Options.TestLimit limit;

  @Mixin Options.BatchSize batch;

  @Mixin Options.Force force;

  @Mixin Options.DataDir dataDir;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<String> chosen = chooseMethods();
    try (LoadedRun loaded = new LoadedRun(run.folder, "best", engine.device, spec);
        LoadedRun backgroundRun = background == null ? null
            : new LoadedRun(background, "best", engine.device, spec)) {
      Engines.seed(seed.seed); // importance samples: the same command gives the same scores
      String family = loaded.info.model().family();
      if (ExampleScores.columnFor(loaded.model) == null) {
        throw new IllegalArgumentException(family + " has no per-example score (neither a"
            + " likelihood, a likelihood estimate nor an energy), which `dgm ood` needs");
      }
      Dataset inData = loaded.testSet(in, limit.n, dataDir.home());
      Dataset oodData = loaded.testSet(ood, limit.n, dataDir.home());
      double[] inLog = logDensity(loaded.model, inData);
      double[] oodLog = logDensity(loaded.model, oodData);
      Map<String, double[][]> scores = new LinkedHashMap<>(); // method -> {in, ood}
      for (String method : chosen) {
        scores.put(method, switch (method) {
          case "likelihood" -> new double[][] {AnomalyScores.likelihood(inLog),
              AnomalyScores.likelihood(oodLog)};
          case "likelihood-ratio" -> {
            GenerativeModel bg = backgroundModel(loaded, backgroundRun);
            yield new double[][] {
                AnomalyScores.likelihoodRatio(inLog, logDensity(bg, inData)),
                AnomalyScores.likelihoodRatio(oodLog, logDensity(bg, oodData))};
          }
          case "complexity" -> {
            float[] range = valueRange(loaded, inData);
            yield new double[][] {
                AnomalyScores.complexity(inLog, CompressedLength.nats(inData, range[0],
                    range[1])),
                AnomalyScores.complexity(oodLog, CompressedLength.nats(oodData, range[0],
                    range[1]))};
          }
          case "typicality" -> {
            Dataset held = RunData.validationSetOf(loaded.info.data(), dataDir.home());
            double entropy = AnomalyScores.meanNegativeLogDensity(
                logDensity(loaded.model, held));
            yield new double[][] {
                AnomalyScores.typicality(inLog, entropy, typicalityBatch),
                AnomalyScores.typicality(oodLog, entropy, typicalityBatch)};
          }
          default -> throw new IllegalStateException(method);
        });
      }
      Map<String, DetectionMetrics> results = new LinkedHashMap<>();
      scores.forEach((method, s) -> results.put(method, DetectionMetrics.of(s[0], s[1])));
      if (report != null) {
        List<Path> inputs = new ArrayList<>(loaded.inputFiles());
        if (backgroundRun != null) {
          inputs.addAll(backgroundRun.inputFiles());
        }
        inputs.addAll(Options.dataFiles(in, dataDir.home()));
        inputs.addAll(Options.dataFiles(ood, dataDir.home()));
        writeReport(family, scores, inputs);
      }
      print(results, family, ExampleScores.columnFor(loaded.model), inData.size(),
          oodData.size());
      return 0;
    }
  }

  private List<String> chooseMethods() {
    List<String> chosen = methods == null ? new ArrayList<>(AnomalyScores.METHODS)
        : methods;
    for (String m : chosen) {
      if (!AnomalyScores.METHODS.contains(m)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--methods: unknown"
            + " method " + m + "; choose among " + String.join(", ", AnomalyScores.METHODS));
      }
    }
    if (background == null && chosen.contains("likelihood-ratio")) {
      if (methods != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--methods"
            + " likelihood-ratio needs --background DIR, a run trained on the same data with"
            + " `dgm train ... --perturb 0.2`");
      }
      chosen.remove("likelihood-ratio");
    }
    if (typicalityBatch < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--typicality-batch must be at least 1, got " + typicalityBatch);
    }
    return chosen;
  }

  /** The model's log-density per example (exact, estimated, or -E(x) without log Z). */
  private double[] logDensity(GenerativeModel model, Dataset data) {
    return ExampleScores.of(model, data, batch.size).values();
  }

  private GenerativeModel backgroundModel(LoadedRun loaded, LoadedRun backgroundRun) {
    if (backgroundRun.model.dimension() != loaded.model.dimension()) {
      throw new IllegalArgumentException("--background " + background + " models "
          + backgroundRun.model.dimension() + " values per example, --run "
          + loaded.model.dimension());
    }
    String kind = RunData.preprocessingOf(loaded.info.data()).kind();
    String backgroundKind = RunData.preprocessingOf(backgroundRun.info.data()).kind();
    if (!kind.equals(backgroundKind)) {
      throw new IllegalArgumentException("--background " + background + " was trained on "
          + backgroundKind + " data, --run on " + kind + " data; train the background with the"
          + " same --model");
    }
    return backgroundRun.model;
  }

  /** The range the compressor maps to 0..255: [0, 1] for binary and dequantized pixels. */
  private static float[] valueRange(LoadedRun loaded, Dataset inData) {
    if (!RunData.preprocessingOf(loaded.info.data()).kind().equals("real")) {
      return new float[] {0, 1};
    }
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : inData.values()) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new float[] {lo, hi > lo ? hi : lo + 1};
  }

  private void writeReport(String family, Map<String, double[][]> scores, List<Path> inputs)
      throws Exception {
    if (Files.isRegularFile(report)) {
      throw Options.usage(spec, "--report " + report + " is a file; give a folder");
    }
    List<Path> files = new ArrayList<>(List.of(report.resolve("roc.png"),
        report.resolve("scores.csv")));
    scores.keySet().forEach(m -> files.add(report.resolve("scores-" + m + ".png")));
    for (Path f : files) {
      force.writable("--report", f, inputs);
    }
    Files.createDirectories(report);
    Map<String, double[][]> curves = new LinkedHashMap<>();
    StringBuilder csv = new StringBuilder("set,index");
    scores.keySet().forEach(m -> csv.append(',').append(m));
    csv.append('\n');
    for (var e : scores.entrySet()) {
      double[][] s = e.getValue();
      curves.put(e.getKey(), DetectionMetrics.rocCurve(s[0], s[1]));
      Plots.histograms(report.resolve("scores-" + e.getKey() + ".png"),
          e.getKey() + " score, " + family + " (" + run.folder.getFileName() + ")",
          e.getKey() + " score (higher = more anomalous)", "in: " + in, s[0], "ood: " + ood, s[1],
          60);
    }
    Plots.roc(report.resolve("roc.png"), "ROC, " + in + " vs " + ood + " (OOD positive), "
        + family, curves);
    for (int set = 0; set < 2; set++) {
      int n = scores.values().iterator().next()[set].length;
      for (int i = 0; i < n; i++) {
        csv.append(set == 0 ? "in" : "ood").append(',').append(i);
        for (double[][] s : scores.values()) {
          csv.append(',').append(i < s[set].length ? s[set][i] : Double.NaN);
        }
        csv.append('\n');
      }
    }
    AtomicFiles.writeString(report.resolve("scores.csv"), csv.toString());
  }

  private void print(Map<String, DetectionMetrics> results, String family, String scoreColumn,
      int inCount, int oodCount) throws Exception {
    var out = spec.commandLine().getOut();
    if (output.json) {
      ObjectNode o = ModelRegistry.json().createObjectNode();
      o.put("in", in);
      o.put("ood", ood);
      ObjectNode m = o.putObject("methods");
      results.forEach((name, r) -> {
        ObjectNode one = m.putObject(name);
        one.put("auroc", r.auroc());
        one.put("aupr", r.aupr());
        one.put("fpr_at_95_tpr", r.fprAt95Tpr());
      });
      out.println(ModelRegistry.json().writeValueAsString(o));
      return;
    }
    out.printf("%s (%s, scored by %s): %,d %s test inputs (in) vs %,d %s (ood, positive)%n",
        run.folder, family, scoreColumn, inCount, in, oodCount, ood);
    out.printf("  %-17s %7s %7s %13s%n", "method", "AUROC", "AUPR", "FPR@95%TPR");
    results.forEach((name, r) -> out.printf("  %-17s %7.4f %7.4f %13.4f%n", name, r.auroc(),
        r.aupr(), r.fprAt95Tpr()));
    if (background == null && methods == null) {
      out.println("  (likelihood-ratio needs --background DIR, a run trained with --perturb)");
    }
    if (report != null) {
      out.printf("  report: %s (roc.png, scores-*.png, scores.csv)%n", report);
    }
  }
}
