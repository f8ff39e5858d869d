package io.dgm4j.models.autoregressive;

import java.util.SplittableRandom;

/**
 * The coordinate orderings an autoregressive model can be built with, by name.
 *
 * <ul>
 *   <li>{@code "raster"}: the identity, 0, 1, ..., D-1 (row by row for an image);
 *   <li>{@code "random"}: a uniformly random permutation drawn (Fisher-Yates) from a generator
 *       seeded with the configuration's ordering seed, so the same seed gives the same ordering
 *       whatever the weight seed.
 * </ul>
 */
public final class Orderings {
  private Orderings() {}

  /** Fails with a message naming the setting unless {@code name} is a known ordering. */
  public static void check(String name) {
    if (!"raster".equals(name) && !"random".equals(name)) {
      throw new IllegalArgumentException(
          "ordering must be \"raster\" or \"random\", got " + (name == null ? "null" : "\"" + name + "\""));
    }
  }

  /** {@code result[i]} is the coordinate generated i-th. */
  public static int[] of(String name, long seed, int dimension) {
    check(name);
    int[] order = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      order[i] = i;
    }
    if ("random".equals(name)) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = dimension - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** The inverse permutation: {@code position[d]} is the step at which coordinate d is generated. */
  public static int[] positions(int[] order) {
    int[] position = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      position[order[i]] = i;
    }
    return position;
  }

  /** Whether {@code order} is the identity (then no permutation is needed). */
  public static boolean isIdentity(int[] order) {
    for (int i = 0; i < order.length; i++) {
      if (order[i] != i) {
        return false;
      }
    }
    return true;
  }
}
