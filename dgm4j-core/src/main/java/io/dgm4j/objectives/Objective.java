package io.dgm4j.objectives;

import ai.djl.ndarray.NDList;
import io.dgm4j.models.Batch;
import io.dgm4j.optim.Adam;
import java.util.List;

/**
 * How a model learns: one training step turns a minibatch into parameter updates. The training
 * loop knows nothing else of a model or of how it is trained.
 *
 * <p>Most objectives minimise one loss with one optimizer ({@link LossObjective}). Objectives
 * with two players (adversarial training, flow contrastive estimation, GANs) or their own
 * sampling (contrastive divergence with persistent chains) own their optimizers, players and
 * chains here too, and save them through {@link #state()} so a run resumes exactly.
 */
public interface Objective {

  /** The name shown to users, e.g. {@code maximum likelihood}. */
  String name();

  /**
   * One training step: updates the model (and any other player) from {@code batch}.
   *
   * @param step the global step count, from 0 (ensembles pick a member from it)
   * @param learningRate this step's learning rate
   * @return the loss to report for this batch, a mean per example (nats for likelihood-based
   *     objectives)
   * @throws io.dgm4j.optim.NonFiniteException when a loss or gradient is NaN or infinite (no
   *     update is applied)
   */
  double step(Batch batch, long step, double learningRate);

  /**
   * Everything beyond the model's weights that an exact resume needs, as named tensors:
   * optimizer moments, other players' weights, persistent chains.
   */
  NDList state();

  /** Restores what {@link #state()} saved; {@code step} is the number of steps already taken. */
  void restore(NDList state, long step, String source);

  /**
   * Every optimizer this objective updates with, one per player (the model's first), so that a
   * run's Adam settings ({@code dgm train --adam-betas --adam-epsilon}) reach all of them.
   */
  List<Adam> optimizers();

  /**
   * This objective's loss on held-out data without any update, lower is better; NaN when the
   * objective has no such figure (e.g. contrastive divergence, whose loss needs fresh samples).
   * The trainer uses it only for models with no likelihood or bound of their own.
   */
  default double validationLoss(Batch batch) {
    return Double.NaN;
  }

  /**
   * The name of what {@link #validationLoss} measures, as recorded in {@code metrics.jsonl}:
   * {@code objective} (the objective's own loss) unless it is a figure of its own (a GAN's
   * {@code mmd2}).
   */
  default String validationMetric() {
    return "objective";
  }

  /**
   * Puts the weights that are to be evaluated and saved into the model until the returned scope
   * closes: the trainer validates and writes its checkpoints inside it. Most objectives evaluate
   * the weights they train, so there is nothing to do; {@link WeightAveraging} puts in the
   * moving average of the weights.
   */
  default Scope evaluationWeights() {
    return () -> { };
  }

  /** What {@link #evaluationWeights()} returns: closing it puts the training weights back. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Latent values drawn per example in one step: the k of a k-sample bound (IWAE), 1 for every
   * other objective. Throughput figures multiply a latent-variable model's per-draw work by it.
   */
  default int latentDrawsPerExample() {
    return 1;
  }
}
