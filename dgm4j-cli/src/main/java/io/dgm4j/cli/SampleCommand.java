package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.data.Dataset;
import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.evaluation.LatentPictures;
import io.dgm4j.models.Conditional;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.LatentVariableModel;
import io.dgm4j.models.latent.Decodable;
import io.dgm4j.models.Samplable;
import io.dgm4j.models.TemperedSampling;
import io.dgm4j.sampling.BlockGibbs;
import io.dgm4j.sampling.Chains;
import io.dgm4j.sampling.GibbsSweep;
import io.dgm4j.sampling.PersistentChains;
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

  @Mixin Options.Checkpoint checkpoint;

  @Option(names = "--sampler", paramLabel = "NAME",
      description = "Which sampler, among those the model offers (default: the model's first;"
          + " e.g. ancestral, fast, naive, gibbs, langevin).")
  String sampler;

  @Option(names = "--steps", defaultValue = "0", paramLabel = "N",
      description = "Steps of a chain sampler (0: the model's default).")
  int steps;

  @Option(names = "--continue-chains",
      description = "Start the chains at random states of the run's persistent chains (runs"
          + " trained with --objective pcd keep them: the replay buffer of an ebm, the chains of"
          + " an rbm) instead of fresh noise, then run --steps more steps.")
  boolean continueChains;

  @Option(names = "--label", paramLabel = "Y",
      description = "Draw from p(x | y = Y) (models trained with labels only).")
  Integer label;

  @Option(names = "--temperature", paramLabel = "T",
      description = "Draw at temperature T: the Gaussian noise a flow (realnvp, maf) maps to its"
          + " samples is scaled by T; below 1 (e.g. 0.7) draws lie nearer the base's mode and"
          + " vary less. Not a draw from p(x) unless T = 1 (default: 1).")
  Double temperature;

  @Option(names = "--grid", paramLabel = "KIND",
      description = "manifold: instead of samples, decode an n x n grid over a 2-D latent space"
          + " (models with a 2-D latent only; n = sqrt of -n, rounded up).")
  String grid;

  @Option(names = "--chain", paramLabel = "FILE",
      description = "Also write a .png of chains over time: one row per chain (up to 8), a"
          + " state every --chain-every Gibbs sweeps (models with Gibbs sweeps, e.g. rbm).")
  Path chain;

  @Option(names = "--chain-every", defaultValue = "0", paramLabel = "N",
      description = "Sweeps between the states in --chain (0: a tenth of --steps, or of 1000"
          + " when --steps is 0).")
  int chainEvery;

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
    try (LoadedRun loaded = new LoadedRun(run.folder, checkpoint.which, engine.device, spec);
        NDManager m = loaded.model.manager().newSubManager()) {
      Path file = force.writable("--out", out.path, loaded.inputFiles());
      if (grid != null) {
        return manifold(loaded, file);
      }
      if (steps < 0) {
        throw Options.usage(spec, "--steps must be 0 or more, got " + steps);
      }
      if (sampler != null && loaded.model instanceof Samplable offering
          && !offering.samplers().contains(sampler)) {
        throw Options.usage(spec, "--sampler " + sampler + " is not offered by "
            + loaded.info.model().family() + "; it offers " + String.join(", ",
                offering.samplers()));
      }
      Engines.seed(seed.seed);
      Samplable.SamplingOptions options = new Samplable.SamplingOptions(sampler, steps,
          continueChains ? savedChains(loaded, m) : null);
      TerminalBar bar = new TerminalBar("sampling " + loaded.info.model().family());
      options = options.withProgress(bar);
      long start = System.nanoTime();
      Samplable.Samples drawn;
      if (temperature != null) {
        drawn = new Samplable.Samples(tempered(loaded).sample(m, count, temperature),
            java.util.Map.of());
      } else if (label != null) {
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
      bar.close();
      float[] samples = drawn.values().toFloatArray();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (isPoints(loaded) && file.getFileName().toString().toLowerCase().endsWith(".png")) {
        // 2-D points (toy data): a scatter plot, not a grid of 1 x 2 "images"
        LatentPictures.scatter(file, count + " samples from " + loaded.info.model().family(),
            new Dataset("samples", samples, count, new int[] {2}, null), "x");
      } else {
        Outputs.writeRows(file, samples, count, loaded.imageShape(), scale, loaded.maxValue());
      }
      var console = spec.commandLine().getOut();
      console.printf("%d samples from %s in %.2f s -> %s%n", count,
          loaded.info.model().family(), seconds, file);
      if (continueChains) {
        console.printf("  continued from %d of the run's %d saved chain states%n", count,
            loaded.persistentChains.getShape().get(0));
      }
      drawn.statistics().forEach((k, v) -> console.printf("  %s %.4g%n", k, v));
      if (chain != null) {
        writeChain(loaded, m, console);
      }
      return 0;
    }
  }

  /** The model as one that draws at a temperature, or a usage error naming what to drop. */
  private TemperedSampling tempered(LoadedRun loaded) {
    try {
      TemperedSampling.requireTemperature(temperature); // the models' rule, as a usage error
    } catch (IllegalArgumentException e) {
      throw Options.usage(spec, "--" + e.getMessage());
    }
    if (!(loaded.model instanceof TemperedSampling model)) {
      throw Options.usage(spec, "--temperature: " + loaded.info.model().family() + " draws no"
          + " Gaussian noise through a fixed map that could be scaled (the flows realnvp and maf"
          + " do); drop --temperature");
    }
    for (var other : new Object[][] {{"--label", label}, {"--sampler", sampler},
        {"--continue-chains", continueChains ? true : null}, {"--chain", chain}}) {
      if (other[1] != null) {
        throw Options.usage(spec, "--temperature and " + other[0] + " do not go together; drop"
            + " one of them");
      }
    }
    return model;
  }

  /** {@code count} random states of the run's persistent chains, or a usage error if it has none. */
  private ai.djl.ndarray.NDArray savedChains(LoadedRun loaded, NDManager m) {
    if (label != null) {
      throw Options.usage(spec, "--continue-chains and --label: the saved chains are not"
          + " conditioned on a label; drop one of them");
    }
    if (loaded.persistentChains == null) {
      throw Options.usage(spec, "--continue-chains: " + loaded.checkpoint + " keeps no persistent"
          + " chains (only runs trained with --objective pcd do); drop --continue-chains");
    }
    return PersistentChains.pick(m, loaded.persistentChains, count, seed.seed);
  }

  /** The decoded grid over a 2-D latent space (a usage error for any other model). */
  private int manifold(LoadedRun loaded, Path file) {
    if (!"manifold".equals(grid)) {
      throw Options.usage(spec, "--grid must be manifold, got " + grid);
    }
    if (continueChains) {
      throw Options.usage(spec, "--grid manifold decodes a grid over the latent space, with no"
          + " chains to continue; drop --continue-chains");
    }
    if (!(loaded.model instanceof LatentVariableModel latent)
        || !(loaded.model instanceof Decodable)) {
      throw Options.usage(spec, "--grid manifold needs a latent-variable model with a prior"
          + " over z (vae, iwae, cvae); " + loaded.info.model().family() + " has none");
    }
    if (latent.latentDimension() != 2) {
      throw Options.usage(spec, "--grid manifold needs a 2-D latent space; this run has "
          + latent.latentDimension() + " latent dimensions (train with --set latent=2)");
    }
    if (!file.getFileName().toString().toLowerCase().endsWith(".png")) {
      throw Options.usage(spec, "--grid manifold writes a picture: --out must end in .png, got "
          + file);
    }
    int size = (int) Math.ceil(Math.sqrt(count));
    int[] image = loaded.imageShape();
    ImageGrid.writeRows(file, Outputs.unitRange(manifoldOf(loaded.model, size),
        loaded.maxValue()), size, size, image[0], image[1], scale);
    spec.commandLine().getOut().printf("%dx%d manifold grid of %s over z in [-2.5, 2.5]^2 -> %s%n",
        size, size, loaded.info.model().family(), file);
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static <M extends GenerativeModel & Decodable> float[] manifoldOf(
      GenerativeModel model, int size) {
    return LatentPictures.manifold((M) model, size, 2.5);
  }

  /** Runs up to 8 fresh block Gibbs chains from uniform bits and draws a state every N. */
  private void writeChain(LoadedRun loaded, NDManager m, java.io.PrintWriter console) {
    if (!(loaded.model instanceof GibbsSweep gibbs)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--chain: "
          + loaded.info.model().family() + " has no Gibbs sweep to follow; drop --chain");
    }
    int total = steps == 0 ? 1000 : steps;
    int every = chainEvery > 0 ? chainEvery : Math.max(1, total / 10);
    int rows = Math.min(8, count);
    int d = loaded.model.dimension();
    java.util.List<float[]> frames = new java.util.ArrayList<>();
    try (Chains chains = new Chains(m, m.randomInteger(0, 2, new ai.djl.ndarray.types.Shape(
        rows, d), ai.djl.ndarray.types.DataType.INT32).toType(
            ai.djl.ndarray.types.DataType.FLOAT32, false))) {
      frames.add(chains.state().toFloatArray());
      chains.run(new BlockGibbs(gibbs), total, java.util.List.of((t, x) -> {
        if (t % every == 0) {
          frames.add(x.toFloatArray());
        }
      }));
    }
    int columns = frames.size();
    float[] grid = new float[rows * columns * d];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        System.arraycopy(frames.get(c), r * d, grid, (r * columns + c) * d, d);
      }
    }
    int[] hw = loaded.imageShape();
    io.dgm4j.evaluation.ImageGrid.writeRows(chain, grid, rows, columns, hw[0], hw[1], scale);
    console.printf("%d chains from uniform bits, a state every %d Gibbs sweeps up to %d -> %s%n",
        rows, every, total, chain);
  }

  /** Whether the run's examples are 2-D points (toy data) rather than images. */
  private static boolean isPoints(LoadedRun loaded) {
    return loaded.info.model().itemShape().length == 1 && loaded.info.model().dimension() == 2;
  }
}
