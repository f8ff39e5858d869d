package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.flow.Maf;
import io.dgm4j.optim.Adam;
import io.dgm4j.optim.GradientStep;
import java.util.List;
import java.util.function.Supplier;

/**
 * The second player of a two-player energy objective: a masked autoregressive flow ({@link Maf})
 * with exact log-density and reparameterized samples, and its own Adam. Its weights and moments
 * travel in the objective's state under the prefix {@code flow.}, so a resumed run continues the
 * game exactly.
 */
final class FlowPlayer {
  private static final String PREFIX = "flow.";
  private final Maf flow;
  private final Adam optimizer;
  private final double clipNorm;

  /** The flow's gradient-norm bound when the run sets none (--clip-norm 0). */
  static final double DEFAULT_CLIP_NORM = 10;

  /**
   * A flow over the model's dimension, in a sub-manager of the model's; its gradients are
   * clipped at {@code clipNorm}, or at {@link #DEFAULT_CLIP_NORM} when that is 0 (a flow chasing a
   * moving energy otherwise overshoots into overflow within a few steps).
   */
  FlowPlayer(GenerativeModel model, List<Integer> hidden, int layers, double clipNorm) {
    this.flow = new Maf(model.manager().newSubManager(), model.dimension(),
        new Maf.Config(hidden, layers, 1L), 7919L);
    this.optimizer = new Adam(flow.parameters());
    this.clipNorm = clipNorm > 0 ? clipNorm : DEFAULT_CLIP_NORM;
  }

  /** One maximum-likelihood step of the flow on data (the warm-up before the game starts). */
  double fit(NDArray x, double learningRate) {
    return minimize(() -> flow.logProb(x).mean().neg(), learningRate);
  }

  Maf flow() {
    return flow;
  }

  Adam optimizer() {
    return optimizer;
  }

  /** One step of the flow minimising {@code loss}. */
  double minimize(Supplier<NDArray> loss, double learningRate) {
    return GradientStep.minimize(loss, optimizer, clipNorm, learningRate);
  }

  /** The flow's weights and moments, each name prefixed with {@code flow.}. */
  NDList state() {
    NDList out = new NDList();
    for (NDArray a : flow.parameters().toNDList()) {
      out.add(renamed(a));
    }
    for (NDArray a : optimizer.state()) {
      out.add(renamed(a));
    }
    return out;
  }

  /** Restores what {@link #state()} saved. */
  void restore(NDList state, long step, String source) {
    NDList mine = new NDList();
    for (NDArray a : state) {
      if (a.getName() != null && a.getName().startsWith(PREFIX)) {
        NDArray c = a.duplicate();
        c.setName(a.getName().substring(PREFIX.length()));
        mine.add(c);
      }
    }
    flow.parameters().load(mine, source);
    optimizer.load(mine, step, source);
  }

  private static NDArray renamed(NDArray a) {
    NDArray c = a.duplicate();
    c.setName(PREFIX + a.getName());
    return c;
  }
}
