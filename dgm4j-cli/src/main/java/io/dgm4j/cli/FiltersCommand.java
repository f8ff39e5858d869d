package io.dgm4j.cli;

import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.models.Filters;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The learned filters of a run (an RBM's hidden units' weights) as image tiles. */
@Command(name = "filters", description = {
    "Write the learned filters of a run (each hidden unit's weights on the pixels, e.g. an"
        + " RBM's) as a PNG grid of image-shaped tiles, each scaled from its own minimum"
        + " (black) to its maximum (white)."})
final class FiltersCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Mixin Options.Out out;

  @Mixin Options.Force force;

  @Option(names = {"-n", "--count"}, defaultValue = "100", paramLabel = "N",
      description = "Filters to show, the first N units (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--scale", defaultValue = "2", paramLabel = "N",
      description = "Pixels per weight (default: ${DEFAULT-VALUE}).")
  int scale;

  @Mixin Options.Checkpoint checkpoint;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (count < 1) {
      throw Options.usage(spec, "-n must be at least 1, got " + count);
    }
    if (!out.path.getFileName().toString().toLowerCase().endsWith(".png")) {
      throw Options.usage(spec, "--out must end in .png, got " + out.path);
    }
    try (LoadedRun loaded = new LoadedRun(run.folder, checkpoint.which, engine.device, spec)) {
      Path file = force.writable("--out", out.path, loaded.inputFiles());
      float[] w = loaded.require(Filters.class, "filters", "filters to show").filters()
          .toFloatArray();
      int d = loaded.model.dimension();
      int n = Math.min(count, w.length / d);
      float[] tiles = new float[n * d];
      for (int k = 0; k < n; k++) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < d; i++) {
          min = Math.min(min, w[k * d + i]);
          max = Math.max(max, w[k * d + i]);
        }
        float range = max > min ? max - min : 1f;
        for (int i = 0; i < d; i++) {
          tiles[k * d + i] = (w[k * d + i] - min) / range;
        }
      }
      int[] hw = loaded.imageShape();
      ImageGrid.write(file, tiles, n, hw[0], hw[1], scale);
      spec.commandLine().getOut().printf("%d filters of %s -> %s%n", n,
          loaded.info.model().family(), file);
      return 0;
    }
  }
}
