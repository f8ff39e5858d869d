package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Binarization;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.Throughput;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Support;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Measures training and sampling speed of each model next to a plain matmul, in one run. */
@Command(name = "bench", description = {
    "Training examples/s, achieved GFLOP/s and time to draw samples for each model (default"
        + " settings, batch 100, real data), next to a 2048x2048 matmul and a 3x3"
        + " convolution (64 maps of 28x28, the batch size) in the same process; models with"
        + " several samplers are timed with each."})
final class BenchCommand implements Callable<Integer> {
  @Mixin Options.Data data;

  @Mixin Options.DataDir dataDir;

  @Option(names = "--models", split = ",", paramLabel = "NAME,...",
      defaultValue = "bernoulli,mixture,fvsbn,nade,rnade,made",
      description = "Density models to measure, comma-separated, or none (default:"
          + " ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--steps", defaultValue = "50", paramLabel = "N",
      description = "Timed training steps, at least 1 (default: ${DEFAULT-VALUE}).")
  int steps;

  @Mixin Options.BatchSize batch;

  @Option(names = "--samples", defaultValue = "100", paramLabel = "N",
      description = "Samples drawn per model, at least 1 (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--set", paramLabel = "MODEL.KEY=VALUE",
      description = "Override a setting of one model, e.g. --set made.hidden=[8000].")
  java.util.Map<String, String> settings;

  @Option(names = "--json", paramLabel = "FILE",
      description = "Also write the results here (refused if it exists, unless --force).")
  Path json;

  @Option(names = "--mcmc", description = "Also time the samplers on an RBM of --mcmc-hidden"
      + " units: block Gibbs sweeps/s, Langevin and MALA steps/s (score by autograd) for"
      + " --batch-size chains, and PCD-1 training examples/s over one epoch of the training set.")
  boolean mcmc;

  @Option(names = "--mcmc-hidden", defaultValue = "500",
      description = "Hidden units of the RBM timed by --mcmc (default: ${DEFAULT-VALUE}).")
  int mcmcHidden;

  @Mixin Options.Force force;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    if (steps < 1) {
      throw Options.usage(spec, "--steps must be at least 1, got " + steps);
    }
    if (samples < 1) {
      throw Options.usage(spec, "--samples must be at least 1, got " + samples);
    }
    if (models.size() == 1 && models.get(0).equals("none")) {
      models = List.of();
    }
    for (String name : models) {
      try {
        ModelRegistry.family(name);
      } catch (IllegalArgumentException e) {
        throw Options.usage(spec, "--models: " + e.getMessage());
      }
    }
    Path jsonFile = json == null ? null : force.writable("--json", json, List.of());
    String dataSpec = data.spec != null ? data.spec : "mnist";
    DataSources.DataSplits source = DataSources.resolve(dataSpec, dataDir.home());
    Dataset binary = Binarization.fixed(source.train().slice(0, 10_000),
        source.binarizationScale(), 1);
    try (NDManager root = Engines.newManager(Engines.device(engine.device))) {
      double matmul = Throughput.matmulGflops(root, 2048, 5);
      ObjectNode report = ModelRegistry.json().createObjectNode();
      report.put("date", java.time.LocalDate.now().toString());
      report.put("cores", Runtime.getRuntime().availableProcessors());
      report.put("matmul_2048_gflops", matmul);
      ArrayNode rows = report.putArray("models");
      out.printf("plain 2048x2048 float32 matmul: %.0f GFLOP/s%n", matmul);
      double conv = Throughput.convolutionGflops(root, batch.size, 64, 28, 3);
      report.put("conv3x3_64ch_28x28_gflops", conv);
      out.printf("plain 3x3 convolution, %d x 64 maps of 28x28 -> 64: %.0f GFLOP/s%n", batch.size,
          conv);
      out.printf("%-10s %12s %12s %10s %14s%n", "model", "params", "train ex/s", "GFLOP/s",
          "sample " + samples + " (s)");
      out.flush();
      for (String name : models) {
        ObjectNode overrides = ModelRegistry.json().createObjectNode();
        if (settings != null) {
          settings.forEach((k, v) -> {
            if (k.startsWith(name + ".")) {
              overrides.set(k.substring(name.length() + 1), Settings.parseValue(v));
            }
          });
        }
        try (DensityModel model = (DensityModel) ModelRegistry.family(name).create(
            root.newSubManager(), binary.itemShape(), overrides, 1)) {
          Dataset train = model.support() == Support.BINARY ? binary
              : new Preprocessing("dequantize", 1f, 0, 0).fixed(source.train().slice(0, 10_000),
                  1, name);
          Throughput.StepTiming t = Throughput.trainingSteps(model, train, batch.size, 5, steps);
          double gflops = 3 * Throughput.forwardFlopsPerExample(model)
              * t.examplesPerSecond() / 1e9;
          double sampling = Throughput.samplingSeconds(model, samples);
          out.printf("%-10s %,12d %,12.0f %10.1f %14.3f%n", name, model.parameterCount(),
              t.examplesPerSecond(), gflops, sampling);
          out.flush();
          ObjectNode row = rows.addObject();
          row.put("model", name);
          row.set("config", ModelRegistry.json().valueToTree(model.config()));
          row.put("parameters", model.parameterCount());
          row.put("train_examples_per_second", t.examplesPerSecond());
          row.put("train_gflops", gflops);
          row.put("sample_seconds", sampling);
          row.put("samples", samples);
          for (String other : model.samplers().subList(1, model.samplers().size())) {
            double t2 = Throughput.samplingSeconds(model, samples, other);
            out.printf("%-10s %12s %12s %10s %14.3f  (--sampler %s; the line above: %s)%n", "",
                "", "", "", t2, other, model.samplers().get(0));
            out.flush();
            row.put("sample_seconds_" + other, t2);
          }
        }
      }
      if (mcmc) {
        report.set("mcmc", McmcBench.run(root, source, batch.size, mcmcHidden, steps, out));
      }
      if (jsonFile != null) {
        AtomicFiles.writeString(jsonFile, report.toPrettyString() + "\n");
      }
    }
    return 0;
  }
}
