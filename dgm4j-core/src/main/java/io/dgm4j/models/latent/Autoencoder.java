package io.dgm4j.models.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Support;
import io.dgm4j.models.TrainingCost;
import io.dgm4j.nn.ConvDecoder;
import io.dgm4j.nn.ConvEncoder;
import io.dgm4j.nn.Mlp;
import io.dgm4j.nn.Network;
import java.util.List;

/**
 * The (deterministic) autoencoder of seed 003: an encoder maps x to a code h = f(x) of
 * {@code latent} numbers, a decoder maps the code back to the parameters of a distribution over
 * x, and training minimises the reconstruction error −log p(x | g(f(x))) (for binary images the
 * cross-entropy between x and the decoded pixel probabilities). The bottleneck forces the code to
 * keep what matters about x, so f(x) serves as features (representation learning, seed 002).
 *
 * <p>It is not a probabilistic model of x: there is no prior over codes, so no likelihood, no
 * bound and no way to sample; the commands that need those say so. Networks as in {@link Vae}
 * (MLP or convolutional), with a deterministic code in place of a Gaussian.
 */
public final class Autoencoder extends AbstractModel implements Decodable, TrainingCost {

  /**
   * Settings.
   *
   * @param latent size of the code
   * @param hidden deterministic layer sizes between x and the code (mirrored in the decoder)
   * @param activation {@code tanh} or {@code relu}
   * @param decoder the reconstruction distribution: {@code bernoulli} for binary images,
   *     {@code logistic} (discretized logistic) for 8-bit pixels 0..255
   * @param network {@code mlp} or {@code conv}
   * @param channels feature maps of each convolution ({@code network = conv})
   */
  public record Config(int latent, List<Integer> hidden, String activation, String decoder,
      String network, List<Integer> channels) {
    public Config {
      if (latent < 1) {
        throw new IllegalArgumentException("latent must be at least 1, got " + latent);
      }
      hidden = List.copyOf(hidden);
      channels = List.copyOf(channels);
      Mlp.requireActivation(activation);
      PixelLikelihood.named(decoder);
      if (!"mlp".equals(network) && !"conv".equals(network)) {
        throw new IllegalArgumentException("network must be mlp or conv, got " + network);
      }
    }

    /** The VAE's MNIST networks with a 50-number code. */
    public static Config defaults() {
      return new Config(50, List.of(200, 200), "tanh", "bernoulli", "mlp", List.of(32, 64));
    }
  }

  private final Config config;
  private final PixelLikelihood likelihood;
  private final Network encoder;
  private final Network decoder;

  public Autoencoder(NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, ModelRegistry.product(itemShape), seed);
    this.config = config;
    this.likelihood = PixelLikelihood.named(config.decoder());
    int p = likelihood.parametersPerValue();
    if ("conv".equals(config.network())) {
      encoder = new ConvEncoder(parameters, "encoder", itemShape, config.channels(),
          config.hidden(), config.latent(), config.activation());
      decoder = new ConvDecoder(parameters, "decoder", config.latent(),
          Vae.reversed(config.hidden()), config.channels(), itemShape, p, config.activation());
    } else {
      encoder = new Mlp(parameters, "encoder", Vae.sizes(dimension, config.hidden(),
          config.latent()), config.activation());
      decoder = new Mlp(parameters, "decoder", Vae.sizes(config.latent(),
          Vae.reversed(config.hidden()), p * dimension), config.activation());
    }
  }

  /**
   * The reconstruction error −log p(x | g(f(x))) per example, in nats (the training loss).
   *
   * @param x shape (N, D)
   * @return shape (N)
   */
  public NDArray reconstructionError(NDArray x) {
    return likelihood.logProb(decoder.forward(encoder.forward(likelihood.networkInput(x))), x)
        .neg();
  }

  /** The code f(x), shape (N, latent). */
  @Override
  public NDArray encode(NDArray x) {
    return encoder.forward(likelihood.networkInput(x));
  }

  @Override
  public int latentDimension() {
    return config.latent();
  }

  /** The mean of the reconstruction distribution for codes h, shape (N, D). */
  @Override
  public NDArray decode(NDArray code) {
    return likelihood.mean(decoder.forward(code));
  }

  @Override
  public String family() {
    return "autoencoder";
  }

  /** Encoder and decoder once (no latent draws). */
  @Override
  public long forwardMultiplyAdds(int latentSamples) {
    return encoder.multiplyAdds() + decoder.multiplyAdds();
  }

  @Override
  public long dataLayerMultiplyAdds() {
    return encoder.firstLayerMultiplyAdds();
  }

  @Override
  public Support support() {
    return likelihood.support();
  }

  @Override
  public Config config() {
    return config;
  }
}
