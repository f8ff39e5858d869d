package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.ImageGrid;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Draws samples from a trained run into a PNG grid (images) or a CSV (tables). */
@Command(name = "sample", description = "Draw samples x ~ p(x) into a PNG grid (or .csv).")
final class SampleCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR") Path run;

  @Option(names = {"-n", "--count"}, defaultValue = "64") int count;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "A .png image grid, or a .csv with one sample per row.")
  Path out;

  @Option(names = "--seed", defaultValue = "1") long seed;

  @Option(names = "--scale", defaultValue = "3", description = "Pixels per image pixel in PNG.")
  int scale;

  @Option(names = "--checkpoint", defaultValue = "best") String which;

  @Mixin Dgm.Common common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (count < 1) {
      throw new IllegalArgumentException("-n must be at least 1, got " + count);
    }
    String name = out.getFileName().toString().toLowerCase();
    if (!name.endsWith(".png") && !name.endsWith(".csv")) {
      throw new IllegalArgumentException("--out must end in .png or .csv, got " + out);
    }
    try (LoadedRun loaded = new LoadedRun(run, which, common.device);
        NDManager m = loaded.model.manager().newSubManager()) {
      Engines.seed(seed);
      long start = System.nanoTime();
      float[] samples = loaded.model.sample(m, count).toFloatArray();
      double seconds = (System.nanoTime() - start) / 1e9;
      Outputs.writeRows(out, samples, count, loaded.imageShape(), scale);
      spec.commandLine().getOut().printf("%d samples from %s in %.2f s -> %s%n", count,
          loaded.info.model().family(), seconds, out);
      return 0;
    }
  }
}
