/**
 * Markov chain Monte Carlo on the engine, for any model with an unnormalized log-density.
 *
 * <ul>
 *   <li>{@link io.dgm4j.sampling.LogDensity}: the target f(x) = log p(x) + const, with its score
 *       ∇x f (autograd by default); {@code io.dgm4j.models.LogDensities.of(model)} adapts an
 *       energy model (f = −E) or a density model (f = log p);
 *   <li>{@link io.dgm4j.sampling.TransitionKernel}s: {@link io.dgm4j.sampling.RandomWalkMetropolis}
 *       (seed 004), {@link io.dgm4j.sampling.BitFlipMetropolis} and
 *       {@link io.dgm4j.sampling.SingleSiteGibbs} for binary x, {@link io.dgm4j.sampling.BlockGibbs}
 *       for models with a {@link io.dgm4j.sampling.GibbsSweep}, {@link io.dgm4j.sampling.Langevin}
 *       (unadjusted, optional clamping) and {@link io.dgm4j.sampling.Mala};
 *   <li>{@link io.dgm4j.sampling.Chains}: a persistent batch of chains (one per row), run step by
 *       step in bounded memory, with acceptance per step, mean squared jump and R-hat
 *       ({@link io.dgm4j.sampling.ChainStatistics}); {@code Chains.draw} for one-off sampling;
 *   <li>{@link io.dgm4j.sampling.AnnealedImportanceSampling} of log Z along any
 *       {@link io.dgm4j.sampling.AnnealingPath}.
 * </ul>
 *
 * Random numbers come from the engine's generator ({@code Engines.seed}). Scores by autograd open
 * their own gradient collector: call samplers between training steps, never inside a loss.
 */
package io.dgm4j.sampling;
