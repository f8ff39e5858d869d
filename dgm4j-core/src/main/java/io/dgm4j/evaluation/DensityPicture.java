package io.dgm4j.evaluation;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A row of 2-D density heat maps on one grid (data histogram, learned density, true density),
 * each panel scaled to its own maximum, written as one PNG ({@code density.png} of a run).
 */
public final class DensityPicture {
  private static final int TITLE = 22;

  /** One panel: a title and a non-negative value per grid cell (row-major, row j = y). */
  public record Panel(String title, double[] values) {}

  private DensityPicture() {}

  /** Writes the panels side by side, each {@code grid.resolution()} pixels square. */
  public static void write(Path file, GridQuadrature.Grid grid, List<Panel> panels) {
    int r = grid.resolution();
    BufferedImage image = new BufferedImage(r * panels.size(), r + TITLE,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    for (int p = 0; p < panels.size(); p++) {
      Panel panel = panels.get(p);
      double max = 0;
      for (double v : panel.values()) {
        max = Math.max(max, v);
      }
      for (int j = 0; j < r; j++) {
        for (int i = 0; i < r; i++) {
          double v = max > 0 ? panel.values()[j * r + i] / max : 0;
          image.setRGB(p * r + i, TITLE + (r - 1 - j), colour(v)); // y up
        }
      }
      g.setColor(Color.BLACK);
      g.drawString(panel.title(), p * r + 6, 16);
    }
    g.dispose();
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      ImageIO.write(image, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** A histogram of 2-D points on the grid's cells (counts). */
  public static double[] histogram(float[] points, GridQuadrature.Grid grid) {
    int r = grid.resolution();
    double[] counts = new double[r * r];
    double w = (grid.xMax() - grid.xMin()) / r;
    double h = (grid.yMax() - grid.yMin()) / r;
    for (int n = 0; n < points.length / 2; n++) {
      int i = (int) Math.floor((points[2 * n] - grid.xMin()) / w);
      int j = (int) Math.floor((points[2 * n + 1] - grid.yMin()) / h);
      if (i >= 0 && i < r && j >= 0 && j < r) {
        counts[j * r + i]++;
      }
    }
    return counts;
  }

  /** A dark-to-bright ramp (black, blue-violet, orange, pale yellow) for v in [0, 1]. */
  private static int colour(double v) {
    double t = Math.max(0, Math.min(1, v));
    double[][] stops = {{0, 0, 4}, {80, 18, 123}, {230, 81, 55}, {252, 253, 191}};
    double s = t * (stops.length - 1);
    int k = Math.min(stops.length - 2, (int) s);
    double f = s - k;
    int rgb = 0;
    for (int c = 0; c < 3; c++) {
      int value = (int) Math.round(stops[k][c] + f * (stops[k + 1][c] - stops[k][c]));
      rgb = (rgb << 8) | value;
    }
    return rgb;
  }
}
