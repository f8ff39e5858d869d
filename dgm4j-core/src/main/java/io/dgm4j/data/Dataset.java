package io.dgm4j.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A table of {@code size()} examples, each a flat vector of {@code dimension()} floats
 * (row-major), with an optional integer label per example and the shape of one item (for
 * images {@code [height, width]} or {@code [height, width, channels]}; for tabular data
 * {@code [dimension]}).
 *
 * <p>Usually held as a plain {@code float[]} on the Java heap so that shuffling, dynamic
 * binarization and batching are deterministic functions of a seed and independent of the
 * tensor engine; batches become tensors only when a training step needs them. A data set too
 * large for the heap (a big folder of pictures) is read {@linkplain #onDemand on demand} from a
 * {@link RowSource}, one row at a time, by {@link #row}, {@link #copyRows}, {@link #gather} and
 * {@link #get}; {@link #values()} works too but then holds every row.
 */
public final class Dataset {
  private final String name;
  private final float[] values;
  private final int size;
  private final int[] itemShape;
  private final int dimension;
  private final int[] labels;
  private final RowSource rows; // null when the values are in memory
  private float[] lastRow; // on demand: the row get() read last
  private float[] materialized; // on demand: every row, once values() was called
  private int lastRowIndex = -1;

  /** Where the rows of an on-demand data set come from (a file, or a transformation). */
  @FunctionalInterface
  public interface RowSource {
    /** Writes the {@code dimension} values of {@code example} into {@code out} at offset. */
    void read(int example, float[] out, int offset);
  }

  /**
   * @param name a human-readable name used in messages (e.g. the file it came from)
   * @param values row-major {@code size * dimension} values
   * @param size number of examples
   * @param itemShape shape of one example; its product is the dimension
   * @param labels one label per example, or {@code null}
   */
  public Dataset(String name, float[] values, int size, int[] itemShape, int[] labels) {
    this(name, Objects.requireNonNull(values, "values"), null, size, itemShape, labels);
  }

  private Dataset(String name, float[] values, RowSource rows, int size, int[] itemShape,
      int[] labels) {
    this.name = Objects.requireNonNull(name, "name");
    this.values = values;
    this.rows = rows;
    this.itemShape = itemShape.clone();
    this.dimension = Arrays.stream(itemShape).reduce(1, Math::multiplyExact);
    if (size < 0 || (values != null && (long) size * dimension != values.length)) {
      throw new IllegalArgumentException(
          name + ": " + values.length + " values do not fill " + size + " examples of "
              + Arrays.toString(itemShape));
    }
    if (labels != null && labels.length != size) {
      throw new IllegalArgumentException(
          name + ": " + labels.length + " labels for " + size + " examples");
    }
    this.size = size;
    this.labels = labels;
  }

  /**
   * A data set whose rows are read from {@code rows} whenever they are needed, never all held
   * in memory at once.
   */
  public static Dataset onDemand(String name, int size, int[] itemShape, int[] labels,
      RowSource rows) {
    return new Dataset(name, null, Objects.requireNonNull(rows, "rows"), size, itemShape,
        labels);
  }

  /** True when the values are held in memory from the start (not read on demand). */
  public boolean inMemory() {
    return rows == null;
  }

  public String name() {
    return name;
  }

  /** Number of examples. */
  public int size() {
    return size;
  }

  /** Number of values per example (the product of {@link #itemShape()}). */
  public int dimension() {
    return dimension;
  }

  public int[] itemShape() {
    return itemShape.clone();
  }

  /**
   * The backing row-major array (not copied: treat as read-only). A data set read on demand
   * reads all its rows into a new array at the first call and keeps it from then on — the
   * whole set in memory, which on demand exists to avoid: readers that can should go through
   * {@link #row}, {@link #copyRows} or {@link #gather}.
   */
  public float[] values() {
    if (values != null) {
      return values;
    }
    synchronized (this) {
      if (materialized == null) {
        float[] all = new float[Math.multiplyExact(size, dimension)];
        copyRows(0, size, all);
        materialized = all;
      }
      return materialized;
    }
  }

  public boolean hasLabels() {
    return labels != null;
  }

  /** The labels (not copied), or {@code null} when the data has none. */
  public int[] labels() {
    return labels;
  }

  /** Value {@code d} of {@code example} (on demand, the row is read once and kept). */
  public float get(int example, int d) {
    if (values != null) {
      return values[example * dimension + d];
    }
    synchronized (this) {
      if (lastRowIndex != example) {
        if (lastRow == null) {
          lastRow = new float[dimension];
        }
        rows.read(example, lastRow, 0);
        lastRowIndex = example;
      }
      return lastRow[d];
    }
  }

  /** Writes the values of {@code example} into {@code out} at {@code offset}. */
  public void row(int example, float[] out, int offset) {
    if (values != null) {
      System.arraycopy(values, example * dimension, out, offset, dimension);
    } else {
      rows.read(example, out, offset);
    }
  }

  /** Copies examples {@code [from, from + count)} into {@code out}, row-major. */
  public void copyRows(int from, int count, float[] out) {
    if (values != null) {
      System.arraycopy(values, from * dimension, out, 0, count * dimension);
      return;
    }
    for (int i = 0; i < count; i++) {
      rows.read(from + i, out, i * dimension);
    }
  }

  /**
   * Examples {@code [from, to)} as a new dataset: a copy sharing no storage with this one, or,
   * on demand, a view reading the same rows.
   */
  public Dataset slice(int from, int to) {
    if (from < 0 || to > size || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + size);
    }
    int[] l = labels == null ? null : Arrays.copyOfRange(labels, from, to);
    if (values == null) {
      RowSource source = rows;
      return onDemand(name, to - from, itemShape, l,
          (example, out, offset) -> source.read(from + example, out, offset));
    }
    float[] v = Arrays.copyOfRange(values, from * dimension, to * dimension);
    return new Dataset(name, v, to - from, itemShape, l);
  }

  /** Copies the examples at {@code indices} (in that order) into {@code out}, row-major. */
  public void gather(int[] indices, int offset, int count, float[] out) {
    for (int i = 0; i < count; i++) {
      row(indices[offset + i], out, i * dimension);
    }
  }

  /** Copies the labels of the examples at {@code indices} (in that order) into {@code out}. */
  public void gatherLabels(int[] indices, int offset, int count, int[] out) {
    for (int i = 0; i < count; i++) {
      out[i] = labels[indices[offset + i]];
    }
  }

  /** A copy with the same examples and a new name. */
  public Dataset withName(String newName) {
    return new Dataset(newName, values, rows, size, itemShape, labels);
  }

  /**
   * The same examples with each row transformed by {@code transform} (given the example's
   * index, its row read into {@code in}, and {@code out} to fill), computed when read.
   */
  public Dataset mapOnDemand(RowTransform transform) {
    RowSource source = this::row;
    int d = dimension;
    return onDemand(name, size, itemShape, labels, (example, out, offset) -> {
      float[] in = new float[d];
      source.read(example, in, 0);
      transform.apply(example, in, out, offset);
    });
  }

  /** A row-wise transformation for {@link #mapOnDemand}. */
  @FunctionalInterface
  public interface RowTransform {
    void apply(int example, float[] in, float[] out, int offset);
  }

  @Override
  public String toString() {
    return name + " (" + size + " x " + Arrays.toString(itemShape) + ")";
  }
}
