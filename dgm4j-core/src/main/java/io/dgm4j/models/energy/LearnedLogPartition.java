package io.dgm4j.models.energy;

import ai.djl.ndarray.NDArray;

/**
 * An energy-based model that carries log Z as one more trainable scalar, for objectives that
 * learn it (noise-contrastive and flow contrastive estimation: Gutmann and Hyvärinen, 2010, treat
 * c = −log Z as a parameter; the classifier between data and noise fixes it). The model then
 * reports that value from {@code logZ()} with method {@code nce}.
 */
public interface LearnedLogPartition {

  /** The trainable scalar log Z, shape (). */
  NDArray logZParameter();

  /** Records whether the objective training this model learns log Z (saved with the model). */
  void learnsLogZ(boolean learned);
}
