package io.dgm4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A model whose draws are a deterministic map of standard Gaussian noise, x = g(u) with
 * u ~ N(0, I) (a flow: g is the inverse of its bijection), can draw at a temperature T: u ~ N(0,
 * T² I), then x = g(u). T &lt; 1 keeps the draws nearer the base's mode at the cost of variety;
 * Kingma and Dhariwal (2018, Glow, section 5) show cleaner images at T = 0.7 from their
 * multi-scale convolutional flow, while the fully connected Real NVP here turns MNIST strokes
 * grayer (docs/BENCHMARKS.md). T = 1 draws from the model itself, T &gt; 1 spreads the draws
 * wider. A tempered draw is not a draw from p(x), nor from p(x)^(1/T²) normalised unless g is
 * affine.
 */
public interface TemperedSampling {

  /**
   * Draws {@code n} examples as g(T u), u ~ N(0, I), using the engine's random generator.
   *
   * @param temperature T, at least 0 (0: every draw is g(0))
   * @return shape (n, D), in {@code manager}
   */
  NDArray sample(NDManager manager, int n, double temperature);

  /** The check every implementation makes of its temperature. */
  static double requireTemperature(double temperature) {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number >= 0, got "
          + temperature);
    }
    return temperature;
  }
}
