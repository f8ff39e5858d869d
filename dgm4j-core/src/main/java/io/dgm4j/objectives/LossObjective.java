package io.dgm4j.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import io.dgm4j.models.Batch;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.optim.Adam;
import io.dgm4j.optim.GradientStep;
import java.util.List;

/**
 * An objective that minimises one scalar loss of the model's parameters with Adam: the common
 * case (maximum likelihood, the ELBO, score matching, NCE). Subclasses give {@link #loss}.
 */
public abstract class LossObjective implements Objective {
  protected final GenerativeModel model;
  private final Adam optimizer;
  private final double clipNorm;

  protected LossObjective(GenerativeModel model, double clipNorm) {
    this.model = model;
    this.optimizer = new Adam(model.parameters());
    this.clipNorm = clipNorm;
  }

  /**
   * The scalar loss of a batch at training step {@code step} (a mean over examples).
   *
   * @return shape (), recorded by autograd when called inside a gradient collector
   */
  public abstract NDArray loss(Batch batch, long step);

  @Override
  public double step(Batch batch, long step, double learningRate) {
    return GradientStep.minimize(() -> loss(batch, step), optimizer, clipNorm, learningRate);
  }

  @Override
  public NDList state() {
    return optimizer.state();
  }

  @Override
  public void restore(NDList state, long step, String source) {
    optimizer.load(state, step, source);
  }

  @Override
  public double validationLoss(Batch batch) {
    try (NDScope scope = new NDScope()) {
      return loss(batch, 0).getFloat();
    }
  }

  /** The optimizer of the model's parameters. */
  public Adam optimizer() {
    return optimizer;
  }

  @Override
  public List<Adam> optimizers() {
    return List.of(optimizer);
  }
}
