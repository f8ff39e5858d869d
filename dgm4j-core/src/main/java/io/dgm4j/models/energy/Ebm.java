package io.dgm4j.models.energy;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Autograd;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.Support;
import io.dgm4j.nn.Mlp;
import io.dgm4j.nn.Network;
import io.dgm4j.nn.StridedConvNet;
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
 * <p>How it is learned decides what is known of Z: contrastive divergence, score matching and
 * adversarial training never need it; noise-contrastive and flow contrastive estimation learn
 * log Z as one more parameter (the scalar {@code logZ}), and then {@link #logZ()} reports it
 * with method {@code nce}. On 2-D data {@code dgm eval} computes log Z by quadrature on a grid
 * whatever the objective.
 */
public final class Ebm extends AbstractModel implements EnergyModel, LearnedLogPartition {

  /**
   * Settings.
   *
   * @param hidden hidden layer sizes of the MLP energy (vectors)
   * @param channels filters of the first convolution of the CNN energy (images)
   * @param logZ {@code none}, or {@code nce} when log Z is learned (set by the nce and fce
   *     objectives, which learn it; other objectives reset it to none)
   */
  public record Config(List<Integer> hidden, int channels, String logZ) {
    public Config {
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

    /** Two hidden layers of 128 (2-D toys); 32 filters for images. */
    public static Config defaults() {
      return new Config(List.of(128, 128), 32, "none");
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
    return new Config(config.hidden(), config.channels(), logZLearned ? "nce" : "none");
  }

  /** The shape of one example: (D) for vectors, (H, W) for images. */
  public int[] itemShape() {
    return itemShape.clone();
  }

  /** E(x) = −f(x), shape (N). */
  @Override
  public NDArray energy(NDArray x) {
    return network.forward(x).reshape(-1);
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
}
