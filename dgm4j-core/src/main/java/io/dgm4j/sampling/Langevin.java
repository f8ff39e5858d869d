package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Scalars;

/**
 * Unadjusted Langevin dynamics: x' = x + η ∇x f(x) + σ ε, ε ~ N(0, I), with the score ∇x f
 * from the target (autograd by default). With σ = sqrt(2η) this is the Euler discretisation of
 * the Langevin diffusion, whose stationary law is p ∝ exp(f); the discretisation biases it by
 * O(η), which {@link Mala} removes with an accept/reject step (Roberts and Tweedie, 1996).
 * Deep energy-based models are often trained with σ smaller than sqrt(2η) (Du and Mordatch,
 * 2019); that is a different, colder chain, allowed here by giving σ.
 *
 * <p>Optionally each step clamps x into [low, high] (e.g. the pixel range), as image models do,
 * and clamps each coordinate of the score into [−c, c] before the step: deep energy models on
 * images are sampled that way (Du and Mordatch, 2019, clip the gradient of their Langevin steps),
 * because early in training a steep energy would otherwise throw every pixel against a clamp in
 * one step. Clamping the score changes the chain's law where the score is larger than c; it
 * is a device for training and sampling such models, not part of the diffusion.
 */
public final class Langevin implements TransitionKernel {
  private final LogDensity target;
  private final float stepSize;
  private final float noiseScale;
  private final float low;
  private final float high;
  private final float scoreClip;

  /** The Langevin diffusion discretised with step η: σ = sqrt(2η), no clamping. */
  public Langevin(LogDensity target, double stepSize) {
    this(target, stepSize, Math.sqrt(2 * stepSize), Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY);
  }

  /**
   * @param target the unnormalized log-density f (its score is used)
   * @param stepSize η, the gradient step (&gt; 0)
   * @param noiseScale σ, the noise standard deviation (&gt;= 0; sqrt(2η) for the diffusion)
   * @param low lower clamp for every coordinate (−∞: none)
   * @param high upper clamp (+∞: none)
   */
  public Langevin(LogDensity target, double stepSize, double noiseScale, double low,
      double high) {
    this(target, stepSize, noiseScale, low, high, Double.POSITIVE_INFINITY);
  }

  /**
   * As {@link #Langevin(LogDensity, double, double, double, double)}, with each coordinate of
   * the score clamped into [−scoreClip, scoreClip] (+∞: no clamp).
   */
  public Langevin(LogDensity target, double stepSize, double noiseScale, double low,
      double high, double scoreClip) {
    if (!(scoreClip > 0)) {
      throw new IllegalArgumentException("Langevin needs a score clip > 0 (+infinity: none); got "
          + scoreClip);
    }
    if (!(stepSize > 0) || !(noiseScale >= 0) || !(low < high)) {
      throw new IllegalArgumentException("Langevin needs step size > 0, noise scale >= 0 and"
          + " low < high; got " + stepSize + ", " + noiseScale + ", [" + low + ", " + high + "]");
    }
    this.target = target;
    this.stepSize = (float) stepSize;
    this.noiseScale = (float) noiseScale;
    this.low = (float) low;
    this.high = (float) high;
    this.scoreClip = (float) scoreClip;
  }

  @Override
  public String name() {
    return "langevin";
  }

  @Override
  public Step step(NDArray x) {
    NDArray score = target.score(x);
    if (Float.isFinite(scoreClip)) {
      score = Scalars.clamp(score, -scoreClip, scoreClip);
    }
    NDArray next = x.add(Scalars.times(score, stepSize))
        .addi(x.getManager().randomNormal(x.getShape()).muli(noiseScale));
    if (Float.isFinite(low) || Float.isFinite(high)) {
      next = Scalars.clamp(next, low, high);
    }
    return new Step(next, null);
  }
}
