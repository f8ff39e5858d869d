package io.dgm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.Completer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Conditional completion with an autoregressive model: given part of each image, draw the rest. */
@Command(name = "complete", description = {
    "Show the top (or left) part of test images and let an autoregressive model draw the rest.",
    "The PNG has one row per image: the original, the observed part, then the completions."})
final class CompleteCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR") Path run;

  @Option(names = {"-n", "--count"}, defaultValue = "8", description = "Test images to complete.")
  int count;

  @Option(names = "--samples", defaultValue = "6", description = "Completions per image.")
  int samples;

  @Option(names = "--observe", defaultValue = "top-half", description = "top-half or left-half.")
  String observe;

  @Option(names = "--out", required = true, paramLabel = "FILE") Path out;

  @Option(names = "--seed", defaultValue = "1") long seed;

  @Mixin Dgm.Common common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (LoadedRun loaded = new LoadedRun(run, "best", common.device)) {
      Completer ar = loaded.require(Completer.class, "complete",
          "way to draw missing values given observed ones");
      int[] hw = loaded.imageShape();
      int d = hw[0] * hw[1];
      float[] mask = new float[d];
      for (int i = 0; i < d; i++) {
        int row = i / hw[1];
        int col = i % hw[1];
        mask[i] = switch (observe) {
          case "top-half" -> row < hw[0] / 2 ? 1 : 0;
          case "left-half" -> col < hw[1] / 2 ? 1 : 0;
          default -> throw new IllegalArgumentException("--observe must be top-half or"
              + " left-half, got " + observe);
        };
      }
      Dataset test = RunData.testSetOf(loaded.info.data(), common.dataHome());
      int n = Math.min(count, test.size());
      int perRow = samples + 2;
      float[] grid = new float[n * perRow * d];
      Engines.seed(seed);
      String method;
      try (NDManager m = loaded.model.manager().newSubManager()) {
        method = ar.completionMethod(m.create(mask));
        for (int i = 0; i < n; i++) {
          float[] x = java.util.Arrays.copyOfRange(test.values(), i * d, (i + 1) * d);
          System.arraycopy(x, 0, grid, (i * perRow) * d, d);
          for (int j = 0; j < d; j++) {
            grid[(i * perRow + 1) * d + j] = mask[j] == 1 ? x[j] : 0.5f;
          }
          float[] repeated = new float[samples * d];
          for (int s = 0; s < samples; s++) {
            System.arraycopy(x, 0, repeated, s * d, d);
          }
          NDArray completed = ar.complete(m.create(repeated, new Shape(samples, d)),
              m.create(mask));
          System.arraycopy(completed.toFloatArray(), 0, grid, (i * perRow + 2) * d,
              samples * d);
        }
      }
      io.dgm4j.evaluation.ImageGrid.writeRows(out, grid, n, perRow, hw[0], hw[1], 3);
      spec.commandLine().getOut().printf("completed %d test images x %d samples -> %s%n"
          + "method: %s%n", n, samples, out, method);
      return 0;
    }
  }
}
