package io.dgm4j.cli;

import io.dgm4j.data.Dataset;
import io.dgm4j.evaluation.Features;
import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.evaluation.LatentPictures;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.latent.Decodable;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What an encoder and decoder learned, as pictures of test examples. */
@Command(name = "pictures", description = {
    "Pictures of what a run's encoder and decoder learned, from the first test examples:",
    "  reconstructions  inputs (top row) above decode(encode(x)) (bottom row)",
    "  interpolations   rows from one test digit to another through latent space",
    "  scatter          the test set's codes (first two features), coloured by label"})
final class PicturesCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run folder.")
  Path run;

  @Option(names = "--data", required = true, paramLabel = "SPEC",
      description = "mnist, fashion-mnist, a folder of IDX files, or a .csv file.")
  String data;

  @Option(names = "--kind", required = true, paramLabel = "KIND",
      description = "reconstructions, interpolations or scatter.")
  String kind;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "A .png file.")
  Path out;

  @Option(names = {"-n", "--count"}, defaultValue = "10",
      description = "Images per row (reconstructions) or rows (interpolations)"
          + " (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--steps", defaultValue = "8",
      description = "Decoded points between the two ends of an interpolation"
          + " (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--scale", defaultValue = "3",
      description = "Pixels per image pixel (default: ${DEFAULT-VALUE}).")
  int scale;

  @Option(names = "--checkpoint", defaultValue = "best",
      description = "best or last (default: ${DEFAULT-VALUE}).")
  String which;

  @Mixin Dgm.Common common;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!out.getFileName().toString().toLowerCase().endsWith(".png")) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--out must end in .png, got " + out);
    }
    if (count < 1 || steps < 2) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "-n must be at least 1 and --steps at least 2");
    }
    try (LoadedRun loaded = new LoadedRun(run, which, common.device)) {
      Dataset test = loaded.preparedSplit(data, "test", common.dataHome());
      int[] image = loaded.imageShape();
      switch (kind) {
        case "reconstructions" -> ImageGrid.writeRows(out,
            LatentPictures.reconstructions(decodable(loaded), test, count), 2,
            Math.min(count, test.size()), image[0], image[1], scale);
        case "interpolations" -> ImageGrid.writeRows(out,
            LatentPictures.interpolations(decodable(loaded), test, count, steps), count,
            steps + 2, image[0], image[1], scale);
        case "scatter" -> LatentPictures.scatter(out, loaded.info.model().family()
            + " codes of the " + test.name() + " test set",
            Features.encode(loaded.encoder("pictures"), test, 500));
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "--kind must be reconstructions, interpolations or scatter, got " + kind);
      }
      spec.commandLine().getOut().printf("%s of %s -> %s%n", kind, run, out);
      return 0;
    }
  }

  @SuppressWarnings("unchecked")
  private static <M extends GenerativeModel & Decodable> M decodable(LoadedRun loaded) {
    loaded.require(Decodable.class, "pictures", "decoder of features");
    return (M) loaded.model;
  }
}
