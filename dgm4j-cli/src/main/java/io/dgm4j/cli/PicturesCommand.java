package io.dgm4j.cli;

import io.dgm4j.data.Dataset;
import io.dgm4j.evaluation.Features;
import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.evaluation.LatentPictures;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.latent.Decodable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What an encoder and decoder learned, as pictures of test examples. */
@Command(name = "pictures", description = {
    "Pictures of what a run's encoder and decoder learned: reconstructions, interpolations"
        + " or a scatter of the codes, from the first test examples. --kind:",
    "  reconstructions  inputs (top row) above decode(encode(x)) (bottom row)",
    "  interpolations   rows from one test digit to another through latent space",
    "  scatter          the test set's codes (first two features), coloured by label"})
final class PicturesCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Mixin Options.Data data;

  @Option(names = "--kind", required = true, paramLabel = "KIND",
      description = "reconstructions, interpolations or scatter.")
  String kind;

  @Mixin Options.Out out;

  @Mixin Options.Force force;

  @Option(names = {"-n", "--count"}, defaultValue = "10", paramLabel = "N",
      description = "Images per row (reconstructions) or rows (interpolations)"
          + " (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--steps", defaultValue = "8", paramLabel = "N",
      description = "Decoded points between the two ends of an interpolation"
          + " (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--scale", defaultValue = "3", paramLabel = "N",
      description = "Pixels per image pixel (default: ${DEFAULT-VALUE}).")
  int scale;

  @Mixin Options.Checkpoint checkpoint;

  @Mixin Options.DataDir dataDir;

  @Mixin Options.Engine engine;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!out.path.getFileName().toString().toLowerCase().endsWith(".png")) {
      throw Options.usage(spec, "--out must end in .png, got " + out.path);
    }
    if (count < 1 || steps < 2) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "-n must be at least 1 and --steps at least 2");
    }
    try (LoadedRun loaded = new LoadedRun(run.folder, checkpoint.which, engine.device, spec)) {
      List<Path> inputs = new ArrayList<>(loaded.inputFiles());
      inputs.addAll(data.inputFiles(dataDir.home()));
      Path file = force.writable("--out", out.path, inputs);
      Dataset test = loaded.preparedSplit(data.required(), "test", dataDir.home());
      int[] image = loaded.imageShape();
      switch (kind) {
        case "reconstructions" -> ImageGrid.writeRows(file, Outputs.unitRange(
            LatentPictures.reconstructions(decodable(loaded), test, count), loaded.maxValue()), 2,
            Math.min(count, test.size()), image[0], image[1], scale);
        case "interpolations" -> ImageGrid.writeRows(file, Outputs.unitRange(
            LatentPictures.interpolations(decodable(loaded), test, count, steps),
            loaded.maxValue()), count,
            steps + 2, image[0], image[1], scale);
        case "scatter" -> LatentPictures.scatter(file, loaded.info.model().family()
            + " codes of the test set (" + test.name() + ")",
            Features.encode(loaded.encoder("pictures"), test, 500));
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "--kind must be reconstructions, interpolations or scatter, got " + kind);
      }
      spec.commandLine().getOut().printf("%s of %s -> %s%n", kind, run.folder, file);
      return 0;
    }
  }

  @SuppressWarnings("unchecked")
  private static <M extends GenerativeModel & Decodable> M decodable(LoadedRun loaded) {
    loaded.require(Decodable.class, "pictures", "decoder of features");
    return (M) loaded.model;
  }
}
