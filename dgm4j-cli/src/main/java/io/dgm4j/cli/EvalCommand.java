package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Test-set negative log-likelihood of a trained run. */
@Command(name = "eval", description = {
    "Test NLL of a run: nats per example and bits per dimension, on the test set preprocessed"
        + " as the run records (binarized once with the protocol's fixed seed)."})
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR") Path run;

  @Option(names = "--json", description = "Print one JSON object.") boolean json;

  @Option(names = "--checkpoint", defaultValue = "best", description = "best or last.")
  String which;

  @Option(names = "--batch-size", defaultValue = "500") int batchSize;

  @Mixin Dgm.Common common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (LoadedRun loaded = new LoadedRun(run, which, common.device)) {
      Preprocessing prep = RunData.preprocessingOf(loaded.info.data());
      String dataName = loaded.info.data().get("name").asText();
      Dataset test = RunData.testSetOf(loaded.info.data(), common.dataHome());
      long start = System.nanoTime();
      LikelihoodEvaluator.Report r = new LikelihoodEvaluator(batchSize)
          .evaluate(loaded.require(DensityModel.class, "eval", "exact log-likelihood"), test);
      double seconds = (System.nanoTime() - start) / 1e9;
      // a density of y = (pixel + u) / 256 on [0,1]^D bounds the 8-bit pixels' discrete NLL:
      // -log P(pixels) <= -log p(y) + D ln 256 (Theis et al., 2016)
      boolean dequantized = prep.kind().equals("dequantize");
      double discreteNll = r.nllNats() + (dequantized ? test.dimension() * Math.log(256) : 0);
      var out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = ModelRegistry.json().createObjectNode();
        o.put("run", run.toString());
        o.put("model", loaded.info.model().family());
        o.put("checkpoint", loaded.checkpoint.getFileName().toString());
        o.put("data", dataName);
        o.put("preprocessing", prep.kind());
        o.put("test_seed", prep.testSeed());
        o.put("examples", r.examples());
        o.put("test_nll_nats", r.nllNats());
        o.put("standard_error_nats", r.standardError());
        o.put("bits_per_dim", r.bitsPerDim());
        if (dequantized) {
          o.put("pixel_nll_bound_nats", discreteNll);
          o.put("pixel_bits_per_dim", discreteNll / (test.dimension() * Math.log(2)));
        }
        o.put("parameters", loaded.model.parameterCount());
        o.put("seconds", seconds);
        out.println(ModelRegistry.json().writeValueAsString(o));
      } else {
        out.printf("%s (%s, %s) on %s test set, %s seed %d:%n", run,
            loaded.info.model().family(), loaded.checkpoint.getFileName(), dataName,
            prep.kind(), prep.testSeed());
        out.printf("  test NLL     %.2f ± %.2f nats per example%n", r.nllNats(),
            r.standardError());
        out.printf("  bits/dim     %.4f%n", r.bitsPerDim());
        if (dequantized) {
          out.printf("  8-bit pixels %.2f nats, %.4f bits/dim (upper bound from the density of"
              + " dequantized pixels)%n", discreteNll, discreteNll / (test.dimension()
              * Math.log(2)));
        }
        out.printf("  examples     %,d (%.1f s)%n", r.examples(), seconds);
      }
      return 0;
    }
  }
}
