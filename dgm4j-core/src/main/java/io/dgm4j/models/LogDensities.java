package io.dgm4j.models;

import io.dgm4j.sampling.LogDensity;

/**
 * A model as the target of an MCMC sampler ({@code io.dgm4j.sampling}): f(x) = −E(x) with the
 * model's own score for an {@link EnergyModel}, f(x) = log p(x) with the score from autograd for
 * a {@link DensityModel}. Either way the sampler never needs Z.
 */
public final class LogDensities {
  private LogDensities() {}

  /** The unnormalized log-density of {@code model}; an error for models that have none. */
  public static LogDensity of(GenerativeModel model) {
    if (model instanceof EnergyModel energy) {
      return LogDensity.withScore(x -> energy.energy(x).neg(), energy::score);
    }
    if (model instanceof DensityModel density) {
      return LogDensity.of(density::logProb, density.parameters().asMap().values());
    }
    throw new IllegalArgumentException(model.family() + " has neither an energy nor an exact"
        + " log-likelihood, which MCMC sampling needs");
  }
}
