package io.dgm4j.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import ai.djl.training.tracker.Tracker;
import io.dgm4j.optim.Adam;

/**
 * How a model is trained: minibatch Adam on maximum likelihood with an optional cosine
 * learning-rate decay, gradient-norm clipping and early stopping on validation NLL.
 *
 * @param epochs total passes over the training data (a resumed run continues up to this)
 * @param batchSize examples per step
 * @param learningRate Adam's base learning rate
 * @param schedule {@code constant} or {@code cosine} (decays to {@code learningRate/100} over
 *     all steps of {@code epochs})
 * @param clipNorm global gradient-norm clip; 0 disables it
 * @param patience stop after this many epochs without a better validation NLL; 0 disables it
 * @param seed the seed of everything random in the run (weights, order, binarization)
 * @param ema the decay per step of a moving average of the weights that validation,
 *     checkpoints and so every later use of the run see ({@link
 *     io.dgm4j.objectives.WeightAveraging}); 0 disables it
 * @param validateEvery validate after every this many epochs and after the last; epochs in
 *     between are not validated, so the best checkpoint and {@code patience} (which then counts
 *     validations) see only the validated ones. 1 validates every epoch; more saves time where
 *     validation costs as much as training (a 32-mask MADE ensemble scores every held-out
 *     image under all 32 masks)
 * @param adam Adam's β1, β2 and ε for every optimizer of the objective ({@link Adam.Settings};
 *     Kingma and Ba's 0.9, 0.999, 1e-8 unless set)
 */
public record TrainingConfig(
    int epochs, int batchSize, double learningRate, String schedule, double clipNorm,
    int patience, long seed, double ema, int validateEvery, Adam.Settings adam) {

  public TrainingConfig {
    require(epochs >= 1, "epochs must be at least 1, got " + epochs);
    require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
    require(learningRate > 0 && Double.isFinite(learningRate),
        "learning rate must be positive, got " + learningRate);
    require("constant".equals(schedule) || "cosine".equals(schedule),
        "schedule must be constant or cosine, got " + schedule);
    require(clipNorm >= 0, "clip norm must be >= 0, got " + clipNorm);
    require(patience >= 0, "patience must be >= 0, got " + patience);
    require(ema == 0 || (ema > 0 && ema < 1), "ema must be 0 (off) or in (0, 1), got " + ema);
    require(validateEvery >= 1, "validateEvery must be at least 1, got " + validateEvery);
    require(adam != null, "adam settings must be given (Adam.Settings.defaults() for Adam's own)");
  }

  /** Without a weight average, validating every epoch, with Adam's own constants. */
  public TrainingConfig(int epochs, int batchSize, double learningRate, String schedule,
      double clipNorm, int patience, long seed) {
    this(epochs, batchSize, learningRate, schedule, clipNorm, patience, seed, 0, 1,
        Adam.Settings.defaults());
  }

  /**
   * Reads a run.json's {@code training} section; runs recorded before {@code validateEvery}
   * existed validated every epoch, and those recorded before {@code adam} used Adam's own
   * constants (a cd/pcd run's β1 then stood in its objective's settings; {@link
   * RunDirectory#readInfo} moves it here).
   */
  @JsonCreator
  static TrainingConfig read(@JsonProperty("epochs") int epochs,
      @JsonProperty("batchSize") int batchSize,
      @JsonProperty("learningRate") double learningRate,
      @JsonProperty("schedule") String schedule, @JsonProperty("clipNorm") double clipNorm,
      @JsonProperty("patience") int patience, @JsonProperty("seed") long seed,
      @JsonProperty("ema") double ema, @JsonProperty("validateEvery") Integer validateEvery,
      @JsonProperty("adam") Adam.Settings adam) {
    return new TrainingConfig(epochs, batchSize, learningRate, schedule, clipNorm, patience,
        seed, ema, validateEvery == null ? 1 : validateEvery,
        adam == null ? Adam.Settings.defaults() : adam);
  }

  /** Whether the run validates after {@code epoch} (from 1). */
  public boolean validatesAfter(int epoch) {
    return epoch % validateEvery == 0 || epoch >= epochs;
  }

  /**
   * The learning rate of the optimizer step that follows {@code stepsDone} steps, in a run of
   * {@code batchesPerEpoch} batches per epoch: {@link #learningRate} for the constant schedule;
   * for the cosine one, from {@link #learningRate} down to a hundredth of it over all of the
   * run's {@code epochs x batchesPerEpoch} steps (DJL's cosine tracker). A resume with another
   * {@code --epochs} therefore re-fits the cosine, and the rate jumps where it resumes.
   */
  public double learningRateAt(long stepsDone, int batchesPerEpoch) {
    if ("constant".equals(schedule)) {
      return learningRate;
    }
    long total = (long) batchesPerEpoch * epochs;
    return Tracker.cosine().setBaseValue((float) learningRate)
        .optFinalValue((float) (learningRate / 100)).setMaxUpdates((int) total).build()
        .getNewValue((int) Math.min(stepsDone, total));
  }

  public static TrainingConfig defaults() {
    return new TrainingConfig(10, 100, 1e-3, "constant", 0, 0, 1);
  }

  public TrainingConfig withSeed(long newSeed) {
    return new TrainingConfig(epochs, batchSize, learningRate, schedule, clipNorm, patience,
        newSeed, ema, validateEvery, adam);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
