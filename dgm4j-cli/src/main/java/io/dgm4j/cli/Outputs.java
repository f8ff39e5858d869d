package io.dgm4j.cli;

import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.io.AtomicFiles;
import java.nio.file.Path;

/** Writes rows of values as an image grid (.png) or a table (.csv). */
final class Outputs {
  private Outputs() {}

  /** {@code imageShape} is (height, width, channels), as {@link LoadedRun#imageShape()}. */
  static void writeRows(Path out, float[] rows, int n, int[] imageShape, int scale) {
    writeRows(out, rows, n, imageShape, scale, 1f);
  }

  /**
   * As above, for values in 0..{@code maxValue} (255 for 8-bit pixels; a PNG shows value /
   * maxValue, a CSV the values as they are).
   */
  static void writeRows(Path out, float[] rows, int n, int[] imageShape, int scale,
      float maxValue) {
    if (out.getFileName().toString().toLowerCase().endsWith(".png")) {
      ImageGrid.write(out, unitRange(rows, maxValue), n, imageShape[0], imageShape[1],
          imageShape[2], scale);
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

  /** Values in 0..{@code maxValue} as a picture shows them, in [0, 1] (a copy unless 1). */
  static float[] unitRange(float[] rows, float maxValue) {
    if (maxValue == 1f) {
      return rows;
    }
    float[] unit = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      unit[i] = rows[i] / maxValue;
    }
    return unit;
  }
}
