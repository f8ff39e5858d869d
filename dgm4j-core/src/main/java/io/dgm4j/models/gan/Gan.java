package io.dgm4j.models.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Samplable;
import io.dgm4j.models.Support;
import io.dgm4j.nn.Mlp;
import java.util.ArrayList;
import java.util.List;

/**
 * The generator of a generative adversarial network (Goodfellow et al., "Generative Adversarial
 * Nets", NeurIPS 2014): x = G(z), z ~ N(0, I_L), with G a fully connected network. It defines
 * its distribution p_g only implicitly, by sampling: there is no density to score, no bound and
 * no energy, and the commands that need one say so. It is trained against a discriminator
 * D(x) ∈ (0, 1), the second player, which lives in the {@code gan} objective
 * ({@code io.dgm4j.objectives.gan.AdversarialNets}) and is saved with its state:
 *
 * <pre>
 *   min_G max_D  E_data[log D(x)] + E_z[log(1 - D(G(z)))]
 * </pre>
 *
 * For a fixed G the best discriminator is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and against
 * it the game's value is 2 JS(p_data || p_g) - log 4, smallest (−log 4) exactly when p_g =
 * p_data (Goodfellow et al., Proposition 1 and Theorem 1).
 *
 * <p>The output layer decides the values x can take: {@code sigmoid} for pixels scaled to (0, 1)
 * (dgm4j feeds real-valued models dequantized pixels (v + u) / 256), {@code linear} for any real
 * vector (2-D toys, tables); {@code auto} chooses sigmoid for images (an item shape of two or
 * more axes) and linear otherwise. Defaults: 100 latent dimensions and hidden layers of 256,
 * 512 and 1,024 leaky-ReLU units, the common fully connected MNIST generator (Goodfellow et
 * al.'s had 1,200-1,200 ReLU units). Measured on MNIST (docs/BENCHMARKS.md): with two layers of
 * 256 for both players the generator collapsed onto one saturated image within the first epoch,
 * also with the discriminator's rate at a quarter of its own; at these sizes recognisable digits
 * of most classes appear within 30 epochs.
 */
public final class Gan extends AbstractModel implements Samplable {

  /**
   * Settings.
   *
   * @param latent dimensions of z, at least 1
   * @param hidden the generator's hidden layer sizes
   * @param activation {@code leaky-relu}, {@code relu} or {@code tanh}, after every hidden layer
   * @param output {@code sigmoid}, {@code linear} or {@code auto} (sigmoid for images)
   */
  public record Config(int latent, List<Integer> hidden, String activation, String output) {
    public Config {
      if (latent < 1) {
        throw new IllegalArgumentException("latent must be at least 1, got " + latent);
      }
      hidden = List.copyOf(hidden);
      for (int h : hidden) {
        if (h < 1) {
          throw new IllegalArgumentException("hidden sizes must be positive, got " + hidden);
        }
      }
      Mlp.requireActivation(activation);
      if (!List.of("sigmoid", "linear", "auto").contains(output)) {
        throw new IllegalArgumentException("output must be sigmoid, linear or auto, got "
            + output);
      }
    }

    public static Config defaults() {
      return new Config(100, List.of(256, 512, 1024), "leaky-relu", "auto");
    }
  }

  private final Config config;
  private final Mlp generator;
  private final boolean sigmoid;

  /** @param itemShape the shape of one example; the generator writes it flat */
  public Gan(NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, ModelRegistry.product(itemShape), seed);
    this.config = config;
    this.sigmoid = "sigmoid".equals(config.output())
        || "auto".equals(config.output()) && itemShape.length >= 2;
    List<Integer> sizes = new ArrayList<>();
    sizes.add(config.latent());
    sizes.addAll(config.hidden());
    sizes.add(dimension);
    this.generator = new Mlp(parameters, "generator", sizes, config.activation());
  }

  /** G(z): (N, L) -> (N, D), differentiable in the generator's weights (and in z). */
  public NDArray generate(NDArray z) {
    NDArray out = generator.forward(z);
    return sigmoid ? Activation.sigmoid(out) : out;
  }

  /** n draws of z ~ N(0, I), shape (n, L), in {@code manager}. */
  public NDArray latents(NDManager manager, int n) {
    return manager.randomNormal(new Shape(n, config.latent()));
  }

  /** G(z) for z ~ N(0, I). */
  @Override
  public NDArray sample(NDManager out, int n) {
    try (NDScope scope = new NDScope()) {
      NDArray x = generate(latents(out, n));
      NDScope.unregister(x);
      x.attach(out);
      return x;
    }
  }

  @Override
  public String family() {
    return "gan";
  }

  @Override
  public Support support() {
    return Support.REAL;
  }

  @Override
  public Config config() {
    return config;
  }
}
