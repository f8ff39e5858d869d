package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.models.Conditional;
import io.dgm4j.models.Samplable;
import picocli.CommandLine;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Draws samples from a trained run into a PNG grid (images) or a CSV (tables). */
@Command(name = "sample", description = "Draw samples x ~ p(x) into a PNG grid (or .csv).")
final class SampleCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Option(names = {"-n", "--count"}, defaultValue = "64", paramLabel = "N",
      description = "Samples to draw, at least 1 (default: ${DEFAULT-VALUE}).")
  int count;

  @Mixin Options.Out out;

  @Mixin Options.Force force;

  @Mixin Options.Seed seed;

  @Option(names = "--scale", defaultValue = "3", paramLabel = "N",
      description = "Screen pixels per image pixel in a PNG, at least 1 (default:"
          + " ${DEFAULT-VALUE}).")
  int scale;

  @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "WHICH",
      description = "best or last (default: ${DEFAULT-VALUE}).")
  String which;

  @Option(names = "--sampler", paramLabel = "NAME",
      description = "Which sampler, among those the model offers (default: the model's first;"
          + " e.g. ancestral, fast, naive, gibbs, langevin).")
  String sampler;

  @Option(names = "--steps", defaultValue = "0", paramLabel = "N",
      description = "Steps of a chain sampler (0: the model's default).")
  int steps;

  @Option(names = "--label", paramLabel = "Y",
      description = "Draw from p(x | y = Y) (models trained with labels only).")
  Integer label;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (count < 1) {
      throw Options.usage(spec, "-n must be at least 1, got " + count);
    }
    if (scale < 1) {
      throw Options.usage(spec, "--scale must be at least 1, got " + scale);
    }
    String name = out.path.getFileName().toString().toLowerCase();
    if (!name.endsWith(".png") && !name.endsWith(".csv")) {
      throw Options.usage(spec, "--out must end in .png or .csv, got " + out.path);
    }
    try (LoadedRun loaded = new LoadedRun(run.folder, which, engine.device, spec);
        NDManager m = loaded.model.manager().newSubManager()) {
      Path file = force.writable("--out", out.path, loaded.inputFiles());
      Samplable.SamplingOptions options = new Samplable.SamplingOptions(sampler, steps);
      Engines.seed(seed.seed);
      long start = System.nanoTime();
      Samplable.Samples drawn;
      if (label != null) {
        if (!(loaded.model instanceof Conditional conditional)) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--label: "
              + loaded.info.model().family() + " was trained without labels; drop --label");
        }
        if (label < 0 || label >= conditional.classes()) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--label must be in 0.."
              + (conditional.classes() - 1) + ", got " + label);
        }
        int[] labels = new int[count];
        java.util.Arrays.fill(labels, label);
        drawn = new Samplable.Samples(conditional.sampleGiven(m, m.create(labels)),
            java.util.Map.of());
      } else {
        drawn = loaded.require(Samplable.class, "sample", "way to draw samples")
            .sample(m, count, options);
      }
      float[] samples = drawn.values().toFloatArray();
      double seconds = (System.nanoTime() - start) / 1e9;
      Outputs.writeRows(file, samples, count, loaded.imageShape(), scale);
      var console = spec.commandLine().getOut();
      console.printf("%d samples from %s in %.2f s -> %s%n", count,
          loaded.info.model().family(), seconds, file);
      drawn.statistics().forEach((k, v) -> console.printf("  %s %.4g%n", k, v));
      return 0;
    }
  }
}
