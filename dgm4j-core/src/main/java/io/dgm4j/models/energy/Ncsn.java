package io.dgm4j.models.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.Completer;
import io.dgm4j.models.Samplable;
import io.dgm4j.models.Support;
import io.dgm4j.nn.DilatedConvNet;
import io.dgm4j.nn.Mlp;
import io.dgm4j.nn.Network;
import io.dgm4j.nn.TensorMath;
import io.dgm4j.nn.UNet;
import io.dgm4j.sampling.Chains;
import io.dgm4j.sampling.Langevin;
import io.dgm4j.sampling.LogDensity;
import io.dgm4j.sampling.TransitionKernel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A noise-conditional score network, NCSN (Song and Ermon, NeurIPS 2019): one network
 * s_θ(x, σ) ≈ ∇x log q_σ(x) for the data smoothed by Gaussian noise at every level of a
 * geometric ladder σ_1 &gt; σ_2 &gt; ... &gt; σ_L, trained by denoising score matching at all
 * levels at once (objective {@code ncsn}). It models the score only: there is no energy and no
 * density, so {@code dgm score} and {@code dgm eval} do not apply; it is a generator.
 *
 * <p>Sampling is annealed Langevin dynamics (their Algorithm 1): from uniform noise, for each
 * level i run T steps x ← x + (α_i/2) s_θ(x, σ_i) + sqrt(α_i) z with α_i = ε σ_i² / σ_L², so
 * the chain first crosses the broad low-density regions where large noise makes the score
 * reliable, then sharpens as σ shrinks; a final denoising step x + σ_L² s_θ(x, σ_L) (Tweedie's
 * formula; Song and Ermon, 2020) removes the last noise. Completion ({@code dgm complete}) runs
 * the same chain with the observed coordinates held at their values plus noise of the current
 * level (their inpainting algorithm).
 *
 * <p>The network sees [x, log σ] and its output is divided by σ (the score of q_σ scales as
 * 1/σ; their technique 3, Song and Ermon 2020). With {@code network = mlp} (the default) it is an
 * MLP with tanh activations, for vectors and for flattened images alike. With
 * {@code network = conv} (images only) it is a fully convolutional {@link DilatedConvNet} at full
 * resolution whose input has two channels, the image and a constant map of log σ: an MLP must
 * learn every pixel's neighbourhood from scratch, while a convolution shares it across the
 * image, which is what made Song and Ermon's RefineNet work. With {@code network = unet}
 * (images with height and width divisible by 4) it is a {@link UNet} on the same two channels:
 * it goes down to a quarter of the resolution and back, so it sees the whole digit for about
 * 2.5 times the arithmetic of the 6-block {@code conv} network at the same {@code channels}, and its
 * coarse levels hold four times the maps. It has no normalization layers. Its first MNIST run
 * (32 maps, Adam) ended in NaN twice, in epoch 2 at a learning rate of 1e-3 and in epoch 6 at
 * 3e-4 with the gradient norm clipped at 20, and resumed each time with a lower rate
 * ({@code dgm train --resume --lr}); the likely cause, DJL's swish and its scalar buffer (see
 * {@link io.dgm4j.nn.TensorMath#swish}), was found and fixed after that run. Chains run
 * unclamped; the final samples of images are clipped to [0, 1].
 */
public final class Ncsn extends AbstractModel implements Samplable, Completer {

  /**
   * Settings.
   *
   * @param hidden hidden layer sizes of the score network
   * @param sigmaMax σ_1, the largest noise level (about the largest distance between data points)
   * @param sigmaMin σ_L, the smallest
   * @param levels L, the number of noise levels
   * @param stepsPerLevel T, Langevin steps per level when sampling
   * @param stepEpsilon ε, the step size at the smallest level
   * @param network {@code mlp}, {@code conv} or {@code unet} (both images only)
   * @param channels feature maps of every layer of the {@code conv} network, of the full
   *     resolution of the {@code unet}
   * @param dilations one residual block of the {@code conv} network per entry, with that dilation
   */
  public record Config(List<Integer> hidden, double sigmaMax, double sigmaMin, int levels,
      int stepsPerLevel, double stepEpsilon, String network, int channels,
      List<Integer> dilations) {
    public Config {
      if (hidden == null || hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
        throw new IllegalArgumentException("ncsn: hidden must list positive layer sizes");
      }
      if (!List.of("mlp", "conv", "unet").contains(network)) {
        throw new IllegalArgumentException("ncsn: network must be mlp, conv or unet, got "
            + network);
      }
      if (channels < 1 || dilations == null || dilations.stream().anyMatch(d -> d < 1)) {
        throw new IllegalArgumentException("ncsn: channels must be positive and dilations at"
            + " least 1, got " + channels + " and " + dilations);
      }
      dilations = List.copyOf(dilations);
      if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin) || levels < 2 || stepsPerLevel < 1
          || !(stepEpsilon > 0)) {
        throw new IllegalArgumentException("ncsn: need 0 < sigmaMin < sigmaMax, levels >= 2,"
            + " stepsPerLevel >= 1, stepEpsilon > 0");
      }
      hidden = List.copyOf(hidden);
    }

    /**
     * 2-D toys: σ from 3 down to 0.01 in 10 levels, 100 steps per level, ε = 2e-5, an MLP of
     * 128-128 (a conv network would have 64 maps and dilations 1, 2, 4, 8, 1, 1).
     */
    public static Config defaults() {
      return new Config(List.of(128, 128), 3, 0.01, 10, 100, 2e-5, "mlp", 64,
          List.of(1, 2, 4, 8, 1, 1));
    }
  }

  private final Config config;
  private final boolean images;
  private final Network network;
  private final boolean convolutional;
  private final double[] sigmas;

  public Ncsn(NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, product(itemShape), seed);
    this.config = config;
    this.images = itemShape.length == 2;
    this.convolutional = !"mlp".equals(config.network());
    if (convolutional && !images) {
      throw new IllegalArgumentException("ncsn: network=" + config.network() + " needs images"
          + " (H x W data); use network=mlp for vectors");
    }
    if ("unet".equals(config.network())) {
      if (itemShape[0] % 4 != 0 || itemShape[1] % 4 != 0) {
        throw new IllegalArgumentException("ncsn: network=unet halves the image twice, so it"
            + " needs height and width divisible by 4, got " + itemShape[0] + "x" + itemShape[1]
            + "; use network=conv");
      }
      network = new UNet(parameters, "score", itemShape[0], itemShape[1], 2, config.channels());
    } else if (convolutional) {
      network = new DilatedConvNet(parameters, "score", itemShape[0], itemShape[1], 2,
          config.channels(), 1, config.dilations().stream().mapToInt(Integer::intValue).toArray());
    } else {
      List<Integer> sizes = new ArrayList<>();
      sizes.add(dimension + 1);
      sizes.addAll(config.hidden());
      sizes.add(dimension);
      network = new Mlp(parameters, "score", sizes, "tanh");
    }
    sigmas = new double[config.levels()];
    double ratio = Math.pow(config.sigmaMin() / config.sigmaMax(), 1.0 / (config.levels() - 1));
    for (int i = 0; i < sigmas.length; i++) {
      sigmas[i] = config.sigmaMax() * Math.pow(ratio, i);
    }
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
    return "ncsn";
  }

  @Override
  public Support support() {
    return Support.REAL;
  }

  @Override
  public Config config() {
    return config;
  }

  /** The noise ladder σ_1 &gt; ... &gt; σ_L (geometric). */
  public double[] sigmas() {
    return sigmas.clone();
  }

  /**
   * s_θ(x, σ) = network([x, log σ]) / σ.
   *
   * @param x shape (N, D)
   * @param sigma shape (N, 1), the noise level of each row
   * @return shape (N, D)
   */
  public NDArray score(NDArray x, NDArray sigma) {
    NDArray logSigma = sigma.log();
    NDArray input = TensorMath.concat(new NDList(x,
        convolutional ? logSigma.broadcast(x.getShape()) : logSigma), 1);
    return network.forward(input).div(sigma);
  }

  private NDArray score(NDArray x, double sigma) {
    NDArray s = x.getManager().full(new Shape(x.getShape().get(0), 1), (float) sigma);
    return score(x, s);
  }

  /** Annealed Langevin dynamics, the only sampler. */
  @Override
  public List<String> samplers() {
    return List.of("annealed-langevin");
  }

  @Override
  public NDArray sample(NDManager m, int n) {
    return sample(m, n, SamplingOptions.DEFAULT).values();
  }

  /** {@code options.steps()}, when given, replaces T (steps per level). */
  @Override
  public Samples sample(NDManager m, int n, SamplingOptions options) {
    options.requireOneOf(samplers());
    if (options.start() != null) {
      throw new IllegalArgumentException("ncsn samples by annealing from noise; it has no chains"
          + " to continue");
    }
    int steps = options.steps() > 0 ? options.steps() : config.stepsPerLevel();
    long started = System.nanoTime();
    NDArray x = anneal(m, initialState(m, n), steps, null, null, options.progress());
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("levels", (double) sigmas.length);
    stats.put("steps_per_level", (double) steps);
    stats.put("seconds", seconds);
    stats.put("steps_per_second", sigmas.length * steps / seconds);
    return new Samples(x, stats);
  }

  /**
   * Inpainting by annealed Langevin dynamics (Song and Ermon 2019, their inpainting algorithm):
   * the unobserved coordinates start from noise; at each level σ_i the observed ones are set to
   * their values plus fresh N(0, σ_i²) noise, the level the network expects, and put back to that
   * after every step; after the final denoising step they take their exact values again.
   */
  @Override
  public NDArray complete(NDArray x, NDArray observed) {
    int n = (int) x.getShape().get(0);
    NDArray mask = Completer.perExample(observed, x)
        .toType(x.getDataType(), false);
    NDManager m = x.getManager();
    NDArray free = mask.neg().add(1);
    NDArray start = x.mul(mask).add(initialState(m, n).mul(free));
    NDArray drawn = anneal(m, start, config.stepsPerLevel(), x, mask, Progress.NONE);
    return drawn.mul(free).add(x.mul(mask));
  }

  /** How the completion draws; {@code sweeps} (Gibbs sweeps of other models) is not used. */
  @Override
  public String completionMethod(NDArray observed, int sweeps) {
    return "annealed Langevin (Song and Ermon 2019): " + sigmas.length + " noise levels x "
        + config.stepsPerLevel() + " steps (the model's stepsPerLevel), the observed values"
        + " noised to each level (approaches p(x_unobserved | x_observed) as the score is"
        + " learned)";
  }

  /** Uniform noise on [0, 1] for images, on [−σ_1, σ_1] for vectors. */
  private NDArray initialState(NDManager m, int n) {
    return images ? m.randomUniform(0f, 1f, new Shape(n, dimension))
        : m.randomUniform((float) -config.sigmaMax(), (float) config.sigmaMax(),
            new Shape(n, dimension));
  }

  /**
   * Annealed Langevin dynamics from {@code x}: {@code steps} steps at every level, then the
   * final denoising step; images clipped to [0, 1] at the end. With {@code observed} and
   * {@code mask} not null, the masked coordinates are held at the observed values plus noise of
   * the current level. Reports each step to {@code progress}.
   */
  private NDArray anneal(NDManager m, NDArray x, int steps, NDArray observed, NDArray mask,
      Progress progress) {
    double last = sigmas[sigmas.length - 1];
    long total = (long) steps * sigmas.length;
    NDArray free = mask == null ? null : mask.neg().add(1);
    for (int level = 0; level < sigmas.length; level++) {
      double sigma = sigmas[level];
      long before = (long) steps * level;
      double alpha = config.stepEpsilon() * sigma * sigma / (last * last);
      LogDensity target = LogDensity.withScore(y -> {
        throw new UnsupportedOperationException("ncsn models the score only");
      }, y -> score(y, sigma));
      // not clamped to [0, 1] for images: the chain at level σ targets the data smoothed by
      // N(0, σ²), which reaches well outside [0, 1]; clamping pushed the mass of the mostly-zero
      // MNIST pixels upwards and the chains ended white (as Song and Ermon's code, only the
      // final samples are clipped)
      Langevin langevin = new Langevin(target, alpha / 2, Math.sqrt(alpha),
          Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
      TransitionKernel kernel = langevin;
      if (mask != null) {
        NDArray held = observed.add(Scalars.times(m.randomNormal(observed.getShape()), sigma))
            .mul(mask);
        kernel = new TransitionKernel() {
          @Override
          public String name() {
            return "clamped " + langevin.name();
          }

          @Override
          public Step step(NDArray state) {
            return new Step(langevin.step(state).next().mul(free).add(held), null);
          }
        };
        x = x.mul(free).add(held);
      }
      x = Chains.draw(m, x, kernel, steps, null,
          (t, state) -> progress.advanced(before + t, total)).values();
    }
    NDArray denoised = x.add(Scalars.times(score(x, last), last * last));
    return images ? Scalars.clamp(denoised, 0, 1) : denoised;
  }
}
