package io.dgm4j.cli;

import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.data.Validation;
import io.dgm4j.evaluation.LikelihoodEvaluator;
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
}
