package io.dgm4j.models.energy;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Autograd;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.Support;
import io.dgm4j.nn.Mlp;
import io.dgm4j.nn.Network;
import io.dgm4j.nn.StridedConvNet;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Completer;
import io.dgm4j.models.Samplable;
import io.dgm4j.sampling.Chains;
import io.dgm4j.sampling.Langevin;
import io.dgm4j.sampling.LogDensity;
import io.dgm4j.sampling.Mala;
import io.dgm4j.sampling.RandomWalkMetropolis;
import io.dgm4j.sampling.TransitionKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A deep energy-based model p_θ(x) = exp(f_θ(x)) / Z(θ) with f_θ = −E_θ a neural network and
 * Z(θ) = ∫ exp(f_θ(x)) dx unknown (seed 001; LeCun et al., 2006; Du and Mordatch, 2019).
 *
 * <p>The energy network is an MLP with tanh activations for vectors, and for images (H, W) a
 * small strided CNN ({@link StridedConvNet}); both are smooth, so the score
 * s(x) = ∇x log p(x) = −∇x E(x) is continuous and its divergence (exact score matching) exists.
 * The score comes from autograd ({@link Autograd#inputGradient}).
 *
 * <p>A network with bounded activations levels off far from the data, so exp(−network(x)) alone
 * need not be integrable (Z = ∞) and samplers and variational samplers can drift away; a fixed
 * confining term ‖x‖²/(2s²) (a broad Gaussian base, s = {@code priorStd}) makes Z finite. The
 * energy of a vector is E(x) = network(x) + ‖x‖²/(2s²). Images are confined to [0, 1]^D (their
 * chains are clamped there), so their energy is the network's alone.
 *
 * <p>How it is learned decides what is known of Z: contrastive divergence, score matching and
 * adversarial training never need it; noise-contrastive and flow contrastive estimation learn
 * log Z as one more parameter (the scalar {@code logZ}), and then {@link #logZ()} reports it
 * with method {@code nce}. On 2-D data {@code dgm eval} computes log Z by quadrature on a grid
 * whatever the objective.
 */
public final class Ebm extends AbstractModel implements EnergyModel, LearnedLogPartition,
    Samplable, Completer {

  /**
   * Settings.
   *
   * @param hidden hidden layer sizes of the MLP energy (vectors)
   * @param channels filters of the first convolution of the CNN energy (images)
   * @param logZ {@code none}, or {@code nce} when log Z is learned (set by the nce and fce
   *     objectives, which learn it; other objectives reset it to none)
   * @param sampleSteps Langevin steps of {@code dgm sample} and {@code dgm complete}
   * @param stepSize Langevin step η on the score (x += η ∇x f + σ ε)
   * @param noiseScale Langevin noise σ; 0 means sqrt(2η), the discretised Langevin diffusion
   * @param initScale chains on vectors start uniform in [−initScale, initScale]^D (images:
   *     uniform in [0, 1], and chains stay clamped to [0, 1])
   * @param priorStd s of the fixed confining term ‖x‖²/(2s²) added to the network's energy
   *     on vectors (0: none); images live in the box [0, 1]^D, where Z is finite without it, so
   *     they never get it (on MNIST it pulled every chain to black: the drift η·x/s² is 0.4 per
   *     step at η = 10, s = 5)
   * @param scoreClip each Langevin step (sampling, completion, and the cd/pcd chains) clamps
   *     every coordinate of the score into [−scoreClip, scoreClip] (0: no clamp), as Du and
   *     Mordatch (2019) do for images
   */
  public record Config(List<Integer> hidden, int channels, String logZ, int sampleSteps,
      double stepSize, double noiseScale, double initScale, double priorStd, double scoreClip) {
    public Config {
      if (!(priorStd >= 0)) {
        throw new IllegalArgumentException("ebm: priorStd must be >= 0, got " + priorStd);
      }
      if (!(scoreClip >= 0)) {
        throw new IllegalArgumentException("ebm: scoreClip must be >= 0 (0: no clamp), got "
            + scoreClip);
      }
      if (sampleSteps < 0 || !(stepSize > 0) || !(noiseScale >= 0) || !(initScale > 0)) {
        throw new IllegalArgumentException("ebm: sampleSteps must be >= 0, stepSize and"
            + " initScale > 0, noiseScale >= 0");
      }
      if (hidden == null || hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
        throw new IllegalArgumentException("ebm: hidden must list positive layer sizes, got "
            + hidden);
      }
      if (channels < 1) {
        throw new IllegalArgumentException("ebm: channels must be positive, got " + channels);
      }
      if (!List.of("none", "nce").contains(logZ)) {
        throw new IllegalArgumentException("ebm: logZ must be none or nce, got " + logZ);
      }
      hidden = List.copyOf(hidden);
    }

    /**
     * Two hidden layers of 128 (2-D toys), 32 filters for images; 500 Langevin steps of
     * η = 0.01 with the diffusion's noise, from uniform noise on [−4, 4]^D; confining term with
     * s = 5 (wider than every toy set, so it shapes nothing where the data are); no score clamp.
     */
    public static Config defaults() {
      return new Config(List.of(128, 128), 32, "none", 500, 0.01, 0, 4, 5, 0);
    }

    /** The Langevin noise σ these settings mean. */
    public double langevinNoise() {
      return noiseScale > 0 ? noiseScale : Math.sqrt(2 * stepSize);
    }
  }

  private final Config config;
  private final int[] itemShape;
  private final Network network;
  private final NDArray logZParameter;
  private boolean logZLearned;

  public Ebm(ai.djl.ndarray.NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, product(itemShape), seed);
    this.config = config;
    this.itemShape = itemShape.clone();
    if (itemShape.length == 2) {
      network = new StridedConvNet(parameters, "energy", itemShape[0], itemShape[1],
          config.channels(), 1);
    } else {
      List<Integer> sizes = new ArrayList<>();
      sizes.add(dimension);
      sizes.addAll(config.hidden());
      sizes.add(1);
      network = new Mlp(parameters, "energy", sizes, "tanh");
    }
    logZParameter = parameters.zeros("logZ");
    logZLearned = config.logZ().equals("nce");
  }

  private static int product(int[] shape) {
    int d = 1;
    for (int s : shape) {
      d *= s;
    }
    return d;
  }

  @Override
  public String family() {
    return "ebm";
  }

  @Override
  public Support support() {
    return Support.REAL;
  }

  /** The settings, with {@code logZ} saying whether log Z is currently a learned parameter. */
  @Override
  public Config config() {
    return new Config(config.hidden(), config.channels(), logZLearned ? "nce" : "none",
        config.sampleSteps(), config.stepSize(), config.noiseScale(), config.initScale(),
        config.priorStd(), config.scoreClip());
  }

  /** The shape of one example: (D) for vectors, (H, W) for images. */
  public int[] itemShape() {
    return itemShape.clone();
  }

  /** E(x) = network(x) + ‖x‖²/(2s²) (vectors; images: network(x)), shape (N). */
  @Override
  public NDArray energy(NDArray x) {
    NDArray e = network.forward(x).reshape(-1);
    if (config.priorStd() > 0 && !images()) {
      e = e.add(Scalars.dividedBy(x.square().sum(new int[] {1}),
          2 * config.priorStd() * config.priorStd()));
    }
    return e;
  }

  /** s(x) = −∇x E(x), by autograd; its values only (no graph), shape (N, D). */
  @Override
  public NDArray score(NDArray x) {
    return Autograd.inputGradient(this::energy, x, parameters.asMap().values()).neg();
  }

  @Override
  public NDArray logZParameter() {
    return logZParameter;
  }

  @Override
  public void learnsLogZ(boolean learned) {
    this.logZLearned = learned;
  }

  @Override
  public Optional<LogPartition> logZ() {
    return logZLearned
        ? Optional.of(new LogPartition(logZParameter.getFloat(), Double.NaN, "nce"))
        : Optional.empty();
  }

  /** Whether examples are images, whose chains start uniform in [0, 1] and stay clamped there. */
  private boolean images() {
    return itemShape.length == 2;
  }

  /** Fresh chain states: uniform noise over the data's range, shape (n, D), in {@code m}. */
  public NDArray initialState(NDManager m, int n) {
    float scale = images() ? 0.5f : (float) config.initScale();
    float centre = images() ? 0.5f : 0f;
    return m.randomUniform(centre - scale, centre + scale, new Shape(n, dimension));
  }

  /** f = −E as the target of a sampler, its score from autograd. */
  public LogDensity logDensity() {
    return LogDensity.withScore(x -> energy(x).neg(), this::score);
  }

  /**
   * A Langevin kernel x += η ∇x f + σ ε on this model (clamped to [0, 1] for images; the score
   * clamped to ±{@code scoreClip} when set).
   *
   * @param stepSize η
   * @param noiseScale σ
   */
  public Langevin langevin(double stepSize, double noiseScale) {
    double clip = config.scoreClip() > 0 ? config.scoreClip() : Double.POSITIVE_INFINITY;
    return images()
        ? new Langevin(logDensity(), stepSize, noiseScale, 0, 1, clip)
        : new Langevin(logDensity(), stepSize, noiseScale, Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY, clip);
  }

  /** Unadjusted Langevin (the default), MALA, and random-walk Metropolis-Hastings. */
  @Override
  public List<String> samplers() {
    return List.of("langevin", "mala", "mh");
  }

  private TransitionKernel kernel(String name) {
    return switch (name) {
      case "mala" -> new Mala(logDensity(), config.stepSize());
      case "mh" -> new RandomWalkMetropolis(logDensity(), config.langevinNoise());
      default -> langevin(config.stepSize(), config.langevinNoise());
    };
  }

  /** n chains from uniform noise, {@code sampleSteps} Langevin steps. */
  @Override
  public NDArray sample(NDManager m, int n) {
    return sample(m, n, SamplingOptions.DEFAULT).values();
  }

  /**
   * n chains of the chosen sampler ({@code langevin}, {@code mala} or {@code mh}) for
   * {@code steps} steps ({@code sampleSteps} when 0), from uniform noise or from the options'
   * {@code start} states (e.g. the replay buffer of a {@code pcd} run).
   */
  @Override
  public Samples sample(NDManager m, int n, SamplingOptions options) {
    options.requireOneOf(samplers());
    int steps = options.steps() > 0 ? options.steps() : config.sampleSteps();
    NDArray start = options.startOr(n, dimension, () -> initialState(m, n));
    Chains.Result r = Chains.draw(m, start, kernel(options.samplerOr(samplers())), steps, null,
        (t, x) -> options.progress().advanced(t, steps));
    return new Samples(r.values(), r.statistics().toMap());
  }

  /**
   * Langevin on the unobserved coordinates with the observed ones clamped after every step: a
   * chain whose stationary law approaches p(x_u | x_o) (unadjusted: biased by the step size).
   */
  @Override
  public NDArray complete(NDArray x, NDArray observed) {
    NDArray keep = Completer.perExample(observed, x);
    NDArray mask = keep.toType(x.getDataType(), false);
    NDArray free = mask.neg().add(1);
    NDManager m = x.getManager();
    NDArray start = x.mul(mask).add(initialState(m, (int) x.getShape().get(0)).mul(free));
    TransitionKernel base = kernel("langevin");
    TransitionKernel clamped = new TransitionKernel() {
      @Override
      public String name() {
        return "clamped " + base.name();
      }

      @Override
      public Step step(NDArray state) {
        NDArray next = base.step(state).next();
        return new Step(next.mul(free).add(x.mul(mask)), null);
      }
    };
    return Chains.draw(m, start, clamped, config.sampleSteps(), null).values();
  }

  /** How the completion draws; {@code sweeps} (Gibbs sweeps of other models) is not used. */
  @Override
  public String completionMethod(NDArray observed, int sweeps) {
    return "MCMC: Langevin, " + config.sampleSteps() + " steps (the model's sampleSteps) of size "
        + config.stepSize()
        + " with the observed values clamped (approaches p(x_unobserved | x_observed) as the"
        + " chain runs; unadjusted, so biased by the step size)";
  }
}
