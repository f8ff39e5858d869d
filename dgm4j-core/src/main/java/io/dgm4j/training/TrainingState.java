package io.dgm4j.training;

/**
 * Where a run stands after a completed epoch: what a checkpoint records besides tensors.
 *
 * @param epoch epochs completed
 * @param step optimizer steps taken
 * @param bestValidationLoss best validation figure so far (lower is better; the NLL in nats for
 *     density models), {@code NaN} before the first
 * @param bestEpoch the epoch that reached it (0 before the first)
 * @param epochsWithoutImprovement epochs since then, for early stopping
 * @param trainingSeconds wall time spent training so far
 */
public record TrainingState(
    int epoch, long step,
    @com.fasterxml.jackson.annotation.JsonAlias("bestValidationNll") double bestValidationLoss,
    int bestEpoch,
    int epochsWithoutImprovement, double trainingSeconds) {

  public static TrainingState start() {
    return new TrainingState(0, 0, Double.NaN, 0, 0, 0);
  }
}
