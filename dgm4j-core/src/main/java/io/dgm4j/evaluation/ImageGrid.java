package io.dgm4j.evaluation;

import io.dgm4j.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Lays out images (rows of a (N, H*W) array with values in [0, 1]) as a grid in one grayscale
 * PNG, with a 1-pixel gap, each image scaled up by an integer factor so 28x28 digits are
 * visible.
 */
public final class ImageGrid {
  private ImageGrid() {}

  /** Writes {@code n} images of {@code height x width} in a near-square grid. */
  public static void write(Path file, float[] values, int n, int height, int width, int scale) {
    int columns = (int) Math.ceil(Math.sqrt(n));
    writeRows(file, values, (n + columns - 1) / columns, columns, height, width, scale);
  }

  /**
   * Writes {@code n} colour images of {@code height x width x channels} (channel-last values in
   * [0, 1]; 3 channels are R, G, B, 1 channel is grey) in a near-square grid.
   */
  public static void writeColour(Path file, float[] values, int n, int height, int width,
      int channels, int scale) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("cannot draw images with " + channels + " channels as"
          + " PNG (need 1 or 3)");
    }
    int columns = (int) Math.ceil(Math.sqrt(n));
    writeColourRows(file, values, (n + columns - 1) / columns, columns, height, width, channels,
        scale);
  }

  /**
   * Writes colour images in {@code rows} rows of {@code columns} (the last row may be short);
   * the number of images is {@code values.length / (height * width * channels)}.
   */
  public static void writeColourRows(Path file, float[] values, int rows, int columns,
      int height, int width, int channels, int scale) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("cannot draw images with " + channels + " channels as"
          + " PNG (need 1 or 3)");
    }
    int n = values.length / (height * width * channels);
    int gap = 1;
    BufferedImage img = new BufferedImage(columns * (width * scale + gap) + gap,
        rows * (height * scale + gap) + gap, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = img.createGraphics();
    g.setColor(new java.awt.Color(96, 96, 96));
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.dispose();
    for (int i = 0; i < n; i++) {
      int ox = gap + (i % columns) * (width * scale + gap);
      int oy = gap + (i / columns) * (height * scale + gap);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int rgb = 0;
          for (int k = 0; k < 3; k++) {
            float v = values[((i * height + y) * width + x) * channels + (channels == 3 ? k : 0)];
            rgb = rgb << 8 | Math.round(255 * Math.max(0f, Math.min(1f, Float.isNaN(v) ? 0f : v)));
          }
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              img.setRGB(ox + x * scale + dx, oy + y * scale + dy, rgb);
            }
          }
        }
      }
    }
    AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
  }

  /**
   * Writes images in {@code rows} rows of {@code columns} (the last row may be short); the
   * number of images is {@code values.length / (height * width)}.
   */
  public static void writeRows(Path file, float[] values, int rows, int columns, int height,
      int width, int scale) {
    if (values.length % (height * width) != 0) {
      throw new IllegalArgumentException(values.length + " values are not whole images of "
          + height + "x" + width);
    }
    int n = values.length / (height * width);
    int cell = scale;
    int gap = 1;
    int w = columns * (width * cell + gap) + gap;
    int h = rows * (height * cell + gap) + gap;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    java.awt.Graphics2D g = img.createGraphics();
    g.setColor(new java.awt.Color(96, 96, 96));
    g.fillRect(0, 0, w, h);
    g.dispose();
    for (int i = 0; i < n; i++) {
      int ox = gap + (i % columns) * (width * cell + gap);
      int oy = gap + (i / columns) * (height * cell + gap);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float v = values[(i * height + y) * width + x];
          int gray = Math.round(255 * Math.max(0f, Math.min(1f, Float.isNaN(v) ? 0f : v)));
          int rgb = (gray << 16) | (gray << 8) | gray;
          for (int dy = 0; dy < cell; dy++) {
            for (int dx = 0; dx < cell; dx++) {
              img.setRGB(ox + x * cell + dx, oy + y * cell + dy, rgb);
            }
          }
        }
      }
    }
    AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
  }
}
