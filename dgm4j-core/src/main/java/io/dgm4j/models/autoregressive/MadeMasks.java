package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
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
    return masks(manager, drawDegrees(ordering, hidden, random), direct);
  }

  /**
   * The degrees of one mask set: {@code [0]} the inputs' (each coordinate's position in
   * {@code ordering}), {@code [1 + l]} hidden layer l's, drawn from {@code random}. The masks
   * follow from them ({@link #masks}), so a model can keep the degrees (a few thousand ints)
   * and build a set's masks when it needs them.
   */
  public static int[][] drawDegrees(int[] ordering, int[] hidden, SplittableRandom random) {
    int dimension = ordering.length;
    int[][] degrees = new int[hidden.length + 1][];
    degrees[0] = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      degrees[0][ordering[i]] = i;
    }
    for (int l = 0; l < hidden.length; l++) {
      int low = Arrays.stream(degrees[l]).min().getAsInt();
      int high = dimension - 2;
      int[] degree = new int[hidden[l]];
      for (int u = 0; u < degree.length; u++) {
        degree[u] = low <= high ? low + random.nextInt(high - low + 1) : dimension - 1;
      }
      degrees[l + 1] = degree;
    }
    return degrees;
  }

  /**
   * The masks of the degrees' set (hidden layers, output, then the direct connection when
   * {@code direct}), compared on the engine: a 2 x 8,000-unit set is 77 million entries, which
   * is no reason to fill a Java array and copy it. They belong to {@code manager} alone, not to
   * any {@link NDScope} open around the call.
   */
  public static NDArray[] masks(NDManager manager, int[][] degrees, boolean direct) {
    Link[] links = links(degrees, direct);
    NDArray[] set = new NDArray[links.length];
    for (int l = 0; l < links.length; l++) {
      set[l] = mask(manager, links[l]);
    }
    return set;
  }

  /**
   * What mask {@code l} connects: unit i of {@code from} to unit j of {@code to} where
   * to[j] &gt;= from[i] (hidden layers) or to[j] &gt; from[i] ({@code strict}: the output and
   * the direct connection).
   */
  public record Link(int[] from, int[] to, boolean strict) {
    /** Whether unit i of the input reaches unit j of the output. */
    public boolean connects(int i, int j) {
      return strict ? to[j] > from[i] : to[j] >= from[i];
    }
  }

  /**
   * The degrees' masks as links, numbered as {@link #masks} returns them: the hidden layers,
   * the output, then the direct connection when {@code direct}.
   */
  public static Link[] links(int[][] degrees, boolean direct) {
    int layers = degrees.length - 1;
    Link[] links = new Link[layers + (direct ? 2 : 1)];
    for (int l = 0; l < layers; l++) {
      links[l] = new Link(degrees[l], degrees[l + 1], false);
    }
    links[layers] = new Link(degrees[layers], degrees[0], true);
    if (direct) {
      links[layers + 1] = new Link(degrees[0], degrees[0], true);
    }
    return links;
  }

  /** The link's (from.length, to.length) 0/1 mask, compared on the engine. */
  private static NDArray mask(NDManager manager, Link link) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray column = scratch.create(link.from()).reshape(link.from().length, 1);
      NDArray row = scratch.create(link.to()).reshape(1, link.to().length);
      NDArray mask = (link.strict() ? row.gt(column) : row.gte(column))
          .toType(DataType.FLOAT32, false);
      mask.attach(manager);
      NDScope.unregister(mask);
      return mask;
    }
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
