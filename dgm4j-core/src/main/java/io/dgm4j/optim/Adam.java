package io.dgm4j.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.dgm4j.engine.Autograd;
import io.dgm4j.engine.Scalars;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.nn.Parameters;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) over a model's {@link Parameters}, with its moment estimates kept
 * as named tensors so that a checkpoint can save them and a resumed run continues exactly.
 *
 * <p>For each parameter θ with gradient g at step t (counting from 1):
 * m ← β1 m + (1-β1) g; v ← β2 v + (1-β2) g²; θ ← θ - lr_t · m̂ / (sqrt(v̂) + ε), with
 * m̂ = m / (1-β1^t), v̂ = v / (1-β2^t).
 *
 * <p>DJL's own Adam keeps these moments private, so a run could not be resumed bit-for-bit; this
 * class is that optimizer with its state exposed. {@link #step(double)} also zeroes the
 * gradients, which DJL otherwise only does inside its own optimizers.
 *
 * <p>β1, β2 and ε are {@link Settings}: Adam's own 0.9, 0.999 and 1e-8 unless a run sets them
 * ({@code dgm train --adam-betas --adam-epsilon}), e.g. to a paper's: Burda et al.'s IWAE code
 * uses β1 = 0.99 and ε = 1e-4, Du and Mordatch's EBMs β1 = 0. They may change between steps
 * (on resume); the bias corrections use the current values.
 */
public final class Adam {

  /**
   * Adam's constants.
   *
   * @param beta1 decay of the first-moment (mean) estimate, in [0, 1)
   * @param beta2 decay of the second-moment estimate, in [0, 1)
   * @param epsilon added to sqrt(v̂) in the denominator, positive
   */
  public record Settings(double beta1, double beta2, double epsilon) {
    public Settings {
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException("Adam's betas must each be in [0, 1), got " + beta1
            + ", " + beta2);
      }
      if (!(epsilon > 0 && Double.isFinite(epsilon))) {
        throw new IllegalArgumentException("Adam's epsilon must be positive, got " + epsilon);
      }
    }

    /** Kingma and Ba's: β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    public static Settings defaults() {
      return new Settings(0.9, 0.999, 1e-8);
    }
  }

  private final Parameters parameters;
  private Settings settings;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private long steps;
  private boolean fused = SharedMemory.VECTOR_API;

  public Adam(Parameters parameters) {
    this(parameters, Settings.defaults());
  }

  public Adam(Parameters parameters, Settings settings) {
    this.parameters = parameters;
    this.settings = settings;
    NDManager m = parameters.manager();
    for (Map.Entry<String, NDArray> e : parameters.asMap().entrySet()) {
      firstMoments.put(e.getKey(), named(m.zeros(e.getValue().getShape()), "adam.m." + e.getKey()));
      secondMoments.put(e.getKey(), named(m.zeros(e.getValue().getShape()), "adam.v." + e.getKey()));
    }
  }

  /**
   * The global L2 norm of all gradients, sqrt(Σ_p ||∇p||²): one read pass over each gradient's
   * memory where the fused update applies, else on the engine with one read back; NaN or
   * infinite when any gradient entry is.
   */
  public double gradientNorm() {
    if (fused) {
      double sum = 0;
      boolean viewed = true;
      for (NDArray p : parameters.asMap().values()) {
        ByteBuffer g = SharedMemory.view(p.getGradient());
        if (g == null) {
          viewed = false;
          break;
        }
        sum += FusedAdam.sumOfSquares(g);
      }
      if (viewed) {
        return Math.sqrt(sum);
      }
    }
    try (NDScope scope = new NDScope()) {
      NDArray squared = null;
      for (NDArray p : parameters.asMap().values()) {
        NDArray s = p.getGradient().square().sum();
        squared = squared == null ? s : squared.add(s);
      }
      return squared == null ? 0 : Math.sqrt(squared.getFloat());
    }
  }

  /**
   * Rescales all gradients together so their global L2 norm is at most {@code maxNorm}
   * (Pascanu et al., 2013), given the norm {@code norm} measured by {@link #gradientNorm()}.
   */
  public void clipGradientNorm(double maxNorm, double norm) {
    if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
      float scale = (float) (maxNorm / norm);
      for (NDArray p : parameters.asMap().values()) {
        p.getGradient().muli(scale);
      }
    }
  }

  /** Sets every gradient to zero without updating (after a step that must not be applied). */
  public void zeroGradients() {
    for (NDArray p : parameters.asMap().values()) {
      Autograd.zeroGradient(p);
    }
  }

  /**
   * One update with learning rate {@code learningRate}, then the gradients are zeroed. On the
   * CPU with the vector API each parameter is updated in one fused pass over its memory
   * ({@link FusedAdam}); measured for MADE (1 x 500, batch 512, 1 thread, busy machine) the
   * tensor form took 27% of the whole training step. The pass runs on the calling thread:
   * splitting it over the engine's two threads was slower (idle machine, 2026-11-22, alternating
   * processes: NADE 2,364-2,938 against 2,737-3,314 examples/s on one thread; MADE 1 x 500 at
   * batch 512, 14.0 against 12.9-13.2 ms per step), so that change was reverted.
   */
  public void step(double learningRate) {
    steps++;
    double beta1 = settings.beta1();
    double beta2 = settings.beta2();
    double epsilon = settings.epsilon();
    double correction1 = 1 - Math.pow(beta1, steps);
    double correction2 = 1 - Math.pow(beta2, steps);
    float stepSize = (float) (learningRate * Math.sqrt(correction2) / correction1);
    float epsHat = (float) (epsilon * Math.sqrt(correction2));
    for (Map.Entry<String, NDArray> e : parameters.asMap().entrySet()) {
      NDArray p = e.getValue();
      try (NDScope scope = new NDScope()) {
        NDArray g = p.getGradient();
        NDArray m = firstMoments.get(e.getKey());
        NDArray v = secondMoments.get(e.getKey());
        if (fused) {
          ByteBuffer[] views = {SharedMemory.view(p), SharedMemory.view(g), SharedMemory.view(m),
              SharedMemory.view(v)};
          if (views[0] != null && views[1] != null && views[2] != null && views[3] != null) {
            FusedAdam.update(views[0], views[1], views[2], views[3], beta1, beta2,
                stepSize, epsHat);
            Autograd.zeroGradient(p);
            continue;
          }
        }
        m.muli((float) beta1).addi(Scalars.times(g, 1 - beta1));
        v.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
        // θ -= lr·sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + ε·sqrt(1-β2^t))  (same as the m̂, v̂ form)
        p.subi(m.div(v.sqrt().addi(epsHat)).muli(stepSize));
        Autograd.zeroGradient(p);
      }
    }
  }

  /**
   * Whether {@link #step} may use the fused pass where it can (default: when the vector API is
   * present); false forces the tensor form, for comparisons.
   */
  public Adam fused(boolean enabled) {
    this.fused = enabled && SharedMemory.VECTOR_API;
    return this;
  }

  /** β1, β2 and ε from the next step on. */
  public Adam settings(Settings newSettings) {
    this.settings = java.util.Objects.requireNonNull(newSettings);
    return this;
  }

  public Settings settings() {
    return settings;
  }

  /** Number of updates made so far. */
  public long steps() {
    return steps;
  }

  /** The moment estimates as named tensors, for a checkpoint. */
  public NDList state() {
    NDList list = new NDList();
    firstMoments.values().forEach(list::add);
    secondMoments.values().forEach(list::add);
    return list;
  }

  /** Restores moments saved by {@link #state()} and the step count. */
  public void load(NDList state, long stepCount, String source) {
    Map<String, NDArray> byName = new LinkedHashMap<>();
    state.forEach(a -> byName.put(a.getName(), a));
    for (Map<String, NDArray> moments : java.util.List.of(firstMoments, secondMoments)) {
      for (NDArray target : moments.values()) {
        NDArray saved = byName.get(target.getName());
        if (saved == null || !saved.getShape().equals(target.getShape())) {
          throw new IllegalArgumentException(source + ": optimizer state lacks " + target.getName()
              + " of shape " + target.getShape());
        }
        target.set(saved.toFloatArray());
      }
    }
    this.steps = stepCount;
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }
}
