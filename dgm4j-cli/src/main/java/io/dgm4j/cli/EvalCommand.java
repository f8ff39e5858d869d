package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.LatentEvaluator;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.evaluation.SampleDiscrepancy;
import io.dgm4j.models.LatentVariableModel;
import io.dgm4j.models.latent.Autoencoder;
import io.dgm4j.evaluation.ExampleScores;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.gan.Gan;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Test-set negative log-likelihood of a trained run. */
@Command(name = "eval", description = {
    "Test NLL of a run: nats per example and bits per dimension (exact, or an estimate that"
        + " says so where the model has no exact likelihood, below), on the test set"
        + " preprocessed as the run records (binarized once with the protocol's fixed seed).",
    "Latent-variable models (vae, iwae, cvae): the IWAE estimate with --importance-samples"
        + " samples, the -ELBO with its KL and reconstruction terms, and the active latent"
        + " units; an autoencoder has no likelihood: its reconstruction error.",
    "For a real-valued model of 8-bit pixels (dequantized, e.g. rnade) it reports the density"
        + " of the dequantized pixels and the 8-bit figure, density + D ln 256: an estimate"
        + " (one draw of the dequantization noise) of an upper bound on the pixels' NLL; `dgm"
        + " score` writes the same 8-bit figure per example.",
    "Energy models (rbm): NLL = E(x) + log Z, log Z exact when small enough, otherwise by"
        + " annealed importance sampling from a base-rate model of the test set's pixel"
        + " marginals, cached in the run folder (ais/) for `dgm score`.",
    "A GAN has no likelihood: eval reports the squared MMD between its samples and the test"
        + " set, in batches of --batch-size test examples drawn in an order fixed by --seed."})
final class EvalCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Mixin Options.Json output;

  @Mixin Options.Seed seed;

  @Mixin Options.Checkpoint checkpoint;

  @Mixin Options.BatchSize batch;

  @Option(names = "--importance-samples", defaultValue = "1000", paramLabel = "K",
      description = "Latent-variable models: importance samples per example of the IWAE"
          + " estimate of log p(x) (default: ${DEFAULT-VALUE}; papers report 5000).")
  int importanceSamples;

  @Mixin Options.TestLimit limit;

  @Option(names = "--rows-per-pass", defaultValue = "5000", paramLabel = "R",
      description = "Latent-variable models: (example, sample) pairs per network pass; lower"
          + " it if memory is short (default: ${DEFAULT-VALUE}).")
  int rowsPerPass;

  @Option(names = "--ais-runs", defaultValue = "100", paramLabel = "M",
      description = "Energy models whose log Z is not exact: annealed importance sampling runs"
          + " (default: ${DEFAULT-VALUE}, as Salakhutdinov and Murray).")
  int aisRuns;

  @Option(names = "--ais-betas", defaultValue = "14500", paramLabel = "K",
      description = "AIS intermediate distributions β (default: ${DEFAULT-VALUE}, as"
          + " Salakhutdinov and Murray: 500 in [0, 0.5), 4,000 in [0.5, 0.9), 10,000 in"
          + " [0.9, 1], scaled to K).")
  int aisBetas;

  @Option(names = "--ais-seed", defaultValue = "1", paramLabel = "S",
      description = "Seed of the AIS runs (default: ${DEFAULT-VALUE}).")
  long aisSeed;

  @Mixin Options.DataDir dataDir;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (LoadedRun loaded = new LoadedRun(run.folder, checkpoint.which, engine.device, spec)) {
      Engines.seed(seed.seed); // importance samples: the same command gives the same figures
      Preprocessing prep = RunData.preprocessingOf(loaded.info.data());
      String dataName = loaded.info.data().get("name").asText();
      if (QuadratureReport.applies(loaded.model, loaded.model.dimension())) {
        return quadrature(loaded, dataName);
      }
      // a GAN samples in one pass, so comparing its samples with the test set is cheap; an
      // NCSN, which also has no likelihood, samples by long Langevin chains and is refused
      boolean samplesOnly = loaded.model instanceof Gan;
      if (!samplesOnly && !(loaded.model instanceof EnergyModel)
          && !(loaded.model instanceof LatentVariableModel)
          && !(loaded.model instanceof Autoencoder)) {
        loaded.require(DensityModel.class, "eval", "exact log-likelihood, an estimate or energy");
      }
      Dataset test = RunData.testSetOf(loaded.info.data(), dataDir.home(),
          loaded.directory.runFile(), spec.commandLine().getErr());
      if (limit.n > 0 && limit.n < test.size()) {
        test = test.slice(0, limit.n);
      }
      if (loaded.model instanceof LatentVariableModel latent) {
        return evaluateLatent(loaded, latent, test, prep, dataName);
      }
      if (loaded.model instanceof Autoencoder autoencoder) {
        return evaluateReconstruction(autoencoder, test, dataName);
      }
      if (samplesOnly) {
        return evaluateBySamples(loaded, test, prep, dataName);
      }
      long start = System.nanoTime();
      LogPartitions.Resolved z = null;
      if (loaded.model instanceof EnergyModel energy) {
        if (aisRuns < 2 || aisBetas < 3) {
          throw Options.usage(spec, "--ais-runs must be at least 2 and --ais-betas at least 3;"
              + " got " + aisRuns + " and " + aisBetas);
        }
        // attaches the estimate to the model, so its log-likelihood below is -E(x) - log Z
        z = LogPartitions.resolveOrEstimate(loaded, energy, test, aisRuns, aisBetas, aisSeed);
      }
      LikelihoodEvaluator.Report r = LikelihoodEvaluator.summarize(
          scores(loaded, test), test.dimension());
      double seconds = (System.nanoTime() - start) / 1e9;
      boolean dequantized = prep.pixelOffsetNats(test.dimension()) != 0;
      double pixelNll = r.nllNats() + prep.pixelOffsetNats(test.dimension());
      double pixelBits = pixelNll / (test.dimension() * Math.log(2));
      var out = spec.commandLine().getOut();
      if (output.json) {
        ObjectNode o = header(loaded, dataName, prep);
        o.put("examples", r.examples());
        o.put("test_nll_nats", r.nllNats());
        o.put("standard_error_nats", r.standardError());
        o.put("bits_per_dim", r.bitsPerDim());
        if (z != null) {
          o.put("log_z", z.logZ().value());
          o.put("log_z_stderr", z.logZ().standardError());
          o.put("log_z_method", z.logZ().method());
          o.put("ais_runs", z.runs());
          o.put("ais_betas", z.betas());
          if (z.cachedIn() != null) {
            o.put("ais_cache", z.cachedIn().toString());
            o.put("ais_seconds", z.seconds());
          }
        }
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
        if (z != null) {
          out.printf("  log Z        %.3f ± %.3f (%s%s)%n", z.logZ().value(),
              z.logZ().standardError(), z.logZ().method(), z.runs() == 0 ? ""
                  : String.format(", %d runs, %d β, ± the spread over runs; AIS is biased low,"
                      + " so the NLL is if anything optimistic; cached in %s", z.runs(),
                      z.betas(), z.cachedIn()));
          out.printf("  NLL = E(x) + log Z: its ± is over examples; an error in log Z shifts"
              + " every example alike%n");
        }
        out.printf("  examples     %,d (%.1f s)%n", r.examples(), seconds);
      }
      return 0;
    }
  }

  /**
   * log p(x) (or the model's per-example score) of every test example, in slices of whole
   * batches so that a progress bar can follow; the batches, and so the figures, are those of
   * one pass over the whole set.
   */
  private double[] scores(LoadedRun loaded, Dataset test) {
    int slice = Math.max(1, (test.size() / 100 + batch.size - 1) / batch.size) * batch.size;
    double[] all = new double[test.size()];
    try (TerminalBar bar = new TerminalBar("scoring " + loaded.info.model().family())) {
      for (int from = 0; from < test.size(); from += slice) {
        int to = Math.min(test.size(), from + slice);
        double[] part = ExampleScores.of(loaded.model, test.slice(from, to), batch.size)
            .values();
        System.arraycopy(part, 0, all, from, part.length);
        bar.advanced(to, test.size());
      }
    }
    return all;
  }

  /** A latent-variable model has no exact likelihood: the IWAE-k estimate, stated as such. */
  private int evaluateLatent(LoadedRun loaded, LatentVariableModel latent, Dataset test,
      Preprocessing prep, String dataName) throws Exception {
    long start = System.nanoTime();
    LatentEvaluator.Report r;
    try (TerminalBar bar = new TerminalBar("scoring " + loaded.info.model().family()
        + " (IWAE-" + importanceSamples + ")")) {
      r = new LatentEvaluator(importanceSamples, rowsPerPass)
          .evaluate(latent, test, done -> bar.advanced(done, test.size()));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    var out = spec.commandLine().getOut();
    String family = loaded.info.model().family();
    if (output.json) {
      ObjectNode o = header(loaded, dataName, prep);
      o.put("examples", r.examples());
      o.put("test_nll_nats", r.nllNats());
      o.put("nll_method", "iwae");
      o.put("importance_samples", r.importanceSamples());
      o.put("standard_error_nats", r.standardError());
      o.put("bits_per_dim", r.bitsPerDim());
      o.put("test_neg_elbo_nats", r.negElboNats());
      o.put("kl_nats", r.klNats());
      o.put("reconstruction_nats", r.reconstructionNats());
      o.put("active_units", r.activeUnits());
      o.put("latent_dimension", r.latentDimension());
      o.put("parameters", loaded.model.parameterCount());
      o.put("seconds", seconds);
      out.println(ModelRegistry.json().writeValueAsString(o));
    } else {
      out.printf("%s (%s, %s) on %s test set, %s seed %d:%n", run.folder, family,
          loaded.checkpoint.getFileName(), dataName, prep.kind(), prep.testSeed());
      out.printf("  test NLL     %.2f ± %.2f nats per example: the importance-weighted (IWAE)"
          + " estimate with k = %d samples; %s has no exact likelihood%n", r.nllNats(),
          r.standardError(), r.importanceSamples(), family);
      out.printf("  bits/dim     %.4f%s%n", r.bitsPerDim(), prep.kind().equals("bytes")
          ? " (8-bit pixels, 256 levels each: the units of the pixel models' 8-bit figures)"
          : "");
      out.printf("  -ELBO        %.2f nats (an upper bound on the NLL) = reconstruction %.2f +"
          + " KL %.2f%n", r.negElboNats(), r.reconstructionNats(), r.klNats());
      out.printf("  active units %d of %d latent dimensions (posterior-mean variance > %.2g)%n",
          r.activeUnits(), r.latentDimension(), LatentEvaluator.ACTIVE_UNIT_THRESHOLD);
      out.printf("  examples     %,d (%.1f s)%n", r.examples(), seconds);
    }
    return 0;
  }

  /** An autoencoder has no likelihood: its reconstruction error, said plainly. */
  private int evaluateReconstruction(Autoencoder autoencoder, Dataset test, String dataName)
      throws Exception {
    LikelihoodEvaluator.Report r = LatentEvaluator.reconstructionError(autoencoder, test);
    var out = spec.commandLine().getOut();
    if (output.json) {
      ObjectNode o = ModelRegistry.json().createObjectNode();
      o.put("run", run.folder.toString());
      o.put("model", autoencoder.family());
      o.put("data", dataName);
      o.put("examples", r.examples());
      o.put("has_likelihood", false);
      o.put("reconstruction_nats", r.nllNats());
      o.put("standard_error_nats", r.standardError());
      o.put("latent_dimension", autoencoder.latentDimension());
      o.put("active_units", LatentEvaluator.activeUnits(autoencoder, test));
      o.put("parameters", autoencoder.parameterCount());
      out.println(ModelRegistry.json().writeValueAsString(o));
    } else {
      out.printf("%s (autoencoder) on %s test set: no likelihood to report (an autoencoder has"
          + " no prior over codes); reconstruction error -log p(x | decode(encode(x))) %.2f ±"
          + " %.2f nats per example over %,d examples%n", run.folder, dataName, r.nllNats(),
          r.standardError(), r.examples());
    }
    return 0;
  }

  /** The JSON figures' first fields: which run, model, checkpoint, data and preprocessing. */
  private ObjectNode header(LoadedRun loaded, String dataName, Preprocessing prep) {
    ObjectNode o = ModelRegistry.json().createObjectNode();
    o.put("run", run.folder.toString());
    o.put("model", loaded.info.model().family());
    o.put("checkpoint", loaded.checkpoint.getFileName().toString());
    o.put("data", dataName);
    o.put("preprocessing", prep.kind());
    o.put("test_seed", prep.testSeed());
    return o;
  }

  /**
   * A model that only samples (a GAN) has no likelihood: the squared MMD between its samples and
   * the test set, batch by batch, said plainly.
   */
  private int evaluateBySamples(LoadedRun loaded, Dataset test, Preprocessing prep,
      String dataName) throws Exception {
    if (batch.size < 2) {
      throw Options.usage(spec, "--batch-size must be at least 2 for " + loaded.info.model()
          .family() + ": each batch of test examples is compared with as many samples");
    }
    long start = System.nanoTime();
    SampleDiscrepancy.Report r = SampleDiscrepancy.mmd(loaded.model, test, batch.size, seed.seed);
    double seconds = (System.nanoTime() - start) / 1e9;
    var out = spec.commandLine().getOut();
    String family = loaded.info.model().family();
    if (output.json) {
      ObjectNode o = header(loaded, dataName, prep);
      o.put("examples", r.examples());
      o.put("has_likelihood", false);
      o.put("test_mmd2", r.mmd2());
      o.put("standard_error", r.standardError());
      o.put("mmd_batches", r.batches());
      o.put("mmd_batch_size", r.batchSize());
      o.put("parameters", loaded.model.parameterCount());
      o.put("seconds", seconds);
      out.println(ModelRegistry.json().writeValueAsString(o));
    } else {
      out.printf("%s (%s, %s) on %s test set, %s:%n", run.folder, family,
          loaded.checkpoint.getFileName(), dataName, prep.kind());
      out.printf("  %s has no likelihood: eval reports the squared maximum mean discrepancy"
          + " between its samples and the test set (Gaussian kernel, median-distance"
          + " bandwidth; 0 when the two distributions match)%n", family);
      out.printf("  test MMD²    %.5f ± %.5f (the mean of %d unbiased estimates, each between"
          + " %d test examples and as many samples; --batch-size sets how many)%n", r.mmd2(),
          r.standardError(), r.batches(), r.batchSize());
      out.printf("  examples     %,d (%.1f s)%n", r.examples(), seconds);
    }
    return 0;
  }

  /** 2-D data: NLL by quadrature on a grid (energy models), baseline, KL, density.png. */
  private int quadrature(LoadedRun loaded, String dataName) throws Exception {
    long start = System.nanoTime();
    Path picture = run.folder.resolve("density.png");
    ObjectNode figures = QuadratureReport.evaluate(loaded.model, loaded.info.data(),
        dataDir.home(), picture);
    double seconds = (System.nanoTime() - start) / 1e9;
    var out = spec.commandLine().getOut();
    if (output.json) {
      ObjectNode o = ModelRegistry.json().createObjectNode();
      o.put("run", run.folder.toString());
      o.put("model", loaded.info.model().family());
      o.put("objective", loaded.info.objectiveOrDefault().name());
      o.put("checkpoint", loaded.checkpoint.getFileName().toString());
      o.put("data", dataName);
      o.setAll(figures);
      o.put("parameters", loaded.model.parameterCount());
      o.put("seconds", seconds);
      out.println(ModelRegistry.json().writeValueAsString(o));
    } else {
      out.printf("%s (%s by %s, %s) on %s test set:%n", run.folder, loaded.info.model().family(),
          loaded.info.objectiveOrDefault().name(), loaded.checkpoint.getFileName(), dataName);
      out.printf("  test NLL            %.4f nats (%s)%n", figures.get("test_nll_nats")
          .asDouble(), figures.get("nll_method").asText().equals("exact") ? "exact"
          : "log Z by quadrature on the grid");
      if (figures.has("log_z_learned")) {
        out.printf("  with learned log Z  %.4f nats (log Z %.4f by %s; grid: %.4f)%n",
            figures.get("test_nll_learned_log_z_nats").asDouble(),
            figures.get("log_z_learned").asDouble(), figures.get("log_z_learned_method")
                .asText(), figures.get("log_z_quadrature").asDouble());
      }
      out.printf("  Gaussian baseline   %.4f nats (full-covariance ML fit to the training"
          + " data)%n", figures.get("gaussian_baseline_nll_nats").asDouble());
      if (figures.has("kl_truth_to_model_nats")) {
        out.printf("  KL(truth || model)  %.4f nats (on the grid)%n",
            figures.get("kl_truth_to_model_nats").asDouble());
      }
      out.printf("  grid                %s%n", figures.get("grid").asText());
      out.printf("  picture             %s (%.1f s)%n", picture, seconds);
    }
    return 0;
  }}
