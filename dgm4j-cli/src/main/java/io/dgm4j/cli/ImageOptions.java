package io.dgm4j.cli;

import io.dgm4j.data.ImageFolder;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How `train` and `data info` read a folder of pictures (recorded in run.json by train). */
final class ImageOptions {
  @Option(names = "--image-size", paramLabel = "S|HxW",
      description = "Picture folders: centre-crop each picture to the target shape, then resize"
          + " it to S x S or HEIGHTxWIDTH pixels by area averaging (default: the pictures' own"
          + " size, which must then be the same for all).")
  String imageSize;

  @Option(names = "--channels", paramLabel = "1|3",
      description = "Picture folders: 1 (grey, BT.601 luma) or 3 (RGB) (default: 1 when every"
          + " picture is stored as grey, else 3).")
  int channels;

  @Mixin Strict strictness;

  /** {@code --strict}, also taken alone by `score` (which reads pictures at the run's size). */
  static final class Strict {
    @Option(names = "--strict",
        description = "Picture folders: refuse a damaged or unreadable picture (default: skip"
            + " it, name it and count it).")
    boolean strict;
  }

  /** The options, or a usage error (exit 2) naming the bad one. */
  ImageFolder.Options toOptions(CommandLine commandLine) {
    try {
      ImageFolder.Options o = ImageFolder.Options.defaults().withChannels(channels)
          .withStrict(strictness.strict);
      return imageSize == null ? o : o.withSize(imageSize);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    }
  }
}
