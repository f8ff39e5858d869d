package io.dgm4j.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of the MNIST and Fashion-MNIST distributions, plain or gzipped
 * (gzip is recognised by its magic bytes {@code 1f 8b}, whatever the file is called).
 *
 * <p>Format: a big-endian 4-byte magic number {@code 00 00 TT DD} where {@code TT} is the
 * element type ({@code 0x08} = unsigned byte, the only type supported here) and {@code DD} the
 * number of dimensions; then {@code DD} big-endian 4-byte sizes; then the elements, row-major,
 * with nothing after them. MNIST images are {@code 0x00000803} ({@code N x 28 x 28}), labels
 * {@code 0x00000801} ({@code N}).
 *
 * <p>Every problem (missing or empty file, wrong magic number, unsupported type, truncated data,
 * trailing bytes, images and labels that disagree) is a {@link DataException} naming the file.
 * A whole file is read into memory at once: the 47 MB MNIST training images load in a fraction
 * of a second.
 */
public final class IdxReader {
  /** Element type code of unsigned bytes. */
  public static final int UBYTE = 0x08;
  /** Magic number of unsigned-byte images ({@code N x rows x cols}). */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of unsigned-byte labels ({@code N}). */
  public static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /** The parsed header and the raw element bytes, which start at {@code dataOffset}. */
  private record Idx(Path file, int[] dims, byte[] bytes, int dataOffset) {}

  /**
   * Images: pixel values as floats 0..255, item shape {@code [rows, cols]} (grey, N x rows x
   * cols) or {@code [rows, cols, channels]} (colour, N x rows x cols x channels, channel-last),
   * no labels.
   */
  public static Dataset readImages(Path file) {
    Idx idx = parse(file, IMAGES_MAGIC, "unsigned-byte images N x rows x cols, or 0x00000804"
        + " for N x rows x cols x channels");
    return toDataset(idx, null);
  }

  /** Labels: one int 0..255 per example. */
  public static int[] readLabels(Path file) {
    Idx idx = parse(file, LABELS_MAGIC, "unsigned-byte labels with 1 dimension");
    int[] labels = new int[idx.dims[0]];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = idx.bytes[idx.dataOffset + i] & 0xFF;
    }
    return labels;
  }

  /** Images with their labels attached; the two files must hold the same number of examples. */
  public static Dataset readImagesWithLabels(Path images, Path labels) {
    Dataset pixels = readImages(images);
    int[] y = readLabels(labels);
    if (y.length != pixels.size()) {
      throw new DataException(labels, "holds " + y.length + " labels but " + images
          + " holds " + pixels.size() + " images");
    }
    return new Dataset(pixels.name(), pixels.values(), pixels.size(), pixels.itemShape(), y);
  }

  /**
   * Any unsigned-byte IDX file with at least one dimension: the first dimension counts the
   * examples, the others are the item shape.
   */
  public static Dataset read(Path file) {
    return toDataset(parse(file, -1, "an unsigned-byte IDX file"), null);
  }

  private static Dataset toDataset(Idx idx, int[] labels) {
    int n = idx.dims[0];
    int[] itemShape = Arrays.copyOfRange(idx.dims, 1, idx.dims.length);
    float[] values = new float[idx.bytes.length - idx.dataOffset];
    byte[] bytes = idx.bytes;
    for (int i = 0, j = idx.dataOffset; i < values.length; i++, j++) {
      values[i] = bytes[j] & 0xFF;
    }
    return new Dataset(displayName(idx.file), values, n, itemShape, labels);
  }

  /** The file name without a trailing {@code .gz}, used as the data set's name. */
  static String displayName(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
  }

  /**
   * Reads and checks a whole file. {@code expectedMagic} -1 accepts any unsigned-byte file with
   * at least one dimension; {@code expectedWhat} describes the expected content in messages.
   */
  private static Idx parse(Path file, int expectedMagic, String expectedWhat) {
    byte[] bytes = readMaybeGzipped(file);
    if (bytes.length == 0) {
      throw new DataException(file, "empty file (0 bytes); expected " + expectedWhat);
    }
    if (bytes.length < 4) {
      throw new DataException(file, "truncated: " + bytes.length
          + " bytes is too short for an IDX magic number");
    }
    int magic = readInt(bytes, 0);
    int type = bytes[2] & 0xFF;
    int rank = bytes[3] & 0xFF;
    boolean idxPrefix = bytes[0] == 0 && bytes[1] == 0;
    boolean colourImages = expectedMagic == IMAGES_MAGIC && rank == 4;
    if (!idxPrefix || (expectedMagic >= 0 && rank != (expectedMagic & 0xFF) && !colourImages)) {
      String expected = expectedMagic >= 0 ? String.format("0x%08X", expectedMagic) : "0x0000TTDD";
      throw new DataException(file, String.format("wrong magic number 0x%08X; expected %s (%s)%s",
          magic, expected, expectedWhat, idxPrefix ? "" : ": this is not an IDX file"));
    }
    if (type != UBYTE) {
      throw new DataException(file, String.format(
          "unsupported IDX element type 0x%02X (%s); only unsigned bytes (0x08) are supported",
          type, typeName(type)));
    }
    if (rank == 0) {
      throw new DataException(file, "IDX file with 0 dimensions; expected " + expectedWhat);
    }
    int offset = 4 + 4 * rank;
    if (bytes.length < offset) {
      throw new DataException(file, "truncated: header of " + rank + " dimensions needs "
          + offset + " bytes but the file holds " + bytes.length);
    }
    int[] dims = new int[rank];
    long elements = 1;
    for (int d = 0; d < rank; d++) {
      dims[d] = readInt(bytes, 4 + 4 * d);
      if (dims[d] < 0) {
        throw new DataException(file, "dimension " + d + " has negative size " + dims[d]);
      }
      elements *= dims[d];
      if (elements > Integer.MAX_VALUE - 64) {
        throw new DataException(file, "header says " + describe(dims) + ", too large to load");
      }
    }
    long held = bytes.length - offset;
    if (held < elements) {
      throw new DataException(file, "truncated: header says " + describe(dims) + " but file holds "
          + held + " bytes of " + (rank == 1 ? "label" : "pixel") + " data (needs " + elements + ")");
    }
    if (held > elements) {
      throw new DataException(file, (held - elements) + " bytes of trailing data after "
          + describe(dims) + " (file holds " + held + " data bytes, header says " + elements + ")");
    }
    return new Idx(file, dims, bytes, offset);
  }

  /** "60000 images of 28x28", "60000 labels" or "5 items of 2x3x4". */
  private static String describe(int[] dims) {
    if (dims.length == 1) {
      return dims[0] + " labels";
    }
    StringBuilder shape = new StringBuilder();
    for (int d = 1; d < dims.length; d++) {
      shape.append(d > 1 ? "x" : "").append(dims[d]);
    }
    return dims[0] + (dims.length == 3 ? " images of " : " items of ") + shape;
  }

  private static String typeName(int type) {
    switch (type) {
      case 0x09: return "signed byte";
      case 0x0B: return "short";
      case 0x0C: return "int";
      case 0x0D: return "float";
      case 0x0E: return "double";
      default: return "unknown";
    }
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
  }

  /** All bytes of the file, gunzipped when it starts with the gzip magic {@code 1f 8b}. */
  static byte[] readMaybeGzipped(Path file) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DataException(file, "file not found");
    } catch (IOException e) {
      throw new DataException(file, "cannot read: " + e, e);
    }
    if (!isGzip(raw)) {
      return raw;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new DataException(file, "corrupt gzip data: " + e.getMessage(), e);
    }
  }

  static boolean isGzip(byte[] head) {
    return head.length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
  }
}
