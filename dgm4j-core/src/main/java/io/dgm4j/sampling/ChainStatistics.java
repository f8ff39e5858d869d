package io.dgm4j.sampling;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run of chains measured: how many chains and steps, the acceptance rate (overall and per
 * step; NaN for kernels that never reject), the mean squared jump per coordinate and step (for
 * binary x: the fraction of values that changed), the Gelman-Rubin R-hat of the log-density
 * across chains when a {@link LogDensityTrace} watched the run (near 1 when the chains have
 * mixed), and the time taken.
 */
public record ChainStatistics(String sampler, int chains, int steps, double acceptanceRate,
    float[] acceptanceByStep, double meanSquaredJump, double rhat, double seconds) {

  /** Steps of every chain per second of wall time. */
  public double stepsPerSecond() {
    return steps / seconds;
  }

  /**
   * The figures as a flat map for commands and run folders: {@code steps}, {@code chains},
   * {@code mean_squared_jump}, {@code steps_per_second}, and {@code acceptance_rate} and
   * {@code log_density_rhat} where measured.
   */
  public Map<String, Double> toMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("steps", (double) steps);
    m.put("chains", (double) chains);
    if (!Double.isNaN(acceptanceRate)) {
      m.put("acceptance_rate", acceptanceRate);
    }
    m.put("mean_squared_jump", meanSquaredJump);
    if (!Double.isNaN(rhat)) {
      m.put("log_density_rhat", rhat);
    }
    m.put("steps_per_second", stepsPerSecond());
    return m;
  }
}
