package io.dgm4j.models.flow;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.models.DensityModel;

/** Independent checks of a 2-D density: its mass on a square, and where its samples fall. */
final class PlaneQuadrature {
  private PlaneQuadrature() {}

  /** Midpoint quadrature of exp(logProb) over [lo, hi]^2 with r x r cells, in double. */
  static double mass(NDManager m, DensityModel model, double lo, double hi, int r) {
    double h = (hi - lo) / r;
    float[] grid = new float[2 * r * r];
    for (int j = 0; j < r; j++) {
      for (int i = 0; i < r; i++) {
        grid[2 * (j * r + i)] = (float) (lo + (i + 0.5) * h);
        grid[2 * (j * r + i) + 1] = (float) (lo + (j + 0.5) * h);
      }
    }
    double mass = 0;
    for (float v : model.logProb(m.create(grid, new Shape((long) r * r, 2))).toFloatArray()) {
      mass += Math.exp(v) * h * h;
    }
    return mass;
  }

  /** The fraction of 2-D draws (x0, y0, x1, y1, ...) inside [lo, hi]^2. */
  static double fractionInside(float[] draws, double lo, double hi) {
    int inside = 0;
    for (int n = 0; n < draws.length / 2; n++) {
      if (draws[2 * n] >= lo && draws[2 * n] <= hi && draws[2 * n + 1] >= lo
          && draws[2 * n + 1] <= hi) {
        inside++;
      }
    }
    return inside / (draws.length / 2.0);
  }
}
