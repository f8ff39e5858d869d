package io.dgm4j.models;

/**
 * A model that counts the arithmetic of its training step, for the achieved GFLOP/s that {@code dgm
 * bench} sets beside a plain matmul. Counts are multiply-adds per example (2 flops each) of the
 * matrix products and convolutions, which dominate the step; a step runs the forward products once
 * and, in the backward pass, two products for each (the inputs' and the weights' gradients) except
 * in layers that read the data, which need only the weights' gradient.
 */
public interface TrainingCost {

  /**
   * Multiply-adds of one example's forward pass when the objective draws {@code latentSamples}
   * latent values per example (the ELBO: 1; the k-sample importance-weighted bound: k); models
   * without latent variables ignore it.
   */
  long forwardMultiplyAdds(int latentSamples);

  /** Of those, the multiply-adds of the layers that read the data itself. */
  long dataLayerMultiplyAdds();
}
