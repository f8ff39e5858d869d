package io.dgm4j.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes unsigned-byte IDX files (the format {@link IdxReader} reads): images with magic
 * {@code 0x00000803}, labels with {@code 0x00000801}. A target whose name ends in {@code .gz} is
 * gzipped. Files are written atomically (a temporary file in the same directory, then an atomic
 * move), so a reader never sees a half-written file. Used to produce small data sets for tests
 * and smoke runs.
 */
public final class IdxWriter {
  private IdxWriter() {}

  /**
   * Writes {@code images} (item shape {@code [rows, cols]} or {@code [rows, cols,
   * channels]}, values that are whole numbers 0..255)
   * as an IDX image file; labels, if any, are not written (see {@link #writeLabels}).
   */
  public static void writeImages(Path file, Dataset images) {
    int[] shape = images.itemShape();
    if (shape.length != 2 && shape.length != 3) {
      throw new DataException(file, "cannot write " + images + " as IDX images: item shape must"
          + " be [rows, cols] or [rows, cols, channels]");
    }
    float[] values = images.values();
    byte[] pixels = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (!(v >= 0 && v <= 255) || v != Math.rint(v)) {
        throw new DataException(file, "cannot write value " + v + " at example "
            + i / images.dimension() + ", pixel " + i % images.dimension()
            + " as an unsigned byte (need a whole number 0..255)");
      }
      pixels[i] = (byte) (int) v;
    }
    int[] dims = new int[shape.length + 1];
    dims[0] = images.size();
    System.arraycopy(shape, 0, dims, 1, shape.length);
    write(file, dims, pixels);
  }

  /** Writes labels 0..255 as an IDX label file. */
  public static void writeLabels(Path file, int[] labels) {
    byte[] bytes = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] > 255) {
        throw new DataException(file, "label " + labels[i] + " at example " + i
            + " does not fit in an unsigned byte");
      }
      bytes[i] = (byte) labels[i];
    }
    write(file, new int[] {labels.length}, bytes);
  }

  private static void write(Path file, int[] dims, byte[] data) {
    boolean gzip = file.getFileName().toString().endsWith(".gz");
    Digests.writeVerified(file, sink -> {
      OutputStream raw = gzip ? new GZIPOutputStream(sink, 1 << 16) : sink;
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
      out.writeInt(IdxReader.UBYTE << 8 | dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
      out.flush();
      if (raw instanceof GZIPOutputStream) {
        ((GZIPOutputStream) raw).finish();
      }
    }, null);
  }
}
