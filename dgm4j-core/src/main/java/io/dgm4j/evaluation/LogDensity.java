package io.dgm4j.evaluation;

import io.dgm4j.data.Dataset;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.LatentVariableModel;

/**
 * The log-density a model offers for ranking inputs, whichever contract it implements — the
 * one quantity every anomaly score is built from:
 *
 * <ul>
 *   <li>{@link DensityModel}: the exact log p(x);
 *   <li>{@link EnergyModel}: f(x) = −E(x), plus log Z where it is known; without log Z it is
 *       log p(x) + log Z, off by one constant for every input, so rankings, differences between
 *       two models (a constant again) and distances from a training mean are unchanged;
 *   <li>{@link LatentVariableModel}: the importance-weighted estimate with {@code k} samples
 *       (a stochastic lower bound on log p(x) in expectation; IWAE).
 * </ul>
 *
 * @param model the model
 * @param kind {@code exact}, {@code unnormalized} (an energy without log Z), {@code energy+logZ}
 *     or {@code iwae-K}
 */
public record LogDensity(GenerativeModel model, String kind, int importanceSamples) {

  /** What {@code model} offers, or a plain error naming the family and what is missing. */
  public static LogDensity of(GenerativeModel model, int importanceSamples) {
    if (model instanceof DensityModel) {
      return new LogDensity(model, "exact", 0);
    }
    if (model instanceof EnergyModel energy) {
      return new LogDensity(model, energy.logZ().isPresent() ? "energy+logZ" : "unnormalized",
          0);
    }
    if (model instanceof LatentVariableModel) {
      if (importanceSamples < 1) {
        throw new IllegalArgumentException("importance samples must be at least 1, got "
            + importanceSamples);
      }
      return new LogDensity(model, "iwae-" + importanceSamples, importanceSamples);
    }
    throw new IllegalArgumentException(model.family() + " has neither a likelihood, an energy"
        + " nor a likelihood bound to score inputs with");
  }

  /** Whether the values are normalized log-densities (false: up to one unknown constant). */
  public boolean normalized() {
    return !kind.equals("unnormalized");
  }

  /** The value for every example of {@code data}, in nats, in dataset order. */
  public double[] of(Dataset data, int batchSize) {
    LikelihoodEvaluator evaluator = new LikelihoodEvaluator(batchSize);
    if (model instanceof DensityModel density) {
      return evaluator.logProbs(density, data);
    }
    if (model instanceof EnergyModel energy) {
      double logZ = energy.logZ().map(EnergyModel.LogPartition::value).orElse(0.0);
      double[] out = evaluator.perExample(model, data, x -> energy.energy(x).neg());
      for (int i = 0; i < out.length; i++) {
        out[i] -= logZ;
      }
      return out;
    }
    LatentVariableModel latent = (LatentVariableModel) model;
    return evaluator.perExample(model, data, x -> latent.logProbEstimate(x, importanceSamples));
  }
}
