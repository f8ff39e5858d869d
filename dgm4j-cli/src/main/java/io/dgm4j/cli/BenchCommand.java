package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.CpuLoad;
import io.dgm4j.evaluation.Throughput;
import io.dgm4j.evaluation.WindowedRate;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.models.DataInitialized;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Samplable;
import io.dgm4j.objectives.Objective;
import io.dgm4j.objectives.ObjectiveSpec;
import io.dgm4j.objectives.Objectives;
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
        + " settings and objective, batch 100, real data), next to a 2048x2048 matmul and a 3x3"
        + " convolution (64 maps of 28x28, the batch size) in the same process; models with"
        + " several samplers are timed with each.",
    "Each rate is the median over --windows windows of at least --window-seconds each, with"
        + " the slowest and fastest window beside it; a window is marked disturbed when other"
        + " processes kept more than 0.2 cores busy meanwhile (read from /proc/stat).",
    "With --processes N the whole measurement runs in N fresh processes, one after another, and"
        + " each figure is then the median process with the slowest and fastest beside it."})
final class BenchCommand implements Callable<Integer> {
  @Mixin Options.Data data;

  @Mixin Options.DataDir dataDir;

  @Option(names = "--models", split = ",", paramLabel = "NAME,...",
      defaultValue = "bernoulli,mixture,fvsbn,nade,rnade,made",
      description = "Models to measure, comma-separated, or none (default:"
          + " ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--windows", defaultValue = "3", paramLabel = "N",
      description = "Timed windows per measurement, at least 1; the median is reported with the"
          + " spread (default: ${DEFAULT-VALUE}).")
  int windows;

  @Option(names = "--window-seconds", defaultValue = "10", paramLabel = "S",
      description = "Least length of each timed window in seconds, positive"
          + " (default: ${DEFAULT-VALUE}).")
  double windowSeconds;

  @Option(names = "--processes", defaultValue = "1", paramLabel = "N",
      description = "Repeat the whole measurement in N fresh processes, one after another, and"
          + " report the median process with the slowest and fastest: on some machines the same"
          + " build's rate differs more between processes than between one process's windows"
          + " (default: ${DEFAULT-VALUE}).")
  int processes;

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
      + " --batch-size chains, and PCD-1 training examples/s over a second epoch of the"
      + " training set (the first, while the JIT warms up, printed beside it).")
  boolean mcmc;

  @Option(names = "--mcmc-hidden", defaultValue = "500", paramLabel = "N",
      description = "Hidden units of the RBM timed by --mcmc (default: ${DEFAULT-VALUE}).")
  int mcmcHidden;

  @Option(names = "--mcmc-steps", defaultValue = "50", paramLabel = "N",
      description = "Sampler steps timed per sampler by --mcmc (default: ${DEFAULT-VALUE}).")
  int mcmcSteps;

  @Mixin Options.Force force;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    if (windows < 1) {
      throw Options.usage(spec, "--windows must be at least 1, got " + windows);
    }
    if (!(windowSeconds > 0)) {
      throw Options.usage(spec, "--window-seconds must be positive, got " + windowSeconds);
    }
    if (samples < 1) {
      throw Options.usage(spec, "--samples must be at least 1, got " + samples);
    }
    if (processes < 1) {
      throw Options.usage(spec, "--processes must be at least 1, got " + processes);
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
    if (processes > 1) { // the data resolved here first, so a bad --data fails once
      List<String> args = spec.commandLine().getParseResult().originalArgs();
      ObjectNode summary = BenchProcesses.run(BenchProcesses.childArguments(
          args.subList(args.indexOf("bench") + 1, args.size())), processes, out);
      if (jsonFile != null) {
        AtomicFiles.writeString(jsonFile, summary.toPrettyString() + "\n");
      }
      return 0;
    }
    Dataset images = source.train().slice(0, Math.min(10_000, source.train().size()));
    try (NDManager root = Engines.newManager(Engines.device(engine.device))) {
      WindowedRate matmul = Throughput.matmul(root, 2048, windows, windowSeconds).scaled(1e-9);
      ObjectNode report = ModelRegistry.json().createObjectNode();
      report.put("date", java.time.LocalDate.now().toString());
      report.put("cores", Runtime.getRuntime().availableProcessors());
      report.put("windows", windows);
      report.put("window_seconds", windowSeconds);
      report.put("disturbed_above_other_cores", CpuLoad.DISTURBED_CORES);
      putRate(report, "matmul_2048_gflops", matmul);
      ArrayNode rows = report.putArray("models");
      out.printf("plain 2048x2048 float32 matmul, GFLOP/s: %s%n", describe(matmul, "%.0f"));
      double conv = Throughput.convolutionGflops(root, batch.size, 64, 28, 3);
      report.put("conv3x3_64ch_28x28_gflops", conv);
      out.printf("plain 3x3 convolution, %d x 64 maps of 28x28 -> 64: %.0f GFLOP/s (best of 3)%n",
          batch.size, conv);
      out.printf("%-10s %12s  %-44s %-28s %14s%n", "model", "params",
          "train ex/s: median [min-max] disturbed", "GFLOP/s: median [min-max]",
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
        ModelRegistry.Family<?> family = ModelRegistry.family(name);
        try (GenerativeModel model = family.create(root.newSubManager(), images.itemShape(),
            overrides, 1)) {
          Dataset train = Preprocessing.choose(model.support(), source, 1).fixed(images, 1, name);
          ObjectiveSpec objectiveSpec =
              Objectives.entry(family.defaultObjective()).spec(ModelRegistry.json()
                  .createObjectNode());
          Objective objective = Objectives.create(objectiveSpec, model, 0);
          if (objective instanceof DataInitialized init) {
            init.initializeFrom(train, 1);
          }
          WindowedRate examples = Throughput.training(model, objective, train, batch.size, 5,
              windows, windowSeconds);
          WindowedRate gflops = examples.scaled(Throughput.trainingFlopsPerExample(model,
              objective.latentDrawsPerExample()) / 1e9);
          Samplable sampler = model instanceof Samplable s ? s : null;
          double sampling = sampler == null ? Double.NaN
              : Throughput.samplingSeconds(sampler, model.manager(), samples);
          out.printf("%-10s %,12d  %-44s %-28s %14s%n", name, model.parameterCount(),
              describe(examples, "%,.0f"), describe(gflops, "%.1f", false),
              sampler == null ? "no sampling" : String.format("%.3f", sampling));
          out.flush();
          ObjectNode row = rows.addObject();
          row.put("model", name);
          row.set("config", ModelRegistry.json().valueToTree(model.config()));
          row.put("objective", objectiveSpec.name());
          row.put("parameters", model.parameterCount());
          putRate(row, "train_examples_per_second", examples);
          Spread.of(gflops).put(row, "train_gflops"); // the same windows, scaled
          row.put("train_gflops_fraction_of_matmul", gflops.median() / matmul.median());
          if (sampler == null) {
            continue;
          }
          row.put("sample_seconds", sampling);
          row.put("samples", samples);
          for (String other : sampler.samplers().subList(1, sampler.samplers().size())) {
            double t2 = Throughput.samplingSeconds(sampler, model.manager(), samples, other);
            out.printf("%-10s %12s %12s %10s %14.3f  (--sampler %s; the line above: %s)%n", "",
                "", "", "", t2, other, sampler.samplers().get(0));
            out.flush();
            row.put("sample_seconds_" + other, t2);
          }
        }
      }
      if (mcmc) {
        report.set("mcmc", McmcBench.run(root, source, batch.size, mcmcHidden, mcmcSteps, out));
      }
      if (jsonFile != null) {
        AtomicFiles.writeString(jsonFile, report.toPrettyString() + "\n");
      }
    }
    return 0;
  }

  /** "median [min-max]", and how many windows other processes disturbed. */
  private static String describe(WindowedRate rate, String format) {
    return describe(rate, format, true);
  }

  private static String describe(WindowedRate rate, String format, boolean load) {
    if (Double.isNaN(rate.median())) {
      return "-";
    }
    String text = Spread.of(rate).describe(format);
    int disturbed = rate.disturbedWindows();
    if (!load) {
      return text;
    }
    return disturbed == 0 ? text : text + String.format(" %d/%d disturbed (others up to %.1f"
        + " cores)", disturbed, rate.windows().size(), rate.maxOtherCores());
  }

  /**
   * key: the median; key_min, key_max, key_relative_spread beside it; key_windows: every
   * window's rate, length and the other processes' load in cores.
   */
  private static void putRate(ObjectNode node, String key, WindowedRate rate) {
    Spread.of(rate).put(node, key);
    node.put(key + "_disturbed_windows", rate.disturbedWindows());
    ArrayNode list = node.putArray(key + "_windows");
    for (WindowedRate.Window w : rate.windows()) {
      ObjectNode o = list.addObject();
      o.put("rate", w.rate());
      o.put("seconds", w.seconds());
      o.put("other_processes_cores", w.otherCores());
      o.put("disturbed", w.disturbed());
    }
  }
}
