package io.dgm4j.cli;

import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.io.AtomicFiles;
import java.nio.file.Path;

/** Writes rows of values as an image grid (.png) or a table (.csv). */
final class Outputs {
  private Outputs() {}

  static void writeRows(Path out, float[] rows, int n, int[] imageShape, int scale) {
    writeRows(out, rows, n, imageShape, scale, 1f);
  }

  /**
   * As above, for values in 0..{@code maxValue} (255 for 8-bit pixels; a PNG shows value /
   * maxValue); an image shape (H, W, C) is drawn in colour.
   */
  static void writeRows(Path out, float[] rows, int n, int[] imageShape, int scale,
      float maxValue) {
    boolean png = out.getFileName().toString().toLowerCase().endsWith(".png");
    if (png && (imageShape.length == 3 || maxValue != 1f)) {
      float[] unit = new float[rows.length];
      for (int i = 0; i < rows.length; i++) {
        unit[i] = rows[i] / maxValue;
      }
      ImageGrid.writeColour(out, unit, n, imageShape[0], imageShape[1],
          imageShape.length == 3 ? imageShape[2] : 1, scale);
      return;
    }
    if (png) {
      ImageGrid.write(out, rows, n, imageShape[0], imageShape[1], scale);
      return;
    }
    int d = rows.length / n;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        sb.append(j == 0 ? "" : ",").append(rows[i * d + j]);
      }
      sb.append('\n');
    }
    AtomicFiles.writeString(out, sb.toString());
  }
}
