package io.dgm4j.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.evaluation.CpuLoad;
import io.dgm4j.evaluation.Validator;
import io.dgm4j.models.Batch;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.objectives.Objective;
import io.dgm4j.optim.NonFiniteException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The minibatch training loop, one for every family: for each epoch, shuffle, let the objective
 * take a step on each minibatch, measure the validation figure the model supports
 * ({@link Validator}), and tell the listeners. It knows nothing of any model family or of how an
 * objective updates its players.
 *
 * <p>Reproducibility: everything random in epoch e — the shuffle, the engine's generator (used
 * by models that sample inside a step) and, through {@code trainingData}, dynamic binarization —
 * is a function of (seed, e) alone. A run resumed from the checkpoint of epoch e therefore
 * continues exactly as the uninterrupted run would have.
 */
public final class Trainer {
  private final GenerativeModel model;
  private final Objective objective;
  private final TrainingConfig config;
  private final List<TrainingListener> listeners;
  private TrainingState state;

  /**
   * @param model the model to train
   * @param objective how it is trained (owns its optimizers; restored already when resuming);
   *     its optimizers take {@code config}'s Adam settings
   * @param config epochs, batch size, learning rate and schedule, early stopping, seed, Adam's
   *     constants
   * @param state where the run stands ({@link TrainingState#start()} for a new run)
   * @param listeners progress display, metrics log, checkpoints
   */
  public Trainer(GenerativeModel model, Objective objective, TrainingConfig config,
      TrainingState state, List<TrainingListener> listeners) {
    this.model = model;
    this.objective = objective;
    this.config = config;
    this.state = state;
    this.listeners = List.copyOf(listeners);
    objective.optimizers().forEach(optimizer -> optimizer.settings(config.adam()));
  }

  /**
   * Trains from the current state up to {@code config.epochs()}, or until early stopping.
   *
   * @param trainingData the training examples for each epoch (from 1), e.g. a fresh dynamic
   *     binarization of the same images
   * @param validation held-out examples, scored after the epochs {@link
   *     TrainingConfig#validatesAfter} names
   * @return the state at the end
   * @throws NonFiniteLossException when a loss or gradient is NaN or infinite (nothing is
   *     updated by it)
   */
  public TrainingState fit(IntFunction<Dataset> trainingData, Dataset validation) {
    Validator validator = new Validator(Math.max(config.batchSize(), 500));
    while (state.epoch() < config.epochs()) {
      if (config.patience() > 0 && state.epochsWithoutImprovement() >= config.patience()) {
        break;
      }
      int epoch = state.epoch() + 1;
      long epochSeed = mix(config.seed(), epoch);
      Engines.seed(epochSeed);
      Dataset data = trainingData.apply(epoch);
      int n = data.size();
      int batches = (n + config.batchSize() - 1) / config.batchSize();
      int[] order = permutation(n, new SplittableRandom(epochSeed));
      listeners.forEach(l -> l.onEpochStart(epoch, config.epochs(), batches));

      long started = System.nanoTime();
      CpuLoad.Reading loadBefore = CpuLoad.read();
      double lossSum = 0;
      long step = state.step();
      float[] buffer = new float[config.batchSize() * data.dimension()];
      int[] labelBuffer = data.hasLabels() ? new int[config.batchSize()] : null;
      double lr = config.learningRateAt(step, batches);
      for (int b = 0; b < batches; b++) {
        int from = b * config.batchSize();
        int count = Math.min(config.batchSize(), n - from);
        data.gather(order, from, count, buffer);
        if (labelBuffer != null) {
          data.gatherLabels(order, from, count, labelBuffer);
        }
        lr = config.learningRateAt(step, batches);
        double loss;
        try {
          loss = step(buffer, labelBuffer, count, data.dimension(), step, lr);
        } catch (NonFiniteException e) {
          throw new NonFiniteLossException(epoch, b + 1, e.what(), e.value());
        }
        lossSum += loss * count;
        step++;
        int batch = b + 1;
        listeners.forEach(l -> l.onBatchEnd(epoch, batch, loss));
      }
      double trainSeconds = (System.nanoTime() - started) / 1e9;
      double otherCores = CpuLoad.otherCores(loadBefore, CpuLoad.read());
      // validation and the listeners (checkpoints) see the weights the objective evaluates
      try (Objective.Scope evaluated = objective.evaluationWeights()) {
        endEpoch(epoch, step, batches, lossSum / n, n / trainSeconds, otherCores, lr, started,
            config.validatesAfter(epoch) ? validator.validate(model, objective, validation)
                : Validator.Result.SKIPPED);
      }
    }
    return state;
  }

  /**
   * Validation has run (with the weights the objective evaluates): checks its figure, updates
   * the state and tells the listeners, which write the checkpoints.
   */
  private void endEpoch(int epoch, long step, int batches, double trainLoss,
      double examplesPerSecond, double otherCores, double lr, long started,
      Validator.Result validated) {
    double validationLoss = validated.value();
    boolean skipped = validated.metric().equals("skipped");
    if (!skipped && !validated.metric().equals("none") && !Double.isFinite(validationLoss)) {
      // a NaN would compare as "not worse" forever after; stop before it is checkpointed
      throw new NonFiniteLossException(epoch, batches, "validation " + validated.metric()
          .replace('_', ' '), validationLoss);
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    boolean improved = !skipped && (validated.metric().equals("none")
        || Double.isNaN(state.bestValidationLoss())
        || validationLoss < state.bestValidationLoss());
    // patience counts validations: an epoch not validated leaves the count as it was
    int withoutImprovement = improved ? 0
        : skipped ? state.epochsWithoutImprovement() : state.epochsWithoutImprovement() + 1;
    state = new TrainingState(epoch, step,
        improved ? validationLoss : state.bestValidationLoss(),
        improved ? epoch : state.bestEpoch(), withoutImprovement,
        state.trainingSeconds() + seconds);
    EpochResult result = new EpochResult(epoch, step, trainLoss, validationLoss,
        validated.metric(), lr, seconds, examplesPerSecond, improved,
        Double.isNaN(otherCores) ? null : otherCores);
    listeners.forEach(l -> l.onEpochEnd(result, this));
  }

  /** One objective step on a batch held in the buffers; returns the batch loss. */
  private double step(float[] buffer, int[] labels, int count, int dimension, long step,
      double lr) {
    // NDScope frees every tensor made in the step, whichever manager owns it (an operation's
    // result lands in its first operand's manager, which may be the model's).
    try (NDScope stepScope = new NDScope();
        NDManager scope = model.manager().newSubManager()) {
      NDArray x = SharedMemory.tensor(scope, buffer, 0, count * dimension,
          new Shape(count, dimension));
      NDArray y = labels == null ? null
          : scope.create(java.util.Arrays.copyOf(labels, count));
      return objective.step(new Batch(x, y), step, lr);
    }
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  static int[] permutation(int n, SplittableRandom random) {
    return io.dgm4j.data.Permutations.of(n, random);
  }

  /** A seed for epoch e of a run with seed s (SplitMix64 finalizer of the pair). */
  public static long mix(long seed, long epoch) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public GenerativeModel model() {
    return model;
  }

  public Objective objective() {
    return objective;
  }

  public TrainingState state() {
    return state;
  }

  public TrainingConfig config() {
    return config;
  }
}
