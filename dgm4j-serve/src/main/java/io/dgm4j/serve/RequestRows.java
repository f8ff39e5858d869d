package io.dgm4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.dgm4j.models.ModelRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Turns a request body into rows of D values: a CSV text (one example a line; a first line that
 * is not numbers is taken as a header), a JSON array of rows (or one row), or a PNG/JPEG image
 * whose size is the run's image size (8-bit gray levels 0..255, colour converted to luminance).
 * Every problem is a {@link BadRequest} whose message names it.
 */
final class RequestRows {
  private RequestRows() {}

  /** Parsed rows, row-major. */
  record Rows(float[] values, int count) {}

  static Rows parse(byte[] body, String contentType, int[] itemShape, boolean bytePixels,
      int maxRows) {
    int d = ModelRegistry.product(itemShape);
    if (body == null || body.length == 0) {
      throw new BadRequest("empty request body: send text/csv, a JSON array of rows, or a"
          + " PNG/JPEG image");
    }
    String type = contentType == null ? "" : contentType.toLowerCase();
    if (isImage(body) || type.startsWith("image/")) {
      if (!bytePixels) {
        throw new BadRequest("this run was trained on table rows, not images: send text/csv or"
            + " a JSON array of rows");
      }
      return new Rows(image(body, itemShape), 1);
    }
    List<float[]> rows = type.contains("json") || firstNonBlank(body) == '['
        ? json(body, d) : csv(body, d);
    if (rows.isEmpty()) {
      throw new BadRequest("no rows in the request body");
    }
    if (rows.size() > maxRows) {
      throw new BadRequest(rows.size() + " rows in one request; at most " + maxRows);
    }
    float[] out = new float[rows.size() * d];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, out, i * d, d);
    }
    return new Rows(out, rows.size());
  }

  private static boolean isImage(byte[] b) {
    boolean png = b.length > 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N'
        && b[3] == 'G';
    boolean jpeg = b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
    return png || jpeg;
  }

  private static char firstNonBlank(byte[] body) {
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return (char) b;
      }
    }
    return ' ';
  }

  private static float[] image(byte[] body, int[] itemShape) {
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(body));
    } catch (IOException e) {
      img = null;
    }
    if (img == null) {
      throw new BadRequest("the body is not a readable PNG or JPEG image");
    }
    int h = itemShape[0];
    int w = itemShape.length > 1 ? itemShape[1] : 1;
    int channels = itemShape.length > 2 ? itemShape[2] : 1;
    if (img.getHeight() != h || img.getWidth() != w) {
      throw new BadRequest("image is " + img.getWidth() + "x" + img.getHeight() + " pixels; this"
          + " run's model takes " + w + "x" + h);
    }
    float[] out = new float[h * w * channels];
    boolean gray = img.getRaster().getNumBands() == 1 && img.getColorModel().getPixelSize() == 8;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (gray) {
          // the stored levels themselves: getRGB would pass them through a colour conversion
          int level = img.getRaster().getSample(x, y, 0);
          for (int c = 0; c < channels; c++) {
            out[(y * w + x) * channels + c] = level;
          }
          continue;
        }
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (channels == 3) {
          int o = (y * w + x) * 3;
          out[o] = r;
          out[o + 1] = g;
          out[o + 2] = b;
        } else {
          out[y * w + x] = Math.round(0.299f * r + 0.587f * g + 0.114f * b);
        }
      }
    }
    return out;
  }

  private static List<float[]> json(byte[] body, int d) {
    JsonNode root;
    try {
      root = ModelRegistry.json().readTree(body);
    } catch (IOException e) {
      throw new BadRequest("the body is not valid JSON: " + e.getMessage().split("\n")[0]);
    }
    if (root == null || !root.isArray()) {
      throw new BadRequest("expected a JSON array of rows, e.g. [[0,1,...],[...]]");
    }
    List<float[]> rows = new ArrayList<>();
    if (root.size() > 0 && root.get(0).isNumber()) {
      rows.add(row(root, d, 0));
    } else {
      for (int i = 0; i < root.size(); i++) {
        rows.add(row(root.get(i), d, i));
      }
    }
    return rows;
  }

  private static float[] row(JsonNode node, int d, int index) {
    if (!node.isArray()) {
      throw new BadRequest("row " + index + " is not an array of numbers");
    }
    if (node.size() != d) {
      throw new BadRequest("row " + index + " has " + node.size() + " values; this run's model"
          + " takes " + d);
    }
    float[] out = new float[d];
    for (int j = 0; j < d; j++) {
      JsonNode v = node.get(j);
      if (!v.isNumber()) {
        throw new BadRequest("row " + index + ", value " + j + " is not a number");
      }
      out[j] = finite(v.floatValue(), index, j);
    }
    return out;
  }

  private static List<float[]> csv(byte[] body, int d) {
    String[] lines = new String(body, StandardCharsets.UTF_8).split("\r?\n");
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      float[] row = new float[cells.length];
      boolean numeric = true;
      for (int j = 0; j < cells.length && numeric; j++) {
        try {
          row[j] = Float.parseFloat(cells[j].trim());
        } catch (NumberFormatException e) {
          numeric = false;
        }
      }
      if (!numeric) {
        if (rows.isEmpty() && i == firstLine(lines)) {
          continue; // a header
        }
        throw new BadRequest("CSV line " + (i + 1) + " has a value that is not a number");
      }
      if (cells.length != d) {
        throw new BadRequest("CSV line " + (i + 1) + " has " + cells.length + " values; this"
            + " run's model takes " + d);
      }
      for (int j = 0; j < d; j++) {
        finite(row[j], rows.size(), j);
      }
      rows.add(row);
    }
    return rows;
  }

  private static int firstLine(String[] lines) {
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].trim().isEmpty()) {
        return i;
      }
    }
    return -1;
  }

  private static float finite(float v, int row, int column) {
    if (!Float.isFinite(v)) {
      throw new BadRequest("row " + row + ", value " + column + " is " + v
          + "; values must be finite numbers");
    }
    return v;
  }

  /** A request the server cannot use; answered with 400 and this message. */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }
}
