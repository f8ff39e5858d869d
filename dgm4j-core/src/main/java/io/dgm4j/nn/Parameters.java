package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable tensors of a model, by name, in a fixed order.
 *
 * <p>Initial values are drawn in Java from a {@link SplittableRandom}, so a model built with the
 * same seed has the same weights on every engine and device. Every tensor is created with
 * gradients attached and lives in the model's manager.
 */
public final class Parameters {
  private final NDManager manager;
  private final SplittableRandom random;
  private final Map<String, NDArray> tensors = new LinkedHashMap<>();
  private final java.util.Set<String> addedLater = new java.util.HashSet<>();

  public Parameters(NDManager manager, long seed) {
    this.manager = manager;
    this.random = new SplittableRandom(seed);
  }

  /** Adds a tensor of zeros. */
  public NDArray zeros(String name, long... shape) {
    return add(name, new float[(int) new Shape(shape).size()], shape);
  }

  /**
   * Marks tensor {@code name} as one a model gained after checkpoints had been written: loading
   * a checkpoint without it sets it to zero instead of failing. Only for tensors whose zero value
   * makes the model compute exactly what it computed before they existed (the weights of an
   * added term), so that an old checkpoint still scores as it did.
   */
  public void addedLater(String name) {
    get(name);
    addedLater.add(name);
  }

  /** Adds a tensor filled with {@code value}. */
  public NDArray constant(String name, float value, long... shape) {
    float[] v = new float[(int) new Shape(shape).size()];
    Arrays.fill(v, value);
    return add(name, v, shape);
  }

  /** Adds a tensor with entries uniform in {@code [-bound, bound]}. */
  public NDArray uniform(String name, double bound, long... shape) {
    float[] v = new float[(int) new Shape(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
    }
    return add(name, v, shape);
  }

  /** Adds a tensor with entries from N(0, std^2). */
  public NDArray normal(String name, double std, long... shape) {
    float[] v = new float[(int) new Shape(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (nextGaussian() * std);
    }
    return add(name, v, shape);
  }

  /**
   * Adds a weight matrix {@code [fanIn, fanOut]} with Glorot/Xavier uniform initialisation,
   * bound sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio, 2010).
   */
  public NDArray glorot(String name, long fanIn, long fanOut) {
    return uniform(name, Math.sqrt(6.0 / (fanIn + fanOut)), fanIn, fanOut);
  }

  /** Adds a tensor with the given values. */
  public NDArray add(String name, float[] values, long... shape) {
    if (tensors.containsKey(name)) {
      throw new IllegalArgumentException("duplicate parameter " + name);
    }
    NDArray array = manager.create(values, new Shape(shape));
    array.setName(name);
    array.setRequiresGradient(true);
    tensors.put(name, array);
    return array;
  }

  /**
   * Adds every tensor of {@code other} (the same tensors, not copies) under {@code prefix} +
   * its name: a model made of sub-models (one per class) owns their parameters this way, so
   * optimizers and checkpoints see one set.
   */
  public void include(String prefix, Parameters other) {
    other.tensors.forEach((name, array) -> {
      String key = prefix + name;
      if (tensors.containsKey(key)) {
        throw new IllegalArgumentException("duplicate parameter " + key);
      }
      tensors.put(key, array);
    });
  }

  /** The tensor called {@code name}. */
  public NDArray get(String name) {
    NDArray a = tensors.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no parameter " + name + "; have " + tensors.keySet());
    }
    return a;
  }

  /** All tensors by name, in creation order (unmodifiable view). */
  public Map<String, NDArray> asMap() {
    return Collections.unmodifiableMap(tensors);
  }

  /** Total number of scalar parameters. */
  public long count() {
    return tensors.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /** The tensors as a list, each named by its key here (for safetensors encoding). */
  public NDList toNDList() {
    NDList list = new NDList();
    tensors.forEach((name, array) -> {
      array.setName(name);
      list.add(array);
    });
    return list;
  }

  /**
   * Overwrites every tensor with the one of the same name in {@code values}; fails with a clear
   * message if a name is missing (except a tensor {@linkplain #addedLater added later},
   * which is then zero) or a shape differs.
   */
  public void load(NDList values, String source) {
    Map<String, NDArray> byName = new LinkedHashMap<>();
    for (NDArray a : values) {
      byName.put(a.getName(), a);
    }
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      NDArray v = byName.get(e.getKey());
      if (v == null && addedLater.contains(e.getKey())) {
        e.getValue().set(new float[(int) e.getValue().getShape().size()]);
        continue;
      }
      if (v == null) {
        throw new IllegalArgumentException(source + ": missing parameter " + e.getKey());
      }
      if (!v.getShape().equals(e.getValue().getShape()) || v.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException(
            source + ": parameter " + e.getKey() + " has shape " + v.getShape() + " "
                + v.getDataType() + ", expected " + e.getValue().getShape() + " float32");
      }
      e.getValue().set(v.toFloatArray());
    }
  }

  /** A standard normal draw from this set's seeded generator (Marsaglia polar method). */
  private double nextGaussian() {
    double u;
    double v;
    double s;
    do {
      u = 2 * random.nextDouble() - 1;
      v = 2 * random.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * Math.log(s) / s);
  }

  /** The seeded generator, for models that draw other random structure (orderings, masks). */
  public SplittableRandom random() {
    return random;
  }

  public NDManager manager() {
    return manager;
  }
}
