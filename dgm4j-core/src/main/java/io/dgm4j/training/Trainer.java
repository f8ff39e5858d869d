package io.dgm4j.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.models.DensityModel;
import io.dgm4j.objectives.Objective;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The minibatch training loop: for each epoch, shuffle, step Adam on the objective, measure the
 * validation NLL, and tell the listeners. It knows nothing of any model family.
 *
 * <p>Reproducibility: everything random in epoch e — the shuffle, the engine's generator (used
 * by models that sample inside a step) and, through {@code trainingData}, dynamic binarization —
 * is a function of (seed, e) alone. A run resumed from the checkpoint of epoch e therefore
 * continues exactly as the uninterrupted run would have.
 */
public final class Trainer {
  private final DensityModel model;
  private final Objective objective;
  private final TrainingConfig config;
  private final Adam optimizer;
  private final List<TrainingListener> listeners;
  private TrainingState state;
  private Tracker schedule;
  private long scheduleSteps;

  public Trainer(DensityModel model, Objective objective, TrainingConfig config, Adam optimizer,
      TrainingState state, List<TrainingListener> listeners) {
    this.model = model;
    this.objective = objective;
    this.config = config;
    this.optimizer = optimizer;
    this.state = state;
    this.listeners = List.copyOf(listeners);
  }

  /**
   * Trains from the current state up to {@code config.epochs()}, or until early stopping.
   *
   * @param trainingData the training examples for each epoch (from 1), e.g. a fresh dynamic
   *     binarization of the same images
   * @param validation held-out examples scored after every epoch
   * @return the state at the end
   * @throws NonFiniteLossException when a loss is NaN or infinite (nothing is updated by it)
   */
  public TrainingState fit(IntFunction<Dataset> trainingData, Dataset validation) {
    LikelihoodEvaluator evaluator = new LikelihoodEvaluator(Math.max(config.batchSize(), 500));
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
      double lossSum = 0;
      long step = state.step();
      float[] buffer = new float[config.batchSize() * data.dimension()];
      double lr = learningRate(step, batches);
      for (int b = 0; b < batches; b++) {
        int from = b * config.batchSize();
        int count = Math.min(config.batchSize(), n - from);
        data.gather(order, from, count, buffer);
        lr = learningRate(step, batches);
        double loss = step(buffer, count, data.dimension(), step, lr);
        if (!Double.isFinite(loss)) {
          throw new NonFiniteLossException(epoch, b + 1, loss);
        }
        lossSum += loss * count;
        step++;
        int batch = b + 1;
        listeners.forEach(l -> l.onBatchEnd(epoch, batch, loss));
      }
      double trainSeconds = (System.nanoTime() - started) / 1e9;
      double validationNll = evaluator.evaluate(model, validation).nllNats();
      double seconds = (System.nanoTime() - started) / 1e9;

      boolean improved = Double.isNaN(state.bestValidationNll())
          || validationNll < state.bestValidationNll();
      state = new TrainingState(epoch, step,
          improved ? validationNll : state.bestValidationNll(),
          improved ? epoch : state.bestEpoch(),
          improved ? 0 : state.epochsWithoutImprovement() + 1,
          state.trainingSeconds() + seconds);
      EpochResult result = new EpochResult(epoch, step, lossSum / n, validationNll, lr, seconds,
          n / trainSeconds, improved);
      listeners.forEach(l -> l.onEpochEnd(result, this));
    }
    return state;
  }

  /** One optimizer step on a batch held in {@code buffer}; returns the batch loss. */
  private double step(float[] buffer, int count, int dimension, long step, double lr) {
    // NDScope frees every tensor made in the step, whichever manager owns it (an operation's
    // result lands in its first operand's manager, which may be the model's).
    try (NDScope stepScope = new NDScope();
        NDManager scope = model.manager().newSubManager()) {
      NDArray x = scope.create(FloatBuffer.wrap(buffer, 0, count * dimension),
          new Shape(count, dimension));
      double loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray value = objective.loss(model, x, step);
        loss = value.getFloat();
        if (!Double.isFinite(loss)) {
          return loss;
        }
        collector.backward(value);
      }
      if (config.clipNorm() > 0) {
        optimizer.clipGradientNorm(config.clipNorm());
      }
      optimizer.step(lr);
      return loss;
    }
  }

  private double learningRate(long step, int batchesPerEpoch) {
    if ("constant".equals(config.schedule())) {
      return config.learningRate();
    }
    long total = (long) batchesPerEpoch * config.epochs();
    if (schedule == null || scheduleSteps != total) {
      schedule = Tracker.cosine().setBaseValue((float) config.learningRate())
          .optFinalValue((float) (config.learningRate() / 100)).setMaxUpdates((int) total)
          .build();
      scheduleSteps = total;
    }
    return schedule.getNewValue((int) Math.min(step, total));
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** A seed for epoch e of a run with seed s (SplitMix64 finalizer of the pair). */
  public static long mix(long seed, long epoch) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public DensityModel model() {
    return model;
  }

  public Adam optimizer() {
    return optimizer;
  }

  public TrainingState state() {
    return state;
  }

  public TrainingConfig config() {
    return config;
  }
}
