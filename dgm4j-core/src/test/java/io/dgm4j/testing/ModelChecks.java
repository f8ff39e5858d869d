package io.dgm4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Autograd;
import io.dgm4j.models.DensityModel;
import java.util.function.Function;

/** Checks of the mathematics every density model must satisfy, shared by the model tests. */
public final class ModelChecks {
  private ModelChecks() {}

  /** All 2^D binary vectors, shape (2^D, D); row i is the binary expansion of i. */
  public static NDArray allBinaryStates(NDManager manager, int dimension) {
    int n = 1 << dimension;
    float[] v = new float[n * dimension];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dimension; d++) {
        v[i * dimension + d] = (i >> d) & 1;
      }
    }
    return manager.create(v, new Shape(n, dimension));
  }

  /** Sum over all 2^D states of exp(logProb) is 1 (to {@code tolerance}). */
  public static void assertNormalized(DensityModel model, double tolerance) {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray states = allBinaryStates(m, model.dimension());
      double total = model.logProb(states).exp().sum().getFloat();
      assertThat(total).as("sum of p(x) over all %d states", 1 << model.dimension())
          .isCloseTo(1.0, within(tolerance));
    }
  }

  /**
   * The autoregressive property, checked by gradients: output d (a column of
   * {@code outputs.apply(x)}, shape (N, D, ...)) has zero gradient with respect to every input
   * that does not come strictly before d in {@code ordering} (or at d, when {@code allowSelf}),
   * and a non-zero gradient with respect to at least one allowed input whenever d has allowed
   * inputs — so a model that ignores all its inputs fails the check.
   */
  public static void assertAutoregressive(
      NDManager manager, Function<NDArray, NDArray> outputs, int[] ordering, boolean allowSelf) {
    int dimension = ordering.length;
    int[] position = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      position[ordering[i]] = i;
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.randomUniform(0f, 1f, new Shape(3, dimension)).gt(0.5f).toType(
          ai.djl.ndarray.types.DataType.FLOAT32, false).add(m.randomUniform(-0.1f, 0.1f,
          new Shape(3, dimension)));
      x.setRequiresGradient(true);
      for (int d = 0; d < dimension; d++) {
        Autograd.zeroGradient(x);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray out = outputs.apply(x).get(new NDIndex(":, {}", d));
          gc.backward(out.sum());
        }
        float[] g = x.getGradient().abs().sum(new int[] {0}).toFloatArray();
        boolean dependsOnAllowed = false;
        boolean hasAllowed = false;
        for (int j = 0; j < dimension; j++) {
          boolean allowed = position[j] < position[d] || (allowSelf && j == d);
          if (allowed) {
            hasAllowed = true;
            dependsOnAllowed |= g[j] > 0;
          } else {
            assertThat(g[j]).as("d output %d must not depend on input %d", d, j).isZero();
          }
        }
        if (hasAllowed) {
          assertThat(dependsOnAllowed).as("output %d depends on some earlier input", d).isTrue();
        }
      }
    }
  }

  /**
   * Samples agree with logProb: over a tiny binary space, the empirical frequency of every state
   * in {@code n} draws is within {@code sigmas} binomial standard errors (plus 1/n) of exp(logProb).
   */
  public static void assertSamplesMatchLogProb(DensityModel model, int n, double sigmas) {
    int dimension = model.dimension();
    try (NDManager m = model.manager().newSubManager()) {
      float[] p = model.logProb(allBinaryStates(m, dimension)).exp().toFloatArray();
      float[] draws = model.sample(m, n).toFloatArray();
      int[] counts = new int[p.length];
      for (int i = 0; i < n; i++) {
        int state = 0;
        for (int d = 0; d < dimension; d++) {
          float v = draws[i * dimension + d];
          assertThat(v).as("sample value").isIn(0f, 1f);
          state |= (v == 1f ? 1 : 0) << d;
        }
        counts[state]++;
      }
      for (int s = 0; s < p.length; s++) {
        double se = Math.sqrt(p[s] * (1 - p[s]) / n);
        assertThat(counts[s] / (double) n).as("frequency of state %d", s)
            .isCloseTo(p[s], within(sigmas * se + 1.0 / n));
      }
    }
  }

  /**
   * Chain-rule completion is exact when the observed coordinates are a prefix of the ordering:
   * the first {@code prefix} coordinates of {@code model.ordering()} observed with the values
   * given by the bits of {@code pattern} (bit j for the j-th observed coordinate) in every row;
   * see {@link #assertCompletionMatchesConditional(DensityModel, float[], float[], NDArray,
   * int, double)}.
   */
  public static void assertCompletionMatchesConditional(
      io.dgm4j.models.AutoregressiveModel model, int prefix, int pattern, int n, double sigmas) {
    int dimension = model.dimension();
    float[] mask = new float[dimension];
    float[] values = new float[dimension];
    int[] order = model.ordering();
    for (int j = 0; j < prefix; j++) {
      mask[order[j]] = 1f;
      values[order[j]] = (pattern >> j) & 1;
    }
    assertThat(model.completesExactly(model.manager().create(mask))).isTrue();
    try (NDManager m = model.manager().newSubManager()) {
      NDArray draws = model.complete(repeat(m, values, n), m.create(mask));
      assertCompletionMatchesConditional(model, mask, values, draws, n, sigmas);
    }
  }

  /** {@code n} copies of {@code row}, shape (n, D). */
  public static NDArray repeat(NDManager m, float[] row, int n) {
    float[] out = new float[n * row.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(row, 0, out, i * row.length, row.length);
    }
    return m.create(out, new Shape(n, row.length));
  }

  /**
   * The exact conditional p(x_u | x_o) by enumeration: p(x) / sum of p over the states that
   * agree with the observed values, 0 for the others. Indexed by state (bit d = x_d).
   */
  public static double[] exactConditional(DensityModel model, float[] mask, float[] values) {
    int dimension = model.dimension();
    try (NDManager m = model.manager().newSubManager()) {
      float[] p = model.logProb(allBinaryStates(m, dimension)).exp().toFloatArray();
      double[] q = new double[p.length];
      double total = 0;
      for (int s = 0; s < p.length; s++) {
        boolean agrees = true;
        for (int d = 0; d < dimension; d++) {
          agrees &= mask[d] == 0f || ((s >> d) & 1) == (int) values[d];
        }
        q[s] = agrees ? p[s] : 0;
        total += q[s];
      }
      for (int s = 0; s < q.length; s++) {
        q[s] /= total;
      }
      return q;
    }
  }

  /** The frequency of each state (bit d = x_d) among the rows of binary draws. */
  public static double[] frequencies(NDArray draws) {
    int dimension = (int) draws.getShape().get(1);
    int n = (int) draws.getShape().get(0);
    float[] v = draws.toFloatArray();
    double[] f = new double[1 << dimension];
    for (int i = 0; i < n; i++) {
      int state = 0;
      for (int d = 0; d < dimension; d++) {
        assertThat(v[i * dimension + d]).as("drawn value").isIn(0f, 1f);
        state |= (v[i * dimension + d] == 1f ? 1 : 0) << d;
      }
      f[state] += 1.0 / n;
    }
    return f;
  }

  /** Total-variation distance (1/2) sum |p - q|. */
  public static double totalVariation(double[] p, double[] q) {
    double tv = 0;
    for (int s = 0; s < p.length; s++) {
      tv += Math.abs(p[s] - q[s]) / 2;
    }
    return tv;
  }

  /**
   * {@code draws} (n rows) keep the observed values and follow p(x_u | x_o) computed by
   * enumeration from logProb: every state's frequency is within {@code sigmas} binomial standard
   * errors (plus 1/n) of its conditional probability.
   */
  public static void assertCompletionMatchesConditional(DensityModel model, float[] mask,
      float[] values, NDArray draws, int n, double sigmas) {
    int dimension = model.dimension();
    float[] v = draws.toFloatArray();
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dimension; d++) {
        if (mask[d] == 1f) {
          assertThat(v[i * dimension + d]).as("observed value kept").isEqualTo(values[d]);
        }
      }
    }
    double[] q = exactConditional(model, mask, values);
    double[] f = frequencies(draws);
    for (int s = 0; s < q.length; s++) {
      double se = Math.sqrt(q[s] * (1 - q[s]) / n);
      assertThat(f[s]).as("conditional frequency of state %d", s)
          .isCloseTo(q[s], within(sigmas * se + 1.0 / n));
    }
  }

  /**
   * The number of parameter scalars that influence log p(x) at {@code x}: entries whose gradient
   * of sum logProb(x) is non-zero. An independent count of what a model can use, to compare with
   * {@link DensityModel#parameterCount()} (which may also subtract exact redundancies such as
   * the shift of softmax logits). Gradients are zeroed again afterwards.
   */
  public static long usedParameterCount(DensityModel model, NDArray x) {
    long used = 0;
    try (NDManager m = model.manager().newSubManager()) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(model.logProb(x).sum());
      }
      for (NDArray p : model.parameters().asMap().values()) {
        for (float g : p.getGradient().toFloatArray()) {
          used += g != 0f ? 1 : 0;
        }
        Autograd.zeroGradient(p);
      }
    }
    return used;
  }
}
