package io.dgm4j.training;

/** Callbacks from the training loop: progress display, metrics log, checkpoints. */
public interface TrainingListener {

  /** Called before the first batch of {@code epoch} (from 1) of {@code totalEpochs}. */
  default void onEpochStart(int epoch, int totalEpochs, int batches) {}

  /** Called after each optimizer step with that batch's loss. */
  default void onBatchEnd(int epoch, int batch, double loss) {}

  /** Called after validation; {@code trainer} gives access to the state to checkpoint. */
  default void onEpochEnd(EpochResult result, Trainer trainer) {}
}
