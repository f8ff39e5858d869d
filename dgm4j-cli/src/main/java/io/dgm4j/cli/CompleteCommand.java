package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.models.Completer;
import io.dgm4j.sampling.GibbsCompletion;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Conditional completion: given part of each test image, draw the rest from the model. */
@Command(name = "complete", description = {
    "Show the top (or left) half of test images and let the model draw the rest from"
        + " p(missing | observed).",
    "Exact when the observed pixels come first in the model's ordering (top-half with a raster"
        + " ordering); otherwise the chain-rule draw is followed by --sweeps Gibbs sweeps on"
        + " log p(x), an MCMC that converges to p(missing | observed) (binary models; a"
        + " real-valued model refuses); energy models (ebm) run Langevin with the observed"
        + " pixels clamped. The command prints which was used.",
    "The PNG has one row per image: the original, the observed part, then the completions."})
final class CompleteCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Option(names = {"-n", "--count"}, defaultValue = "8", paramLabel = "N",
      description = "Test images to complete, at least 1 (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--samples", defaultValue = "6", paramLabel = "N",
      description = "Completions per image, at least 1 (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--observe", defaultValue = "top-half", paramLabel = "PART",
      description = "top-half or left-half (default: ${DEFAULT-VALUE}).")
  String observe;

  @Option(names = "--sweeps", defaultValue = "" + GibbsCompletion.DEFAULT_SWEEPS,
      paramLabel = "N",
      description = "Gibbs sweeps on log p(x) after the chain-rule draw, used only when the"
          + " observed pixels do not come first in the model's ordering (then the draw alone"
          + " is not p(missing | observed)); default: ${DEFAULT-VALUE}.")
  int sweeps;

  @Mixin Options.Out out;

  @Mixin Options.Force force;

  @Mixin Options.Seed seed;

  @Mixin Options.DataDir dataDir;

  @Mixin Options.Checkpoint checkpoint;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (count < 1) {
      throw Options.usage(spec, "-n must be at least 1, got " + count);
    }
    if (samples < 1) {
      throw Options.usage(spec, "--samples must be at least 1, got " + samples);
    }
    if (sweeps < 0) {
      throw Options.usage(spec, "--sweeps must be 0 or more, got " + sweeps);
    }
    if (!observe.equals("top-half") && !observe.equals("left-half")) {
      throw Options.usage(spec, "--observe must be top-half or left-half, got " + observe);
    }
    if (!out.path.getFileName().toString().toLowerCase().endsWith(".png")) {
      throw Options.usage(spec, "--out must end in .png (complete writes an image grid), got "
          + out.path);
    }
    try (LoadedRun loaded = new LoadedRun(run.folder, checkpoint.which, engine.device, spec)) {
      Path file = force.writable("--out", out.path, loaded.inputFiles());
      Completer completer = loaded.require(Completer.class, "complete",
          "way to draw missing values given observed ones");
      int[] hw = loaded.imageShape();
      int d = hw[0] * hw[1] * hw[2];
      float[] mask = new float[d];
      for (int i = 0; i < d; i++) {
        int pixel = i / hw[2]; // all channels of a pixel are observed together
        boolean given = observe.equals("top-half") ? pixel / hw[1] < hw[0] / 2
            : pixel % hw[1] < hw[1] / 2;
        mask[i] = given ? 1 : 0;
      }
      Dataset test = RunData.testSetOf(loaded.info.data(), dataDir.home(),
          loaded.directory.runFile(), spec.commandLine().getErr());
      int n = Math.min(count, test.size());
      int perRow = samples + 2;
      float[] grid = new float[n * perRow * d];
      Engines.seed(seed.seed);
      String method;
      try (NDManager m = loaded.model.manager().newSubManager()) {
        method = completer.completionMethod(m.create(mask), sweeps);
        // every image's copies in one batch: a Gibbs sweep costs the same for 1 row or 100
        float[] repeated = new float[n * samples * d];
        for (int i = 0; i < n; i++) {
          float[] x = new float[d];
          test.row(i, x, 0);
          System.arraycopy(x, 0, grid, (i * perRow) * d, d);
          for (int j = 0; j < d; j++) {
            grid[(i * perRow + 1) * d + j] = mask[j] == 1 ? x[j] : 0.5f * loaded.maxValue();
          }
          for (int s = 0; s < samples; s++) {
            System.arraycopy(x, 0, repeated, (i * samples + s) * d, d);
          }
        }
        float[] completed = completer.complete(
            m.create(repeated, new Shape((long) n * samples, d)), m.create(mask), sweeps)
            .toFloatArray();
        for (int i = 0; i < n; i++) {
          System.arraycopy(completed, i * samples * d, grid, (i * perRow + 2) * d,
              samples * d);
        }
      }
      if (loaded.maxValue() != 1f) {
        for (int i = 0; i < grid.length; i++) {
          grid[i] /= loaded.maxValue(); // 8-bit pixels: a PNG shows value / 255
        }
      }
      ImageGrid.writeRows(file, grid, n, perRow, hw[0], hw[1], hw[2], 3);
      spec.commandLine().getOut().printf("completed %d test images x %d samples (%s observed)"
          + " -> %s%nmethod: %s%n", n, samples, observe, file, method);
      return 0;
    }
  }
}
