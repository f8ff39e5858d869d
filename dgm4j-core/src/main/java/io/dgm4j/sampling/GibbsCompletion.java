package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.SharedMemory;
import java.util.function.UnaryOperator;

/**
 * Single-site Gibbs sampling of the unobserved coordinates of binary x under an exact
 * log p(x) (given as a function, so that this package depends on no model): the MCMC correction that turns any starting completion into draws from
 * p(x_unobserved | x_observed).
 *
 * <p>One sweep visits every unobserved coordinate d in turn and redraws it from its full
 * conditional p(x_d | x_{-d}) = sigmoid(log p(x with x_d = 1) - log p(x with x_d = 0)) — two
 * evaluations of log p(x) per coordinate, batched over rows. Each update leaves the
 * conditional p(x_u | x_o) invariant, and the chain is irreducible on {0,1}^|u| when p is
 * positive everywhere (true of every logistic model), so the draws converge to
 * p(x_u | x_o) as the sweeps grow (Geman and Geman, 1984). The observed coordinates never
 * change. An autoregressive model's chain-rule completion, which is exact only when the
 * observed coordinates come first in its ordering, is a good starting point: it is already
 * close where the ordering and the mask mostly agree.
 *
 * <p>Cost per sweep: 2 |u| evaluations of log p on N rows. {@link #DEFAULT_SWEEPS} is what
 * {@code GibbsCompletionTest} shows is enough on small models with strong dependencies, where
 * the starting draw is far from the conditional; on images it is a practical setting, not a
 * guarantee — more sweeps are always closer.
 */
public final class GibbsCompletion {
  /** Sweeps used when none is given; see the class comment. */
  public static final int DEFAULT_SWEEPS = 20;

  private GibbsCompletion() {}

  /**
   * Runs {@code sweeps} Gibbs sweeps over the coordinates where {@code observed} is 0.
   *
   * @param logProb exact log p(x) of binary vectors: (M, D) to (M)
   * @param start (N, D) binary values; observed coordinates hold the given values
   * @param observed (N, D) or (D), 1 where the value is given
   * @param sweeps number of sweeps, 0 returns a copy of start
   * @return (N, D) in start's manager
   */
  public static NDArray refine(UnaryOperator<NDArray> logProb, NDArray start, NDArray observed,
      int sweeps) {
    if (sweeps < 0) {
      throw new IllegalArgumentException("--sweeps must be >= 0, got " + sweeps);
    }
    int n = (int) start.getShape().get(0);
    int dimension = (int) start.getShape().get(1);
    float[] x = start.toFloatArray();
    float[] keep = observed.getShape().dimension() == 1
        ? tile(observed.toFloatArray(), n) : observed.toFloatArray();
    NDManager owner = start.getManager();
    float[] pair = new float[2 * n * dimension];
    for (int sweep = 0; sweep < sweeps; sweep++) {
      for (int d = 0; d < dimension; d++) {
        boolean anyFree = false;
        for (int i = 0; i < n && !anyFree; i++) {
          anyFree = keep[i * dimension + d] == 0f;
        }
        if (!anyFree) {
          continue;
        }
        // rows 0..n-1: x with x_d = 0; rows n..2n-1: x with x_d = 1
        System.arraycopy(x, 0, pair, 0, n * dimension);
        System.arraycopy(x, 0, pair, n * dimension, n * dimension);
        for (int i = 0; i < n; i++) {
          pair[i * dimension + d] = 0f;
          pair[(n + i) * dimension + d] = 1f;
        }
        float[] lp;
        float[] u;
        try (NDScope scope = new NDScope();
            NDManager step = owner.newSubManager()) {
          lp = logProb.apply(SharedMemory.tensor(step, pair, new Shape(2L * n, dimension)))
              .toFloatArray();
          u = step.randomUniform(0f, 1f, new Shape(n)).toFloatArray();
        }
        for (int i = 0; i < n; i++) {
          if (keep[i * dimension + d] == 0f) {
            double p1 = 1 / (1 + Math.exp(lp[i] - lp[n + i]));
            x[i * dimension + d] = u[i] < p1 ? 1f : 0f;
          }
        }
      }
    }
    return owner.create(x, new Shape(n, dimension));
  }

  private static float[] tile(float[] row, int n) {
    float[] out = new float[row.length * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(row, 0, out, i * row.length, row.length);
    }
    return out;
  }
}
