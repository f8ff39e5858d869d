package io.dgm4j.cli;

import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.io.AtomicFiles;
import java.nio.file.Path;

/** Writes rows of values as an image grid (.png) or a table (.csv). */
final class Outputs {
  private Outputs() {}

  /** {@code imageShape} is (height, width, channels), as {@link LoadedRun#imageShape()}. */
  static void writeRows(Path out, float[] rows, int n, int[] imageShape, int scale) {
    if (out.getFileName().toString().toLowerCase().endsWith(".png")) {
      ImageGrid.write(out, rows, n, imageShape[0], imageShape[1], imageShape[2], scale);
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
