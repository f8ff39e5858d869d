package io.dgm4j.objectives;

import ai.djl.ndarray.NDArray;
import io.dgm4j.models.Batch;
import io.dgm4j.models.latent.Autoencoder;

/**
 * Train an autoencoder: minimise the mean reconstruction error −log p(x | g(f(x))) in nats (the
 * binary cross-entropy for binary images). Not a likelihood of x: it says how much of x the code
 * keeps, and is the figure validation and {@code dgm eval} report for autoencoders.
 */
public final class Reconstruction extends LossObjective {
  private final Autoencoder autoencoder;

  public Reconstruction(Autoencoder model, double clipNorm) {
    super(model, clipNorm);
    this.autoencoder = model;
  }

  @Override
  public NDArray loss(Batch batch, long step) {
    return autoencoder.reconstructionError(batch.x()).mean();
  }

  @Override
  public String name() {
    return "reconstruction error";
  }
}
