package io.dgm4j.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory table of {@code size()} examples, each a flat vector of {@code dimension()}
 * floats (row-major), with an optional integer label per example and the shape of one item
 * (for images {@code [height, width]}; for tabular data {@code [dimension]}).
 *
 * <p>Kept as a plain {@code float[]} on the Java heap so that shuffling, dynamic binarization
 * and batching are deterministic functions of a seed and independent of the tensor engine;
 * batches become tensors only when a training step needs them.
 */
public final class Dataset {
  private final String name;
  private final float[] values;
  private final int size;
  private final int[] itemShape;
  private final int dimension;
  private final int[] labels;

  /**
   * @param name a human-readable name used in messages (e.g. the file it came from)
   * @param values row-major {@code size * dimension} values
   * @param size number of examples
   * @param itemShape shape of one example; its product is the dimension
   * @param labels one label per example, or {@code null}
   */
  public Dataset(String name, float[] values, int size, int[] itemShape, int[] labels) {
    this.name = Objects.requireNonNull(name, "name");
    this.values = Objects.requireNonNull(values, "values");
    this.itemShape = itemShape.clone();
    this.dimension = Arrays.stream(itemShape).reduce(1, Math::multiplyExact);
    if (size < 0 || (long) size * dimension != values.length) {
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

  /** The backing row-major array (not copied: treat as read-only). */
  public float[] values() {
    return values;
  }

  public boolean hasLabels() {
    return labels != null;
  }

  /** The labels (not copied), or {@code null} when the data has none. */
  public int[] labels() {
    return labels;
  }

  public float get(int example, int d) {
    return values[example * dimension + d];
  }

  /** Examples {@code [from, to)} as a new dataset sharing no storage with this one. */
  public Dataset slice(int from, int to) {
    if (from < 0 || to > size || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + size);
    }
    float[] v = Arrays.copyOfRange(values, from * dimension, to * dimension);
    int[] l = labels == null ? null : Arrays.copyOfRange(labels, from, to);
    return new Dataset(name, v, to - from, itemShape, l);
  }

  /** Copies the examples at {@code indices} (in that order) into {@code out}, row-major. */
  public void gather(int[] indices, int offset, int count, float[] out) {
    for (int i = 0; i < count; i++) {
      System.arraycopy(values, indices[offset + i] * dimension, out, i * dimension, dimension);
    }
  }

  /** A copy with the same examples and a new name. */
  public Dataset withName(String newName) {
    return new Dataset(newName, values, size, itemShape, labels);
  }

  @Override
  public String toString() {
    return name + " (" + size + " x " + Arrays.toString(itemShape) + ")";
  }
}
