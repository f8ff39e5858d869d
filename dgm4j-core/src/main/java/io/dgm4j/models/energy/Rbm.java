package io.dgm4j.models.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.data.Dataset;
import io.dgm4j.distributions.Bernoulli;
import io.dgm4j.engine.Scalars;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.Annealable;
import io.dgm4j.models.Completer;
import io.dgm4j.models.DataInitialized;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.Filters;
import io.dgm4j.models.LogDensities;
import io.dgm4j.models.Samplable;
import io.dgm4j.models.Support;
import io.dgm4j.nn.TensorMath;
import io.dgm4j.sampling.AnnealedImportanceSampling;
import io.dgm4j.sampling.AnnealingPath;
import io.dgm4j.sampling.BitFlipMetropolis;
import io.dgm4j.sampling.BlockGibbs;
import io.dgm4j.sampling.Chains;
import io.dgm4j.sampling.GibbsSweep;
import io.dgm4j.sampling.TransitionKernel;
import java.util.List;
import java.util.Optional;

/**
 * The restricted Boltzmann machine with binary visible units v ∈ {0,1}^D and binary hidden units
 * h ∈ {0,1}^H (Smolensky, 1986; Hinton, 2002):
 *
 * <pre>
 *   E(v, h) = −bᵀv − cᵀh − vᵀWh,      p(v, h) = exp(−E(v, h)) / Z
 *   F(v)    = −log Σ_h exp(−E(v, h)) = −bᵀv − Σ_j softplus(c_j + (vW)_j)     (free energy)
 *   log p(v) = −F(v) − log Z
 *   p(h_j = 1 | v) = sigmoid(c_j + (vW)_j),   p(v_i = 1 | h) = sigmoid(b_i + (Wh)_i)
 * </pre>
 *
 * As an {@link EnergyModel} its energy is the free energy F(v): the hidden units are summed out.
 * The conditionals factorise, so one block Gibbs sweep (all of h given v, then all of v given h)
 * is two matrix products ({@link GibbsSweep}). Trained by contrastive divergence
 * ({@code io.dgm4j.objectives.energy.GibbsContrastiveDivergence}: CD-k, persistent CD).
 *
 * <p>log Z: exact by enumerating the smaller layer when min(D, H) ≤ {@link Config#exactLimit}
 * (summing out the other: log Z = logsumexp_h [cᵀh + Σ_i softplus(b_i + (Wh)_i)]); otherwise
 * by annealed importance sampling (Salakhutdinov and Murray, ICML 2008) through
 * {@link #annealingPath}, and known to the model once {@link #useLogZ} attaches the estimate.
 * Salakhutdinov and Murray report 86.34 nats on binarized MNIST for H = 500 trained by CD-25.
 *
 * <p>Initialisation as Hinton's practical guide (2010) advises: W ~ N(0, 0.01²), c = 0, and
 * b_i = log(p_i / (1 − p_i)) from the training marginals p_i ({@link DataInitialized}).
 */
public final class Rbm extends AbstractModel
    implements Annealable, Samplable, Completer, GibbsSweep, DataInitialized, Filters {

  /**
   * Settings.
   *
   * @param hidden H, the number of hidden units
   * @param sampleSteps Gibbs sweeps (or bit-flip steps per visible unit) for sampling and
   *     completion when a command does not say
   * @param exactLimit log Z is enumerated exactly when min(D, H) is at most this (2^limit terms)
   */
  public record Config(int hidden, int sampleSteps, int exactLimit) {
    public Config {
      if (hidden < 1 || sampleSteps < 1 || exactLimit < 0 || exactLimit > 24) {
        throw new IllegalArgumentException("rbm needs hidden >= 1, sampleSteps >= 1 and"
            + " exactLimit in 0..24; got hidden=" + hidden + ", sampleSteps=" + sampleSteps
            + ", exactLimit=" + exactLimit);
      }
    }

    /** H = 500 as Salakhutdinov and Murray's binarized-MNIST model; 1000 sweeps to sample. */
    public static Config defaults() {
      return new Config(500, 1000, 20);
    }
  }

  private final Config config;
  private final NDArray weights; // W (D, H)
  private final NDArray visibleBias; // b (D)
  private final NDArray hiddenBias; // c (H)
  private EnergyModel.LogPartition attachedLogZ;

  public Rbm(NDManager manager, int dimension, Config config, long seed) {
    super(manager, dimension, seed);
    this.config = config;
    this.weights = parameters.normal("weights", 0.01, dimension, config.hidden());
    this.visibleBias = parameters.zeros("visibleBias", dimension);
    this.hiddenBias = parameters.zeros("hiddenBias", config.hidden());
  }

  @Override
  public void initializeFrom(Dataset examples, long seed) {
    visibleBias.set(marginalLogits(examples));
  }

  /**
   * log(p_i / (1 − p_i)) of each pixel's marginal p_i in {@code examples}, smoothed as
   * (count + 1) / (N + 2) so no pixel is certain.
   */
  public float[] marginalLogits(Dataset examples) {
    if (examples.dimension() != dimension || examples.size() == 0) {
      throw new IllegalArgumentException("need non-empty data with " + dimension
          + " values per example, got " + examples);
    }
    float[] logits = new float[dimension];
    for (int d = 0; d < dimension; d++) {
      double count = 0;
      for (int i = 0; i < examples.size(); i++) {
        count += examples.get(i, d);
      }
      double p = (count + 1) / (examples.size() + 2.0);
      logits[d] = (float) Math.log(p / (1 - p));
    }
    return logits;
  }

  /** The free energy F(v) = −bᵀv − Σ_j softplus(c_j + (vW)_j), shape (N). */
  @Override
  public NDArray energy(NDArray v) {
    NDArray hiddenInput = v.matMul(weights).add(hiddenBias); // (N, H)
    return v.matMul(visibleBias).add(Activation.softPlus(hiddenInput).sum(new int[] {1})).neg();
  }

  /** −∇v F(v) = b + W sigmoid(c + vW), in closed form; shape (N, D). */
  @Override
  public NDArray score(NDArray v) {
    return Activation.sigmoid(v.matMul(weights).add(hiddenBias)).matMul(weights.transpose())
        .add(visibleBias);
  }

  /**
   * log Z: exact when min(D, H) ≤ exactLimit (computed afresh on each call, as the weights may
   * have changed), otherwise the estimate attached by {@link #useLogZ}, if any.
   */
  @Override
  public Optional<LogPartition> logZ() {
    if (Math.min(dimension, config.hidden()) <= config.exactLimit()) {
      return Optional.of(new LogPartition(exactLogZ(), 0, "exact"));
    }
    return Optional.ofNullable(attachedLogZ);
  }

  @Override
  public void useLogZ(LogPartition estimate) {
    this.attachedLogZ = estimate;
  }

  /** Whether log Z can be enumerated exactly at these sizes. */
  public boolean hasExactLogZ() {
    return Math.min(dimension, config.hidden()) <= config.exactLimit();
  }

  /** log Z by enumerating the smaller layer and summing out the other, in blocks of 2^14. */
  private double exactLogZ() {
    boolean overHidden = config.hidden() <= dimension;
    int bits = overHidden ? config.hidden() : dimension;
    long states = 1L << bits;
    int block = (int) Math.min(states, 1 << 14);
    double[] partial = new double[(int) (states / block)];
    try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
      for (int k = 0; k < partial.length; k++) {
        float[] values = new float[block * bits];
        for (int s = 0; s < block; s++) {
          long state = (long) k * block + s;
          for (int j = 0; j < bits; j++) {
            values[s * bits + j] = (state >>> j & 1) == 1 ? 1f : 0f;
          }
        }
        NDArray x = SharedMemory.tensor(m, values, new Shape(block, bits));
        NDArray logTerms = overHidden
            // −F_h(h) = cᵀh + Σ_i softplus(b_i + (Wh)_i)
            ? x.matMul(hiddenBias).add(Activation.softPlus(x.matMul(weights.transpose())
                .add(visibleBias)).sum(new int[] {1}))
            : energy(x).neg();
        partial[k] = TensorMath.logSumExp(logTerms, 0).getFloat();
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double p : partial) {
      max = Math.max(max, p);
    }
    double sum = 0;
    for (double p : partial) {
      sum += Math.exp(p - max);
    }
    return max + Math.log(sum);
  }

  /** log p(v) = −F(v) − log Z with the known log Z; empty when log Z is not known. */
  public Optional<NDArray> logProb(NDArray v) {
    return logZ().map(z -> energy(v).neg().sub((float) z.value()));
  }

  /** One block Gibbs sweep: h ~ p(h | v), then v ~ p(v | h). */
  @Override
  public NDArray gibbsSweep(NDArray v) {
    NDArray h = Bernoulli.sample(v.matMul(weights).add(hiddenBias));
    return Bernoulli.sample(h.matMul(weights.transpose()).add(visibleBias));
  }

  /** p(h = 1 | v), shape (N, H): the features of v. */
  public NDArray hiddenProbabilities(NDArray v) {
    return Activation.sigmoid(v.matMul(weights).add(hiddenBias));
  }

  @Override
  public List<String> samplers() {
    return List.of("gibbs", "bitflip");
  }

  @Override
  public NDArray sample(NDManager out, int n) {
    return sample(out, n, SamplingOptions.DEFAULT).values();
  }

  /**
   * Runs n chains from v ~ Bernoulli(sigmoid(b)) (the visible biases alone), or from the
   * options' {@code start} states (e.g. the run's persistent chains): {@code gibbs}
   * block sweeps, or {@code bitflip} Metropolis-Hastings with D single-site proposals per step.
   * Statistics: acceptance rate (bit-flip), mean squared jump, R-hat of −F across chains.
   */
  @Override
  public Samples sample(NDManager out, int n, SamplingOptions options) {
    options.requireOneOf(samplers());
    String sampler = options.samplerOr(samplers());
    int steps = options.steps() == 0 ? config.sampleSteps() : options.steps();
    try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
      NDArray start = options.startOr(n, dimension,
          () -> Bernoulli.sample(visibleBias.broadcast(new Shape(n, dimension))));
      TransitionKernel kernel = sampler.equals("gibbs") ? new BlockGibbs(this)
          : new BitFlipMetropolis(LogDensities.of(this));
      int transitions = sampler.equals("gibbs") ? steps : steps * dimension;
      Chains.Result r = Chains.draw(m, start, kernel, transitions, LogDensities.of(this),
          (t, x) -> options.progress().advanced(t, transitions));
      NDArray values = r.values().duplicate();
      NDScope.unregister(values);
      values.attach(out);
      return new Samples(values, r.statistics().toMap());
    }
  }

  /** Clamps the observed pixels and runs {@code sampleSteps} block Gibbs sweeps on the rest. */
  @Override
  public NDArray complete(NDArray x, NDArray observed) {
    return complete(x, observed, config.sampleSteps());
  }

  /**
   * Clamps the observed pixels, starts the rest from Bernoulli(sigmoid(b)) and runs
   * {@code sweeps} block Gibbs sweeps, re-clamping after each.
   */
  @Override
  public NDArray complete(NDArray x, NDArray observed, int sweeps) {
    NDArray mask = observed.getShape().dimension() == 1
        ? observed.expandDims(0).broadcast(x.getShape()) : observed;
    NDArray keep = x.mul(mask);
    NDArray free = mask.neg().add(1f);
    NDArray v = keep.add(Bernoulli.sample(visibleBias.broadcast(x.getShape())).mul(free));
    for (int t = 0; t < sweeps; t++) {
      try (NDScope scope = new NDScope()) {
        NDArray next = keep.add(gibbsSweep(v).mul(free));
        NDScope.unregister(next);
        NDArray previous = v;
        v = next;
        if (t > 0) {
          previous.close(); // the first state belongs to the caller's scope
        }
      }
    }
    return v;
  }

  @Override
  public String completionMethod(NDArray observed, int sweeps) {
    return "MCMC: block Gibbs with the observed pixels clamped, " + sweeps
        + " sweeps (converges to p(x_unobserved | x_observed) as the sweeps grow; not exact)";
  }

  /**
   * Salakhutdinov and Murray's annealing path from a base-rate model to this RBM:
   * p*_β(v) = exp((1−β) b_Aᵀv + β bᵀv) Π_j (1 + exp(β (c_j + (vW)_j))), the geometric path
   * between p_A(v, h) ∝ exp(b_Aᵀv) (hidden units uniform, log Z_A = H log 2 + Σ_i softplus(b_A,i))
   * and this RBM's joint; each β has an exact block Gibbs transition.
   *
   * @param baseLogits b_A, shape (D): log(p_i / (1 − p_i)) of smoothed data marginals
   */
  public AnnealingPath annealingPath(float[] baseLogits) {
    if (baseLogits.length != dimension) {
      throw new IllegalArgumentException("base rates need " + dimension + " values, got "
          + baseLogits.length);
    }
    double logZBase = config.hidden() * Math.log(2);
    for (float a : baseLogits) {
      logZBase += Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
    }
    double baseLogZ = logZBase;
    return new AnnealingPath() {
      private NDArray base(NDManager m) {
        return m.create(baseLogits);
      }

      @Override
      public NDArray sampleBase(NDManager m, int runs) {
        return Bernoulli.sample(base(m).broadcast(new Shape(runs, dimension)));
      }

      @Override
      public double baseLogZ() {
        return baseLogZ;
      }

      @Override
      public NDArray logDensity(NDArray v, double beta) {
        return logDensityFrom(v, v.matMul(weights).add(hiddenBias), beta);
      }

      private NDArray logDensityFrom(NDArray v, NDArray hiddenInput, double beta) {
        NDArray visible = v.matMul(Scalars.times(base(v.getManager()), 1 - beta)
            .add(Scalars.times(visibleBias, beta)));
        return visible.add(Activation.softPlus(Scalars.times(hiddenInput, beta))
            .sum(new int[] {1}));
      }

      @Override
      public NDArray logWeightIncrement(NDArray v, double from, double to) {
        NDArray hiddenInput = v.matMul(weights).add(hiddenBias);
        return logDensityFrom(v, hiddenInput, to).sub(logDensityFrom(v, hiddenInput, from));
      }

      @Override
      public NDArray transition(NDArray v, double beta) {
        NDArray h = Bernoulli.sample(Scalars.times(v.matMul(weights).add(hiddenBias), beta));
        NDArray visibleInput = Scalars.times(h.matMul(weights.transpose()).add(visibleBias), beta)
            .add(Scalars.times(base(v.getManager()), 1 - beta));
        return Bernoulli.sample(visibleInput);
      }
    };
  }

  /** Estimates log Z by AIS along {@link #annealingPath} and attaches the estimate. */
  public AnnealedImportanceSampling.Estimate estimateLogZ(float[] baseLogits, int runs,
      int betas) {
    AnnealedImportanceSampling.Estimate e = AnnealedImportanceSampling.estimate(
        annealingPath(baseLogits), AnnealedImportanceSampling.salakhutdinovMurraySchedule(betas),
        runs, manager);
    useLogZ(new LogPartition(e.logZ(), e.standardError(), "ais"));
    return e;
  }

  /** The weights W, shape (D, H): column j is hidden unit j's filter. */
  public NDArray weights() {
    return weights;
  }

  /** Each hidden unit's weights, shape (H, D). */
  @Override
  public NDArray filters() {
    return weights.transpose();
  }

  /** The path from the base-rate model of {@code data}'s pixel marginals. */
  @Override
  public AnnealingPath annealingPath(Dataset data) {
    return annealingPath(marginalLogits(data));
  }

  @Override
  public String family() {
    return "rbm";
  }

  @Override
  public Support support() {
    return Support.BINARY;
  }

  @Override
  public Config config() {
    return config;
  }
}
