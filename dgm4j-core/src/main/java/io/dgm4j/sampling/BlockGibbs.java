package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;

/** Gibbs sampling with a model's own block sweep ({@link GibbsSweep}); never rejects. */
public final class BlockGibbs implements TransitionKernel {
  private final GibbsSweep model;

  public BlockGibbs(GibbsSweep model) {
    this.model = model;
  }

  @Override
  public String name() {
    return "gibbs";
  }

  @Override
  public Step step(NDArray x) {
    return new Step(model.gibbsSweep(x), null);
  }
}
