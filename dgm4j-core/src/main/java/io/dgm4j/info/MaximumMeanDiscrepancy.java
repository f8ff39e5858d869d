package io.dgm4j.info;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Scalars;
import java.util.Arrays;

/**
 * The squared maximum mean discrepancy between two samples (Gretton et al., "A Kernel
 * Two-Sample Test", JMLR 2012): with a kernel k, MMD²(p, q) = E k(x, x') + E k(y, y') -
 * 2 E k(x, y) for x, x' ~ p and y, y' ~ q, which for a characteristic kernel (the Gaussian) is 0
 * exactly when p = q. It compares distributions from samples alone, so it measures models that
 * have no likelihood (a GAN's generator).
 *
 * <p>{@link #unbiasedSquared} is their unbiased estimate MMD²_u (Lemma 6): the within-sample
 * means leave out i = j, so it is 0 in expectation when p = q and may come out slightly
 * negative. The kernel is exp(-|a - b|² / (2 s²)) with s the median distance between the
 * examples of the first sample (the median heuristic), so the figure does not depend on the
 * model being measured.
 */
public final class MaximumMeanDiscrepancy {
  private MaximumMeanDiscrepancy() {}

  /**
   * MMD²_u between the rows of x (n, D), the reference sample, and the rows of y (m, D). Its
   * temporary tensors are made in x's and y's managers: call it inside a scope.
   *
   * @throws IllegalArgumentException when a sample has fewer than two rows or the widths differ
   */
  public static double unbiasedSquared(NDArray x, NDArray y) {
    int n = (int) x.getShape().get(0);
    int m = (int) y.getShape().get(0);
    if (n < 2 || m < 2 || x.getShape().get(1) != y.getShape().get(1)) {
      throw new IllegalArgumentException("MMD needs two samples of at least 2 rows of the same"
          + " width, got " + x.getShape() + " and " + y.getShape());
    }
    float[] xx = squaredDistances(x, x);
    double[] offDiagonal = new double[n * (n - 1)];
    int at = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          offDiagonal[at++] = Math.max(xx[i * n + j], 0f);
        }
      }
    }
    Arrays.sort(offDiagonal);
    double twiceSquaredScale = 2 * Math.max(offDiagonal[offDiagonal.length / 2], 1e-12);
    return meanKernel(xx, n, n, twiceSquaredScale, true)
        + meanKernel(squaredDistances(y, y), m, m, twiceSquaredScale, true)
        - 2 * meanKernel(squaredDistances(x, y), n, m, twiceSquaredScale, false);
  }

  /** |a_i - b_j|² for the rows of a (n, D) and b (m, D), row-major (n, m). */
  private static float[] squaredDistances(NDArray a, NDArray b) {
    NDArray aa = a.square().sum(new int[] {1}).expandDims(1);
    NDArray bb = b.square().sum(new int[] {1}).expandDims(0);
    return aa.add(bb).sub(Scalars.times(a.matMul(b.transpose()), 2)).toFloatArray();
  }

  /**
   * The mean of exp(-d / twiceSquaredScale) over the (rows, columns) entries of d, or over its
   * off-diagonal ones.
   */
  private static double meanKernel(float[] d, int rows, int columns, double twiceSquaredScale,
      boolean offDiagonal) {
    double sum = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        if (!offDiagonal || i != j) {
          sum += Math.exp(-Math.max(d[i * columns + j], 0f) / twiceSquaredScale);
        }
      }
    }
    return sum / (offDiagonal ? (double) rows * (columns - 1) : (double) rows * columns);
  }
}
