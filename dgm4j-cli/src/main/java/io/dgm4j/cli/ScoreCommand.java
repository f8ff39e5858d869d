package io.dgm4j.cli;

import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.data.Validation;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.evaluation.ExampleScores;
import io.dgm4j.models.GenerativeModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** log p(x) of every example of a dataset under a trained run (density estimation, anomalies). */
@Command(name = "score", description = {
    "Write log p(x) per example to a CSV: low values are unlikely under the model (anomalies).",
    "Columns: index (0-based, among the data rows of the example's file), split (when several"
        + " are scored), label (when the data has labels), log_prob_nats, bits_per_dim.",
    "The data is preprocessed as the run's own test set (e.g. binarized with the fixed seed)."
        + " For a real-valued model of 8-bit pixels (dequantized) log_prob_nats is that of the"
        + " 8-bit pixels, log p(y) - D ln 256: the figure `dgm eval` reports."})
final class ScoreCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Mixin Options.Data data;

  @Mixin Options.DataDir dataDir;

  @Option(names = "--split", paramLabel = "WHICH",
      description = "test, train or all (default: all for a .csv file, else test). A .csv"
          + " file's last 10%% of rows are its test split.")
  String split;

  @Mixin Options.Out out;

  @Mixin Options.Force force;

  @Mixin Options.BatchSize batch;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String dataSpec = data.required();
    String which = split != null ? split : dataSpec.endsWith(".csv") ? "all" : "test";
    if (!List.of("test", "train", "all").contains(which)) {
      throw Options.usage(spec, "--split must be test, train or all, got " + which);
    }
    try (LoadedRun loaded = new LoadedRun(run.folder, "best", engine.device, spec)) {
      List<Path> inputs = new ArrayList<>(loaded.inputFiles());
      inputs.addAll(data.inputFiles(dataDir.home()));
      Path file = force.writable("--out", out.path, inputs);
      GenerativeModel model = loaded.model;
      if (ExampleScores.columnFor(model) == null) {
        throw new IllegalArgumentException(loaded.info.model().family() + " has no per-example"
            + " score (no likelihood, likelihood estimate or energy); `dgm score` needs one");
      }
      DataSources.DataSplits source = DataSources.resolve(dataSpec, dataDir.home());
      Preprocessing prep = RunData.preprocessingOf(loaded.info.data());
      if (source.bytePixels() != prep.expectsBytePixels()) {
        throw new IllegalArgumentException(dataSpec + " holds " + (source.bytePixels()
            ? "8-bit pixels" : "real values") + " but the run was trained on "
            + (prep.expectsBytePixels() ? "8-bit pixels" : "real values"));
      }
      // a single .csv file: the test rows follow the training rows in the file
      boolean oneFile = dataSpec.endsWith(".csv");
      List<String> splits = which.equals("all") ? List.of("train", "test") : List.of(which);
      String column = ExampleScores.columnFor(model);
      boolean likelihood = ExampleScores.isLogLikelihood(column);
      StringBuilder csv = new StringBuilder("index" + (splits.size() > 1 ? ",split" : "")
          + (source.train().hasLabels() ? ",label" : "") + "," + column
          + (likelihood ? ",bits_per_dim" : "") + "\n");
      List<Double> all = new ArrayList<>();
      int dimension = model.dimension();
      String meaning = "";
      for (String s : splits) {
        Dataset raw = s.equals("train") ? source.train() : source.test();
        int firstIndex = oneFile && s.equals("test") ? source.train().size() : 0;
        Validation.requireDimension(raw, dimension);
        if (raw.size() == 0) {
          continue;
        }
        ExampleScores.Scored scored = ExampleScores.ofRaw(model, raw, prep, batch.size);
        meaning = scored.meaning();
        double[] values = scored.values();
        for (int i = 0; i < values.length; i++) {
          double lp = values[i];
          all.add(lp);
          csv.append(firstIndex + i);
          if (splits.size() > 1) {
            csv.append(',').append(s);
          }
          if (raw.hasLabels()) {
            csv.append(',').append(raw.labels()[i]);
          }
          csv.append(',').append(lp);
          if (likelihood) {
            csv.append(',').append(-lp / (dimension * Math.log(2)));
          }
          csv.append('\n');
        }
      }
      if (all.isEmpty()) {
        throw new IllegalArgumentException(dataSpec + ": no examples in the " + which
            + " split" + (which.equals("all") ? "s" : "") + "; nothing to score");
      }
      AtomicFiles.writeString(file, csv.toString());
      LikelihoodEvaluator.Report r = LikelihoodEvaluator.summarize(
          all.stream().mapToDouble(Double::doubleValue).toArray(), dimension);
      var console = spec.commandLine().getOut();
      console.printf("scored %,d examples of %s (%s) -> %s%n", r.examples(), source.name(),
          which.equals("all") ? "all rows" : which + " split", file);
      console.printf("  %s: %s%n", column, meaning);
      if (likelihood) {
        console.printf("  mean NLL %.2f nats, %.4f bits/dim%n", r.nllNats(), r.bitsPerDim());
      }
      return 0;
    }
  }
}
