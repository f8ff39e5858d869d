package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Test-set negative log-likelihood of a trained run. */
@Command(name = "eval", description = {
    "Test NLL of a run: nats per example and bits per dimension, on the test set preprocessed"
        + " as the run records (binarized once with the protocol's fixed seed).",
    "For a real-valued model of 8-bit pixels (dequantized, e.g. rnade) it reports the density"
        + " of the dequantized pixels and the 8-bit figure, density + D ln 256: an estimate"
        + " (one draw of the dequantization noise) of an upper bound on the pixels' NLL; `dgm"
        + " score` writes the same 8-bit figure per example."})
final class EvalCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Option(names = "--json", description = "Print one JSON object.") boolean json;

  @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "WHICH",
      description = "best or last (default: ${DEFAULT-VALUE}).")
  String which;

  @Mixin Options.BatchSize batch;

  @Mixin Options.DataDir dataDir;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (LoadedRun loaded = new LoadedRun(run.folder, which, engine.device, spec)) {
      Preprocessing prep = RunData.preprocessingOf(loaded.info.data());
      String dataName = loaded.info.data().get("name").asText();
      DensityModel model = loaded.require(DensityModel.class, "eval", "exact log-likelihood");
      Dataset test = RunData.testSetOf(loaded.info.data(), dataDir.home(),
          loaded.directory.runFile(), spec.commandLine().getErr());
      long start = System.nanoTime();
      LikelihoodEvaluator.Report r = new LikelihoodEvaluator(batch.size).evaluate(model, test);
      double seconds = (System.nanoTime() - start) / 1e9;
      boolean dequantized = prep.pixelOffsetNats(test.dimension()) != 0;
      double pixelNll = r.nllNats() + prep.pixelOffsetNats(test.dimension());
      double pixelBits = pixelNll / (test.dimension() * Math.log(2));
      var out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = ModelRegistry.json().createObjectNode();
        o.put("run", run.folder.toString());
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
          o.put("test_nll_meaning", "density of dequantized pixels (pixel + u) / 256 on"
              + " [0,1]^D");
          o.put("pixel_nll_bound_estimate_nats", pixelNll);
          o.put("pixel_nll_bound_estimate_standard_error_nats", r.standardError());
          o.put("pixel_bits_per_dim", pixelBits);
        }
        o.put("parameters", loaded.model.parameterCount());
        o.put("seconds", seconds);
        out.println(ModelRegistry.json().writeValueAsString(o));
      } else {
        out.printf("%s (%s, %s) on %s test set, %s seed %d:%n", run.folder,
            loaded.info.model().family(), loaded.checkpoint.getFileName(), dataName,
            prep.kind(), prep.testSeed());
        if (dequantized) {
          out.printf("  density of dequantized pixels (pixel + u)/256 on [0,1]^D:%n");
          out.printf("    NLL        %.2f ± %.2f nats per example, %.4f bits/dim%n",
              r.nllNats(), r.standardError(), r.bitsPerDim());
          out.printf("  8-bit pixels (what `dgm score` writes): NLL <= %.2f ± %.2f nats, %.4f"
              + " bits/dim%n", pixelNll, r.standardError(), pixelBits);
          out.printf("    an unbiased estimate, from one draw of u per pixel, of an upper bound"
              + " (density + D ln 256); ± its standard error%n");
        } else {
          out.printf("  test NLL     %.2f ± %.2f nats per example%n", r.nllNats(),
              r.standardError());
          out.printf("  bits/dim     %.4f%n", r.bitsPerDim());
        }
        out.printf("  examples     %,d (%.1f s)%n", r.examples(), seconds);
      }
      return 0;
    }
  }
}
