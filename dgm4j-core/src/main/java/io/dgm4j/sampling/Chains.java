package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;

/**
 * A batch of Markov chains on the engine: the states x, shape (N, D), one chain per row, kept in
 * a manager of their own so they persist between calls (persistent contrastive divergence keeps
 * one such batch for the whole run and saves {@link #state()} in its checkpoint).
 *
 * <p>{@link #run} applies a {@link TransitionKernel} step by step, each step inside its own
 * {@link NDScope} so memory stays flat however long the run, and measures acceptance and jump
 * size on the way; {@link Observer}s see the states every step (a {@link LogDensityTrace} for
 * R-hat, or a snapshot every N steps for a picture of the chain).
 */
public final class Chains implements AutoCloseable {

  /** Sees the chains' states after each step (step counts from 1 within a run). */
  @FunctionalInterface
  public interface Observer {
    void observe(int step, NDArray x);
  }

  private final NDManager manager;
  private NDArray state;

  /**
   * Chains starting at a copy of {@code initial}.
   *
   * @param parent the manager whose lifetime bounds the chains' (a sub-manager is made)
   * @param initial starting states, shape (N, D)
   */
  public Chains(NDManager parent, NDArray initial) {
    if (initial.getShape().dimension() != 2) {
      throw new IllegalArgumentException("chain states must have shape (N, D), got "
          + initial.getShape());
    }
    this.manager = parent.newSubManager();
    this.state = copy(initial);
  }

  /** The current states, shape (N, D), owned by the chains (copy it to keep it). */
  public NDArray state() {
    return state;
  }

  /** Number of chains N. */
  public int size() {
    return (int) state.getShape().get(0);
  }

  /** Replaces the states with a copy of {@code values} (same shape): a restore or a restart. */
  public void set(NDArray values) {
    if (!values.getShape().equals(state.getShape())) {
      throw new IllegalArgumentException("chain states have shape " + state.getShape()
          + ", cannot set them to " + values.getShape());
    }
    NDArray old = state;
    state = copy(values);
    old.close();
  }

  /** Runs {@code steps} transitions of every chain. */
  public ChainStatistics run(TransitionKernel kernel, int steps) {
    return run(kernel, steps, List.of());
  }

  /** Runs {@code steps} transitions of every chain, showing each state to the observers. */
  public ChainStatistics run(TransitionKernel kernel, int steps, List<Observer> observers) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    long started = System.nanoTime();
    float[] acceptance = new float[steps];
    boolean rejects = false;
    double acceptedSum = 0;
    NDArray squaredJump = manager.zeros(new ai.djl.ndarray.types.Shape());
    for (int t = 1; t <= steps; t++) {
      try (NDScope scope = new NDScope()) {
        TransitionKernel.Step s = kernel.step(state);
        NDArray next = s.next();
        squaredJump.addi(next.sub(state).square().sum());
        if (s.accepted() != null) {
          rejects = true;
          acceptance[t - 1] = s.accepted().mean().getFloat();
          acceptedSum += acceptance[t - 1];
        }
        NDScope.unregister(next);
        next.attach(manager);
        if (next != state) {
          state.close();
        }
        state = next;
      }
      for (Observer o : observers) {
        o.observe(t, state);
      }
    }
    double jump = steps == 0 ? 0 : squaredJump.getFloat() / ((double) steps * state.size());
    squaredJump.close();
    double rhat = Double.NaN;
    for (Observer o : observers) {
      if (o instanceof LogDensityTrace trace) {
        rhat = trace.rhat();
      }
    }
    return new ChainStatistics(kernel.name(), size(), steps,
        rejects ? acceptedSum / steps : Double.NaN, rejects ? acceptance : new float[0], jump,
        rhat, (System.nanoTime() - started) / 1e9);
  }

  /**
   * Runs fresh chains from {@code initial} for {@code steps} transitions and returns their final
   * states in {@code out}, with what the run measured (R-hat of {@code monitor}, when given,
   * recorded about 100 times over the run).
   */
  public static Result draw(NDManager out, NDArray initial, TransitionKernel kernel, int steps,
      LogDensity monitor) {
    return draw(out, initial, kernel, steps, monitor, null);
  }

  /** {@link #draw(NDManager, NDArray, TransitionKernel, int, LogDensity)}, also showing every
   * state to {@code observer} (null: none), e.g. to report progress. */
  public static Result draw(NDManager out, NDArray initial, TransitionKernel kernel, int steps,
      LogDensity monitor, Observer observer) {
    try (Chains chains = new Chains(out, initial)) {
      List<Observer> observers = new java.util.ArrayList<>();
      if (monitor != null) {
        observers.add(new LogDensityTrace(monitor, Math.max(1, steps / 100)));
      }
      if (observer != null) {
        observers.add(observer);
      }
      ChainStatistics stats = chains.run(kernel, steps, observers);
      NDArray values = chains.state().duplicate();
      values.attach(out);
      return new Result(values, stats);
    }
  }

  /** Final states of a run, shape (N, D), and its statistics. */
  public record Result(NDArray values, ChainStatistics statistics) {}

  private NDArray copy(NDArray values) {
    NDArray c = values.duplicate();
    NDScope.unregister(c); // the chains outlive any scope they were created in
    c.attach(manager);
    return c;
  }

  @Override
  public void close() {
    manager.close();
  }
}
