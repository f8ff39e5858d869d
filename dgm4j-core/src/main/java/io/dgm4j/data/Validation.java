package io.dgm4j.data;

import io.dgm4j.models.Support;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Checks a model's expectations of its data before training starts, so that a mismatch is one
 * clear line ({@link DataException}) instead of a NaN loss or a shape error deep in the engine:
 * finite values, binary values for Bernoulli models, and the number of values per example.
 */
public final class Validation {
  private Validation() {}

  /** Every value is finite; otherwise names the first NaN or infinity. */
  public static void requireFinite(Dataset data) {
    forEachValue(data, (i, v) -> {
      if (!Float.isFinite(v)) {
        throw new DataException(data.name(), "non-finite value " + v + " at "
            + position(data, i));
      }
    });
  }

  /** Every value is exactly 0 or 1, as {@code modelName} (a Bernoulli model) requires. */
  public static void requireBinary(Dataset data, String modelName) {
    forEachValue(data, (i, v) -> {
      if (v != 0f && v != 1f) {
        throw new DataException(data.name(), "model " + modelName
            + " needs binary data (0/1); found " + v + " at " + position(data, i)
            + ": binary models need every value to be exactly 0 or 1");
      }
    });
  }

  private interface ValueCheck {
    void check(long flatIndex, float value);
  }

  /** Every value with its flat index, read row by row (data sets on demand have no array). */
  private static void forEachValue(Dataset data, ValueCheck check) {
    int d = data.dimension();
    if (data.inMemory()) {
      float[] v = data.values();
      for (int i = 0; i < v.length; i++) {
        check.check(i, v[i]);
      }
      return;
    }
    float[] row = new float[d];
    for (int e = 0; e < data.size(); e++) {
      data.row(e, row, 0);
      for (int j = 0; j < d; j++) {
        check.check((long) e * d + j, row[j]);
      }
    }
  }

  /**
   * Every value is an integer 0..255, as {@code modelName} (a categorical model of 8-bit pixels)
   * requires.
   */
  public static void requireBytes(Dataset data, String modelName) {
    float[] v = data.values();
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] >= 0f && v[i] <= 255f && v[i] == Math.rint(v[i]))) {
        throw new DataException(data.name(), "model " + modelName
            + " needs 8-bit pixel values (integers 0..255); found " + v[i] + " at "
            + position(data, i) + ": use an IDX image source, or a model setting for binary"
            + " pixels");
      }
    }
  }

  /**
   * The narrowest kind of value that holds all of {@code data}: {@link Support#BINARY} when
   * every value is 0 or 1, {@link Support#BYTE} when every value is an integer 0..255, else
   * {@link Support#REAL} — what a model must score to take the data as it is.
   */
  public static Support narrowestSupport(Dataset data) {
    return firstOutside(data, Support.BINARY).isEmpty() ? Support.BINARY
        : firstOutside(data, Support.BYTE).isEmpty() ? Support.BYTE : Support.REAL;
  }

  /**
   * The first value of {@code data} outside {@code support} and where it is, e.g. "37.0 at
   * example 0, column 3", for messages; empty when every value is inside.
   */
  public static java.util.Optional<String> firstOutside(Dataset data, Support support) {
    String[] first = {null};
    forEachValue(data, (i, v) -> {
      boolean inside = switch (support) {
        case BINARY -> v == 0f || v == 1f;
        case BYTE -> v >= 0f && v <= 255f && v == Math.rint(v);
        case REAL -> Float.isFinite(v);
      };
      if (!inside && first[0] == null) {
        first[0] = v + " at " + position(data, i);
      }
    });
    return java.util.Optional.ofNullable(first[0]);
  }

  /** Each example has {@code expected} values (e.g. 784 for 28x28 images). */
  public static void requireDimension(Dataset data, int expected) {
    if (data.dimension() != expected) {
      throw new DataException(data.name(), "expected " + expected + " values per example"
          + squareHint(expected) + ", got " + data.dimension() + " ("
          + shapeText(data.itemShape()) + ")");
    }
  }

  /** "example 3, pixel 17" for images, "example 3, column 17" for tables (both 0-based). */
  private static String position(Dataset data, long flatIndex) {
    long example = flatIndex / data.dimension();
    long within = flatIndex % data.dimension();
    return "example " + example + (data.itemShape().length >= 2 ? ", pixel " : ", column ")
        + within;
  }

  private static String squareHint(int n) {
    int side = (int) Math.round(Math.sqrt(n));
    return side * side == n && side > 1 ? " (" + side + "x" + side + ")" : "";
  }

  private static String shapeText(int[] shape) {
    return shape.length == 0 ? "scalar"
        : Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining("x"));
  }
}
