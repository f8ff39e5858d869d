package io.dgm4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.ToyData;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.GenerativeModel;

/**
 * Numerical integration of a 2-D model's density on a regular grid: log Z of an energy model
 * (method {@code quadrature}), the mass a density model puts on the grid, and the KL divergence
 * from a known true density, all by the midpoint rule over grid cells.
 *
 * <p>The grid covers every point of the given data sets with a margin of {@code margin} times
 * the data's range on each side; outside it the model's mass is not counted, so log Z is a lower
 * bound that tightens as the margin grows (the energy must rise away from the data, which every
 * objective here makes it do). Log-sum-exp keeps the sum stable in double precision.
 */
public final class GridQuadrature {

  /** The grid: a resolution × resolution array of cells over [xMin, xMax] × [yMin, yMax]. */
  public record Grid(double xMin, double xMax, double yMin, double yMax, int resolution) {
    public double cellArea() {
      return (xMax - xMin) / resolution * (yMax - yMin) / resolution;
    }

    /** The centre of cell (i, j): column i along x, row j along y. */
    public double x(int i) {
      return xMin + (i + 0.5) * (xMax - xMin) / resolution;
    }

    public double y(int j) {
      return yMin + (j + 0.5) * (yMax - yMin) / resolution;
    }

    /** Cell centres, row-major (row j, column i), as floats (resolution², 2). */
    public float[] centres() {
      float[] v = new float[2 * resolution * resolution];
      for (int j = 0; j < resolution; j++) {
        for (int i = 0; i < resolution; i++) {
          int c = j * resolution + i;
          v[2 * c] = (float) x(i);
          v[2 * c + 1] = (float) y(j);
        }
      }
      return v;
    }
  }

  private GridQuadrature() {}

  /** A square-celled grid covering every point of {@code sets} with a relative margin. */
  public static Grid covering(double margin, int resolution, Dataset... sets) {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Dataset set : sets) {
      if (set.dimension() != 2) {
        throw new IllegalArgumentException(set.name() + " is not 2-D; grid quadrature needs"
            + " 2-D data");
      }
      for (int n = 0; n < set.size(); n++) {
        xMin = Math.min(xMin, set.get(n, 0));
        xMax = Math.max(xMax, set.get(n, 0));
        yMin = Math.min(yMin, set.get(n, 1));
        yMax = Math.max(yMax, set.get(n, 1));
      }
    }
    double half = Math.max(xMax - xMin, yMax - yMin) * (0.5 + margin);
    double cx = (xMin + xMax) / 2;
    double cy = (yMin + yMax) / 2;
    return new Grid(cx - half, cx + half, cy - half, cy + half, resolution);
  }

  /**
   * The model's log-density up to a constant at {@code points} (n, 2): log p(x) for a density
   * model, −E(x) for an energy model.
   */
  public static double[] unnormalizedLogDensity(GenerativeModel model, float[] points,
      int batchSize) {
    int n = points.length / 2;
    double[] out = new double[n];
    for (int start = 0; start < n; start += batchSize) {
      int count = Math.min(batchSize, n - start);
      try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
        NDArray x = m.create(java.util.Arrays.copyOfRange(points, 2 * start,
            2 * (start + count)), new Shape(count, 2));
        NDArray value;
        if (model instanceof DensityModel d) {
          value = d.logProb(x);
        } else if (model instanceof EnergyModel e) {
          value = e.energy(x).neg();
        } else {
          throw new IllegalArgumentException(model.family() + " has neither a density nor an"
              + " energy to integrate");
        }
        float[] v = value.toFloatArray();
        for (int i = 0; i < count; i++) {
          out[start + i] = v[i];
        }
      }
    }
    return out;
  }

  /** log Σ_cells exp(values) · cell area: log Z of exp(values) by the midpoint rule. */
  public static double logIntegral(double[] gridValues, Grid grid) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : gridValues) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : gridValues) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum) + Math.log(grid.cellArea());
  }

  /** A closed-form log-density at the cell centres, row-major. */
  public static double[] onGrid(ToyData.LogDensity f, Grid grid) {
    int r = grid.resolution();
    double[] t = new double[r * r];
    for (int j = 0; j < r; j++) {
      for (int i = 0; i < r; i++) {
        t[j * r + i] = f.at(grid.x(i), grid.y(j));
      }
    }
    return t;
  }

  /**
   * KL(p_true ‖ p_model) = ∫ p_true log(p_true / p_model) by the midpoint rule, both densities
   * normalised over the grid's cells (so the figure compares shapes on the same support).
   *
   * @param truthLogDensity the true log-density at the cell centres (−∞ where it is 0)
   * @param modelLogDensity the model's log-density at the cell centres, up to a constant
   */
  public static double klFromTruth(double[] truthLogDensity, double[] modelLogDensity,
      Grid grid) {
    double logTruthMass = logIntegral(truthLogDensity, grid);
    double logModelMass = logIntegral(modelLogDensity, grid);
    double area = grid.cellArea();
    double kl = 0;
    for (int c = 0; c < truthLogDensity.length; c++) {
      if (truthLogDensity[c] == Double.NEGATIVE_INFINITY) {
        continue;
      }
      double logPt = truthLogDensity[c] - logTruthMass;
      double logPm = modelLogDensity[c] - logModelMass;
      kl += Math.exp(logPt) * area * (logPt - logPm);
    }
    return kl;
  }
}
