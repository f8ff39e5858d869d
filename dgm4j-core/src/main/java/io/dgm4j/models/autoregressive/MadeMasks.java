package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The connectivity masks of MADE (Germain et al., 2015), shared by every model built from masked
 * autoencoders (MADE itself, the masked autoregressive flow).
 *
 * <p>Input coordinate j gets the degree m(j) = its position in the ordering (0 .. D-1). Each
 * hidden unit of layer l gets a degree drawn uniformly from [min of layer l-1's degrees, D-2]
 * (a unit of degree D-1 could feed no output). Hidden mask M[k' -> k] = [m(k) >= m(k')]; output
 * mask M[k -> d] = [m(d) > m(k)]; the direct input-to-output mask M[j -> d] = [m(d) > m(j)].
 * The strict inequality at the output keeps x_d out of its own conditional. With D = 1 no degree
 * is valid: hidden units get degree D-1 = 0 and feed nothing.
 */
public final class MadeMasks {
  private MadeMasks() {}

  /**
   * One mask set for {@code ordering}: the masks of the hidden layers, of the output, and (when
   * {@code direct}) of the direct input-to-output connection, as float 0/1 tensors of the
   * weights' shapes (in, out), in {@code manager}.
   */
  public static NDArray[] draw(NDManager manager, int[] ordering, int[] hidden, boolean direct,
      SplittableRandom random) {
    int dimension = ordering.length;
    int[] inputDegree = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      inputDegree[ordering[i]] = i;
    }
    int layers = hidden.length;
    NDArray[] set = new NDArray[layers + (direct ? 2 : 1)];
    int[] previous = inputDegree;
    for (int l = 0; l < layers; l++) {
      int low = Arrays.stream(previous).min().getAsInt();
      int high = dimension - 2;
      int[] degree = new int[hidden[l]];
      for (int u = 0; u < degree.length; u++) {
        degree[u] = low <= high ? low + random.nextInt(high - low + 1) : dimension - 1;
      }
      set[l] = mask(manager, previous, degree, false);
      previous = degree;
    }
    set[layers] = mask(manager, previous, inputDegree, true);
    if (direct) {
      set[layers + 1] = mask(manager, inputDegree, inputDegree, true);
    }
    return set;
  }

  /** (from.length, to.length) 0/1 mask: 1 where to[j] >= from[i] (or > when strict). */
  private static NDArray mask(NDManager manager, int[] from, int[] to, boolean strict) {
    float[] m = new float[from.length * to.length];
    for (int i = 0; i < from.length; i++) {
      for (int j = 0; j < to.length; j++) {
        boolean connected = strict ? to[j] > from[i] : to[j] >= from[i];
        m[i * to.length + j] = connected ? 1f : 0f;
      }
    }
    return manager.create(m, new Shape(from.length, to.length));
  }

  /** The ordering 0, 1, ..., D-1. */
  public static int[] naturalOrdering(int dimension) {
    int[] o = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      o[i] = i;
    }
    return o;
  }
}
