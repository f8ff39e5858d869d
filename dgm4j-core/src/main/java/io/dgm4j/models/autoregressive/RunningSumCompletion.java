package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.nn.TensorMath;

/**
 * Chain-rule completion for autoregressive models whose state after x_{<d} is a running sum
 * s = s_0 + sum_{j<d} x_j r_j — FVSBN's logits, NADE's and RNADE's hidden pre-activations.
 * Drawing coordinate d then costs one update of s, O(S), instead of a full forward pass: D
 * draws cost O(D S) per example, where recomputing all conditionals each time costs O(D^2 S).
 *
 * <p>Coordinates are visited in the model's ordering; where {@code observed} is 1 the given value
 * is kept (and still enters s), elsewhere a value is drawn from the model's conditional.
 */
final class RunningSumCompletion {
  private RunningSumCompletion() {}

  /** Draws x_d for every row, shape (N, 1), from the conditional given the state (N, S). */
  @FunctionalInterface
  interface ConditionalDraw {
    NDArray draw(NDArray state, int d);
  }

  /**
   * @param x (N, D); values at unobserved coordinates are ignored
   * @param observed (N, D) or (D), 1 where x is given
   * @param order the ordering, {@code order[i]} generated i-th
   * @param initial s_0, shape (S) or (1, S)
   * @param rows r_d for each coordinate d, shape (1, S) each
   * @param conditional draws x_d from p(x_d | s)
   * @return (N, D) in x's manager
   */
  static NDArray complete(NDArray x, NDArray observed, int[] order, NDArray initial,
      NDList rows, ConditionalDraw conditional) {
    int n = (int) x.getShape().get(0);
    int dimension = order.length;
    NDList columns = new NDList(dimension);
    for (int d = 0; d < dimension; d++) {
      columns.add(null);
    }
    NDArray result;
    try (NDScope outer = new NDScope()) {
      NDArray keep = observed.getShape().dimension() == 1
          ? observed.reshape(1, dimension).broadcast(x.getShape()) : observed;
      keep = keep.toType(DataType.FLOAT32, false);
      float[] keptRows = keep.sum(new int[] {0}).toFloatArray();
      NDList given = x.mul(keep).split(dimension, 1); // (N, 1) each: observed values, else 0
      NDList free = keep.neg().add(1).split(dimension, 1); // (N, 1) each: 1 where drawn
      long stateSize = initial.getShape().get(initial.getShape().dimension() - 1);
      NDArray state = initial.reshape(1, stateSize).broadcast(new Shape(n, stateSize))
          .duplicate();
      NDScope.unregister(state);
      for (int i = 0; i < dimension; i++) {
        int d = order[i];
        NDArray next = null;
        NDArray value;
        try (NDScope step = new NDScope()) {
          if (keptRows[d] == n) {
            value = given.get(d).duplicate();
          } else {
            NDArray draw = conditional.draw(state, d);
            value = keptRows[d] == 0 ? draw : given.get(d).add(free.get(d).mul(draw));
          }
          if (i < dimension - 1) {
            next = state.add(value.matMul(rows.get(d))); // s += x_d r_d: (N, 1) @ (1, S)
            NDScope.unregister(next);
          }
          NDScope.unregister(value);
        }
        columns.set(d, value);
        state.close();
        state = next;
      }
      result = TensorMath.concat(columns, 1);
      NDScope.unregister(result);
    } finally {
      columns.forEach(c -> {
        if (c != null) {
          c.close();
        }
      });
    }
    result.attach(x.getManager());
    return result;
  }

  /** Logistic noise log u - log(1 - u), one (N, 1) column per coordinate: x = 1 iff l > noise. */
  static NDList logisticNoise(NDArray x) {
    NDArray u = x.getManager().randomUniform(0f, 1f, x.getShape());
    return u.log().sub(u.neg().add(1).log()).split(x.getShape().get(1), 1);
  }
}
