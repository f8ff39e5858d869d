package io.dgm4j.cli;

import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.data.Validation;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
import picocli.CommandLine;
import io.dgm4j.io.AtomicFiles;
import java.nio.file.Path;
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
    "The data is preprocessed as the run's own test set (e.g. binarized with the fixed seed)."})
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR") Path run;

  @Option(names = "--data", required = true, paramLabel = "SPEC",
      description = "mnist, fashion-mnist, toy:NAME, a folder of IDX files, or a .csv file.")
  String data;

  @Option(names = "--split", defaultValue = "test", description = "test or train.")
  String split;

  @Option(names = "--out", required = true, paramLabel = "FILE") Path out;

  @Option(names = "--batch-size", defaultValue = "500") int batchSize;

  @Mixin Dgm.Common common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (LoadedRun loaded = new LoadedRun(run, "best", common.device)) {
      DataSources.DataSplits source = DataSources.resolve(data, common.dataHome());
      Dataset raw = switch (split) {
        case "test" -> source.test();
        case "train" -> source.train();
        default -> throw new IllegalArgumentException("--split must be test or train, got "
            + split);
      };
      Validation.requireDimension(raw, loaded.model.dimension());
      Preprocessing prep = RunData.preprocessingOf(loaded.info.data());
      if (source.bytePixels() != prep.expectsBytePixels()) {
        throw new IllegalArgumentException(data + " holds " + (source.bytePixels()
            ? "8-bit pixels" : "real values") + " but the run was trained on "
            + (prep.expectsBytePixels() ? "8-bit pixels" : "real values"));
      }
      Dataset prepared = prep.fixed(raw, prep.testSeed(), loaded.info.model().family());
      if (!(loaded.model instanceof DensityModel)) {
        return scoreByEnergy(loaded, prepared, source.name());
      }
      double[] logProbs = new LikelihoodEvaluator(batchSize).logProbs(
          loaded.require(DensityModel.class, "score", "exact log-likelihood"), prepared);
      StringBuilder csv = new StringBuilder("index,label,log_prob_nats,bits_per_dim\n");
      double ln2d = Math.log(2) * prepared.dimension();
      for (int i = 0; i < logProbs.length; i++) {
        csv.append(i).append(',').append(prepared.hasLabels() ? prepared.labels()[i] : "")
            .append(',').append(logProbs[i]).append(',').append(-logProbs[i] / ln2d)
            .append('\n');
      }
      AtomicFiles.writeString(out, csv.toString());
      LikelihoodEvaluator.Report r = LikelihoodEvaluator.summarize(logProbs,
          prepared.dimension());
      spec.commandLine().getOut().printf("scored %,d examples of %s (%s): mean NLL %.2f nats,"
          + " %.4f bits/dim -> %s%n", r.examples(), source.name(), split, r.nllNats(),
          r.bitsPerDim(), out);
      return 0;
    }
  }

  /**
   * An energy model: f(x) = −E(x), an unnormalized log-density (log p(x) + log Z with Z
   * unknown), enough to rank examples; plus log p(x) where the model knows log Z.
   */
  private int scoreByEnergy(LoadedRun loaded, Dataset prepared, String sourceName) {
    if (!(loaded.model instanceof EnergyModel energy)) {
      throw new CommandLine.ParameterException(spec.commandLine(), loaded.info.model().family()
          + " has neither a log-likelihood nor an energy: it models only the score ∇x log p(x),"
          + " which cannot rank examples; `dgm score` needs a model with one (e.g. ebm, maf)");
    }
    var logZ = energy.logZ();
    int d = prepared.dimension();
    StringBuilder csv = new StringBuilder("index,label,unnormalized_log_density"
        + (logZ.isPresent() ? ",log_prob_nats" : "") + "\n");
    double sum = 0;
    for (int start = 0; start < prepared.size(); start += batchSize) {
      int n = Math.min(batchSize, prepared.size() - start);
      try (NDScope scope = new NDScope(); NDManager m = loaded.model.manager().newSubManager()) {
        float[] f = energy.energy(m.create(java.util.Arrays.copyOfRange(prepared.values(),
            start * d, (start + n) * d), new Shape(n, d))).neg().toFloatArray();
        for (int i = 0; i < n; i++) {
          int index = start + i;
          csv.append(index).append(',')
              .append(prepared.hasLabels() ? prepared.labels()[index] : "").append(',')
              .append(f[i]);
          if (logZ.isPresent()) {
            csv.append(',').append(f[i] - logZ.get().value());
          }
          csv.append('\n');
          sum += f[i];
        }
      }
    }
    AtomicFiles.writeString(out, csv.toString());
    spec.commandLine().getOut().printf("scored %,d examples of %s (%s): mean f(x) = -E(x) %.4f"
        + " (unnormalized log-density: log p(x) + log Z, Z unknown; higher is more typical)%s"
        + " -> %s%n", prepared.size(), sourceName, split, sum / prepared.size(),
        logZ.map(z -> String.format("; log Z = %.4f by %s gives log_prob_nats", z.value(),
            z.method())).orElse(""), out);
    return 0;
  }
}
