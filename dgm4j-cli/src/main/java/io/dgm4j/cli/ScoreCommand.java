package io.dgm4j.cli;

import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.data.Validation;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.io.AtomicFiles;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
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
    "Energy models write f(x) = -E(x), an unnormalized log-density (log Z unknown), which ranks"
        + " examples the same way.",
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
      // energy models give f(x) = -E(x) = log p(x) + log Z: unnormalized, but it ranks the same
      boolean unnormalized = !(loaded.model instanceof DensityModel);
      if (unnormalized && !(loaded.model instanceof EnergyModel)) {
        throw Options.usage(spec, loaded.info.model().family() + " has neither a log-likelihood"
            + " nor an energy: it models only the score ∇x log p(x), which cannot rank"
            + " examples; `dgm score` needs a model with one (e.g. ebm, maf)");
      }
      GenerativeModel model = loaded.model;
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
      StringBuilder csv = new StringBuilder("index" + (splits.size() > 1 ? ",split" : "")
          + (source.train().hasLabels() ? ",label" : "")
          + (unnormalized ? ",unnormalized_log_density\n" : ",log_prob_nats,bits_per_dim\n"));
      List<Double> all = new ArrayList<>();
      int dimension = model.dimension();
      double offset = prep.pixelOffsetNats(dimension);
      for (String s : splits) {
        Dataset raw = s.equals("train") ? source.train() : source.test();
        int firstIndex = oneFile && s.equals("test") ? source.train().size() : 0;
        Validation.requireDimension(raw, dimension);
        if (raw.size() == 0) {
          continue;
        }
        Dataset prepared = prep.fixed(raw, prep.testSeed(), loaded.info.model().family());
        double[] logProbs = unnormalized ? negativeEnergies((EnergyModel) model, prepared)
            : new LikelihoodEvaluator(batch.size).logProbs((DensityModel) model, prepared);
        for (int i = 0; i < logProbs.length; i++) {
          double lp = logProbs[i] - offset;
          all.add(lp);
          csv.append(firstIndex + i);
          if (splits.size() > 1) {
            csv.append(',').append(s);
          }
          if (prepared.hasLabels()) {
            csv.append(',').append(prepared.labels()[i]);
          }
          csv.append(',').append(lp);
          if (!unnormalized) {
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
      if (unnormalized) {
        spec.commandLine().getOut().printf("scored %,d examples of %s (%s): mean f(x) = -E(x)"
            + " %.4f, an unnormalized log-density (log p(x) + log Z with Z unknown; higher is"
            + " more typical) -> %s%n", all.size(), source.name(), which,
            all.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), file);
        return 0;
      }
      LikelihoodEvaluator.Report r = LikelihoodEvaluator.summarize(
          all.stream().mapToDouble(Double::doubleValue).toArray(), dimension);
      spec.commandLine().getOut().printf("scored %,d examples of %s (%s%s): mean NLL %.2f nats,"
          + " %.4f bits/dim -> %s%n", r.examples(), source.name(), which.equals("all")
          ? "all rows" : which + " split", offset != 0 ? ", 8-bit pixels: log p(y) - D ln 256"
          : "", r.nllNats(), r.bitsPerDim(), file);
      return 0;
    }
  }

  /** f(x) = −E(x) for every example, in batches. */
  private double[] negativeEnergies(EnergyModel energy, Dataset data) {
    int d = data.dimension();
    double[] out = new double[data.size()];
    for (int start = 0; start < data.size(); start += batch.size) {
      int n = Math.min(batch.size, data.size() - start);
      try (NDScope scope = new NDScope(); NDManager m = energy.manager().newSubManager()) {
        float[] f = energy.energy(m.create(java.util.Arrays.copyOfRange(data.values(),
            start * d, (start + n) * d), new Shape(n, d))).neg().toFloatArray();
        for (int i = 0; i < n; i++) {
          out[start + i] = f[i];
        }
      }
    }
    return out;
  }
}
