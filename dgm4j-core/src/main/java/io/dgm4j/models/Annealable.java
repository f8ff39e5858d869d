package io.dgm4j.models;

import io.dgm4j.data.Dataset;
import io.dgm4j.sampling.AnnealingPath;

/**
 * An {@link EnergyModel} whose log Z can be estimated by annealed importance sampling along a
 * path from a tractable base fitted to data (for an RBM, Salakhutdinov and Murray's base-rate
 * model from the pixel marginals), and which then reports that estimate from
 * {@link EnergyModel#logZ()}.
 */
public interface Annealable extends EnergyModel {

  /**
   * The path from a base distribution fitted to {@code data} to this model. Any base gives an
   * unbiased estimate of Z; a base close to the model gives a smaller spread.
   */
  AnnealingPath annealingPath(Dataset data);

  /** Attaches an estimate of log Z for the current parameters ({@code null} forgets it). */
  void useLogZ(EnergyModel.LogPartition estimate);
}
