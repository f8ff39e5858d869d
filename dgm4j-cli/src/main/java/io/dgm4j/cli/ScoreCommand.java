package io.dgm4j.cli;

import io.dgm4j.data.Dataset;
import io.dgm4j.evaluation.LatentEvaluator;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.models.LatentVariableModel;
import io.dgm4j.models.DensityModel;
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
    "The data is preprocessed as the run's own test set (e.g. binarized with the fixed seed)."})
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR") Path run;

  @Option(names = "--data", required = true, paramLabel = "SPEC",
      description = "mnist, fashion-mnist, a folder of IDX files, or a .csv file.")
  String data;

  @Option(names = "--split", defaultValue = "test", description = "test or train.")
  String split;

  @Option(names = "--out", required = true, paramLabel = "FILE") Path out;

  @Option(names = "--batch-size", defaultValue = "500") int batchSize;

  @Option(names = "--importance-samples", defaultValue = "1000", paramLabel = "K",
      description = "Latent-variable models: importance samples per example of the IWAE"
          + " estimate of log p(x) (default: ${DEFAULT-VALUE}).")
  int importanceSamples;

  @Mixin Dgm.Common common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (LoadedRun loaded = new LoadedRun(run, "best", common.device)) {
      Dataset prepared = loaded.preparedSplit(data, split, common.dataHome());
      boolean estimated = loaded.model instanceof LatentVariableModel;
      double[] logProbs = estimated
          ? new LatentEvaluator(importanceSamples, 5000).logProbEstimates(
              (LatentVariableModel) loaded.model, prepared)
          : new LikelihoodEvaluator(batchSize).logProbs(
              loaded.require(DensityModel.class, "score", "exact log-likelihood"), prepared);
      StringBuilder csv = new StringBuilder("index,label,log_prob_nats,bits_per_dim"
          + (estimated ? ",importance_samples" : "") + "\n");
      double ln2d = Math.log(2) * prepared.dimension();
      for (int i = 0; i < logProbs.length; i++) {
        csv.append(i).append(',').append(prepared.hasLabels() ? prepared.labels()[i] : "")
            .append(',').append(logProbs[i]).append(',').append(-logProbs[i] / ln2d)
            .append(estimated ? "," + importanceSamples : "").append('\n');
      }
      AtomicFiles.writeString(out, csv.toString());
      LikelihoodEvaluator.Report r = LikelihoodEvaluator.summarize(logProbs,
          prepared.dimension());
      spec.commandLine().getOut().printf("scored %,d examples of %s (%s): mean NLL %.2f nats,"
          + " %.4f bits/dim -> %s%n", r.examples(), prepared.name(), split, r.nllNats(),
          r.bitsPerDim(), out);
      if (estimated) {
        spec.commandLine().getOut().printf("  log p(x) is the importance-weighted (IWAE) estimate"
            + " with k = %d samples: %s has no exact likelihood%n", importanceSamples,
            loaded.info.model().family());
      }
      return 0;
    }
  }
}
