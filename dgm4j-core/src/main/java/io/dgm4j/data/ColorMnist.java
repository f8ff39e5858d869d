package io.dgm4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * color-mnist: 28x28 RGB 8-bit images made from MNIST by a fixed, seeded rule, so that a colour
 * model has real R -> G -> B dependencies to learn (no colour image set can be downloaded here).
 *
 * <p><b>Rule.</b> For example i of a split (train: stream 1, test: stream 2), a generator
 * seeded with {@code SEED ^ (stream << 32) ^ i} draws, in this order: the background colour index
 * b (uniform over the 8 {@link #PALETTE} colours), the stroke colour index s (uniform over the 7
 * others), and a brightness beta uniform in [0.55, 1). With t = mnist / 255 the pixel's channel
 * k is {@code round(beta * (t * stroke[k] + (1 - t) * background[k]))}. The channels of a pixel
 * are therefore strongly correlated (they lie on the segment between two palette colours), and
 * background and stroke colours vary per image. Labels are MNIST's.
 *
 * <p>Files: IDX unsigned byte, N x 28 x 28 x 3 (channel-last, magic 0x00000804), named as
 * MNIST's, so that every IDX reader of the project loads them with item shape (28, 28, 3).
 */
public final class ColorMnist {

  /** The seed of the rule; changing it makes a different data set. */
  public static final long SEED = 20261122L;

  /** Eight colours (R, G, B) 0..255. */
  public static final int[][] PALETTE = {
      {0, 0, 0}, {255, 255, 255}, {230, 25, 75}, {60, 180, 75},
      {255, 225, 25}, {0, 130, 200}, {245, 130, 48}, {145, 30, 180}};

  private ColorMnist() {}

  /**
   * Writes color-mnist made from the MNIST IDX files in {@code mnistDir} into {@code target}
   * (created; files there are replaced atomically).
   */
  public static Path make(Path mnistDir, Path target) {
    MnistFetcher.Splits mnist = MnistFetcher.load(mnistDir);
    try {
      Files.createDirectories(target);
    } catch (java.io.IOException e) {
      throw new DataException(target, "cannot create the folder: " + e.getMessage());
    }
    write(colour(mnist.train(), 1), target.resolve("train-images-idx3-ubyte"),
        target.resolve("train-labels-idx1-ubyte"));
    write(colour(mnist.test(), 2), target.resolve("t10k-images-idx3-ubyte"),
        target.resolve("t10k-labels-idx1-ubyte"));
    return target;
  }

  private static void write(Dataset images, Path imageFile, Path labelFile) {
    IdxWriter.writeImages(imageFile, images);
    IdxWriter.writeLabels(labelFile, images.labels());
  }

  /** The coloured version of grey images (N, 28, 28) -> (N, 28, 28, 3), by the class rule. */
  public static Dataset colour(Dataset grey, long stream) {
    int d = grey.dimension();
    float[] in = grey.values();
    float[] out = new float[in.length * 3];
    for (int i = 0; i < grey.size(); i++) {
      SplittableRandom random = new SplittableRandom(SEED ^ (stream << 32) ^ i);
      int b = random.nextInt(PALETTE.length);
      int s = (b + 1 + random.nextInt(PALETTE.length - 1)) % PALETTE.length;
      double beta = 0.55 + 0.45 * random.nextDouble();
      for (int p = 0; p < d; p++) {
        double t = in[i * d + p] / 255.0;
        for (int k = 0; k < 3; k++) {
          out[(i * d + p) * 3 + k] =
              (float) Math.rint(beta * (t * PALETTE[s][k] + (1 - t) * PALETTE[b][k]));
        }
      }
    }
    int[] shape = grey.itemShape();
    return new Dataset(grey.name(), out, grey.size(), new int[] {shape[0], shape[1], 3},
        grey.labels());
  }
}
