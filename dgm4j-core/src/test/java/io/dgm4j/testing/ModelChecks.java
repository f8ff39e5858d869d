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
   * Completion is exact when the observed coordinate comes first: with the first coordinate of
   * {@code model.ordering()} observed as {@code value} in every row, every completion keeps it,
   * and the frequency of each state of the others is within {@code sigmas} binomial standard
   * errors (plus 1/n) of p(x) / p(x_first = value) computed from logProb.
   */
  public static void assertCompletionMatchesConditional(
      io.dgm4j.models.AutoregressiveModel model, float value, int n, double sigmas) {
    int dimension = model.dimension();
    int first = model.ordering()[0];
    try (NDManager m = model.manager().newSubManager()) {
      float[] p = model.logProb(allBinaryStates(m, dimension)).exp().toFloatArray();
      double marginal = 0;
      for (int s = 0; s < p.length; s++) {
        if (((s >> first) & 1) == (int) value) {
          marginal += p[s];
        }
      }
      float[] mask = new float[dimension];
      mask[first] = 1f;
      float[] start = new float[n * dimension];
      for (int i = 0; i < n; i++) {
        start[i * dimension + first] = value;
      }
      float[] draws = model.complete(m.create(start, new Shape(n, dimension)),
          m.create(mask)).toFloatArray();
      int[] counts = new int[p.length];
      for (int i = 0; i < n; i++) {
        int state = 0;
        for (int d = 0; d < dimension; d++) {
          float v = draws[i * dimension + d];
          assertThat(v).as("completed value").isIn(0f, 1f);
          state |= (v == 1f ? 1 : 0) << d;
        }
        assertThat(draws[i * dimension + first]).as("observed value kept").isEqualTo(value);
        counts[state]++;
      }
      for (int s = 0; s < p.length; s++) {
        double q = ((s >> first) & 1) == (int) value ? p[s] / marginal : 0;
        double se = Math.sqrt(q * (1 - q) / n);
        assertThat(counts[s] / (double) n).as("conditional frequency of state %d", s)
            .isCloseTo(q, within(sigmas * se + 1.0 / n));
      }
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
