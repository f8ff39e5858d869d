package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Records f(x) of every chain every {@code every} steps, to judge mixing: the Gelman-Rubin
 * potential scale reduction R-hat (Gelman and Rubin, 1992) over the second half of the record,
 * sqrt(((n−1)/n W + B/n) / W) with W the mean within-chain variance and B/n the variance of the
 * chain means. Values near 1 say the chains agree; well above 1 (say 1.1) that they have not
 * forgotten where they started.
 */
public final class LogDensityTrace implements Chains.Observer {
  private final LogDensity target;
  private final int every;
  private final List<float[]> values = new ArrayList<>();

  public LogDensityTrace(LogDensity target, int every) {
    if (every < 1) {
      throw new IllegalArgumentException("every must be >= 1, got " + every);
    }
    this.target = target;
    this.every = every;
  }

  @Override
  public void observe(int step, NDArray x) {
    if (step % every == 0) {
      try (NDScope scope = new NDScope()) {
        values.add(target.logDensity(x).toFloatArray());
      }
    }
  }

  /** The recorded values, one array of f per chain per record. */
  public List<float[]> values() {
    return List.copyOf(values);
  }

  /** R-hat over the second half of the record; NaN with fewer than 4 records or 2 chains. */
  public double rhat() {
    int records = values.size();
    int from = records / 2;
    int n = records - from;
    if (n < 2 || values.get(0).length < 2) {
      return Double.NaN;
    }
    int chains = values.get(0).length;
    double[] mean = new double[chains];
    for (int t = from; t < records; t++) {
      for (int c = 0; c < chains; c++) {
        mean[c] += values.get(t)[c] / (double) n;
      }
    }
    double within = 0;
    for (int t = from; t < records; t++) {
      for (int c = 0; c < chains; c++) {
        double d = values.get(t)[c] - mean[c];
        within += d * d / ((n - 1.0) * chains);
      }
    }
    double grand = 0;
    for (double m : mean) {
      grand += m / chains;
    }
    double between = 0; // B / n
    for (double m : mean) {
      between += (m - grand) * (m - grand) / (chains - 1.0);
    }
    if (within == 0) {
      return between == 0 ? 1.0 : Double.POSITIVE_INFINITY;
    }
    return Math.sqrt(((n - 1.0) / n * within + between) / within);
  }
}
