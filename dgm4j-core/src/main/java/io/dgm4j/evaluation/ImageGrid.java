package io.dgm4j.evaluation;

import io.dgm4j.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Lays out images (rows of a (N, H*W*C) array with values in [0, 1], channel-last) as a grid in
 * one PNG — greyscale for one channel, RGB for three — with a 1-pixel gap, each image scaled up
 * by an integer factor so 28x28 digits are visible.
 */
public final class ImageGrid {
  private ImageGrid() {}

  /** Writes {@code n} grey images of {@code height x width} in a near-square grid. */
  public static void write(Path file, float[] values, int n, int height, int width, int scale) {
    write(file, values, n, height, width, 1, scale);
  }

  /** Writes {@code n} images of {@code height x width x channels} in a near-square grid. */
  public static void write(Path file, float[] values, int n, int height, int width,
      int channels, int scale) {
    int columns = (int) Math.ceil(Math.sqrt(n));
    writeRows(file, values, (n + columns - 1) / columns, columns, height, width, channels,
        scale);
  }

  /** {@link #writeRows(Path, float[], int, int, int, int, int, int)} for grey images. */
  public static void writeRows(Path file, float[] values, int rows, int columns, int height,
      int width, int scale) {
    writeRows(file, values, rows, columns, height, width, 1, scale);
  }

  /**
   * Writes images in {@code rows} rows of {@code columns} (the last row may be short); the
   * number of images is {@code values.length / (height * width)}.
   */
  public static void writeRows(Path file, float[] values, int rows, int columns, int height,
      int width, int channels, int scale) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("images need 1 or 3 channels, got " + channels);
    }
    int d = height * width * channels;
    if (values.length % d != 0) {
      throw new IllegalArgumentException(values.length + " values are not whole images of "
          + height + "x" + width + "x" + channels);
    }
    int n = values.length / d;
    int cell = scale;
    int gap = 1;
    int w = columns * (width * cell + gap) + gap;
    int h = rows * (height * cell + gap) + gap;
    BufferedImage img = new BufferedImage(w, h, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
        : BufferedImage.TYPE_INT_RGB);
    // levels go straight into the raster: setRGB on a grey image would pass them through the
    // sRGB-to-linear curve (a mid grey 128 would be stored as 55)
    java.awt.image.WritableRaster raster = img.getRaster();
    int[] background = channels == 1 ? new int[] {96} : new int[] {96, 96, 96};
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setPixel(x, y, background);
      }
    }
    int[] pixel = new int[channels];
    for (int i = 0; i < n; i++) {
      int ox = gap + (i % columns) * (width * cell + gap);
      int oy = gap + (i / columns) * (height * cell + gap);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int at = ((i * height + y) * width + x) * channels;
          for (int c = 0; c < channels; c++) {
            pixel[c] = level(values[at + c]);
          }
          for (int dy = 0; dy < cell; dy++) {
            for (int dx = 0; dx < cell; dx++) {
              raster.setPixel(ox + x * cell + dx, oy + y * cell + dy, pixel);
            }
          }
        }
      }
    }
    AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
  }

  /** A value in [0, 1] as an 8-bit level (NaN as 0, values outside clamped). */
  private static int level(float v) {
    return Math.round(255 * Math.max(0f, Math.min(1f, Float.isNaN(v) ? 0f : v)));
  }
}
