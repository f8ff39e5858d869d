package io.dgm4j.models.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.distributions.DiagonalGaussian;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.Batch;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Support;
import io.dgm4j.models.TrainingCost;
import io.dgm4j.nn.ConvDecoder;
import io.dgm4j.nn.ConvEncoder;
import io.dgm4j.nn.Mlp;
import io.dgm4j.nn.Network;
import io.dgm4j.nn.TensorMath;
import java.util.ArrayList;
import java.util.List;

/**
 * The variational autoencoder (Kingma and Welling, ICLR 2014; Rezende, Mohamed and Wierstra,
 * ICML 2014), with an optional second stochastic layer as in the importance-weighted autoencoder
 * paper (Burda, Grosse and Salakhutdinov, ICLR 2016). The same class serves the {@code vae} and
 * {@code iwae} families: they differ only in the objective they train with (the ELBO or the
 * k-sample bound), as in the paper.
 *
 * <p><b>One stochastic layer.</b> p(z) = N(0, I), p(x | z) = the decoder's distribution
 * ({@link PixelLikelihood}: Bernoulli for binary images, a discretized logistic for 8-bit ones)
 * with parameters from a network of z;
 * q(z | x) = N(mu(x), diag sigma(x)^2) from an encoder network. The evidence lower bound (seed
 * 003)
 *
 * <pre>
 *   log p(x) >= ELBO(x) = E_q[log p(x | z)] - KL(q(z | x) || p(z))
 *   KL = (1/2) sum_j (mu_j^2 + sigma_j^2 - 1 - 2 log sigma_j)         (closed form)
 * </pre>
 *
 * is estimated with one reparameterized draw z = mu + sigma * eps, eps ~ N(0, I), so its gradient
 * flows through mu and sigma. The importance-weighted estimate of log p(x) is
 * log (1/k) sum_i p(x, z_i) / q(z_i | x), z_i ~ q(z | x): a lower bound for every k, rising to
 * log p(x) as k grows (Burda et al., Theorem 1).
 *
 * <p><b>Two stochastic layers</b> ({@code latent2 > 0}): p(z2) = N(0, I), p(z1 | z2) and
 * q(z2 | z1) diagonal Gaussians from networks of {@code hidden2} units, p(x | z1), q(z1 | x).
 * Then log w = log p(x | z1) + log p(z1 | z2) + log p(z2) - log q(z1 | x) - log q(z2 | z1), and
 * the KL term of the ELBO is log q(z1 | x) - log p(z1 | z2) (one draw) plus KL(q(z2 | z1) ||
 * p(z2)) in closed form.
 *
 * <p>Defaults are Burda et al.'s one-stochastic-layer MNIST model: two deterministic layers of
 * 200 tanh units, 50 latent dimensions (VAE 86.76 nats, IWAE k = 50 84.78, IWAE-5000 test
 * estimates). Their two-layer model, as the authors' released code builds it (experiments.py,
 * whose runs the paper's second version reports): hidden 200,200, latent 100, hidden2 100,100,
 * latent2 50 (IWAE k = 50: 82.90); they trained on 59,600 images with a fresh binarization per
 * use, batch 20. Weights Glorot-uniform, biases zero; networks output a mean and a log
 * standard deviation per latent dimension. With {@code network = conv} the encoder and decoder of
 * x are convolutional ({@link ConvEncoder}, {@link ConvDecoder}) and {@code hidden} sizes the
 * dense layers between the feature maps and z.
 */
public final class Vae extends AbstractModel implements VariationalModel, Decodable,
    TrainingCost {

  /**
   * Settings.
   *
   * @param latent dimensions of z (of z1 with two stochastic layers), at least 1
   * @param hidden deterministic layer sizes between x and z (encoder; the decoder mirrors them)
   * @param activation {@code tanh} (the paper's) or {@code relu}
   * @param latent2 dimensions of a second stochastic layer z2; 0 for one stochastic layer
   * @param hidden2 deterministic layer sizes between z1 and z2 (used when latent2 > 0)
   * @param decoder the distribution of x given z: {@code bernoulli} for binary images,
   *     {@code logistic} (discretized logistic) for 8-bit pixels 0..255
   * @param network {@code mlp} (fully connected) or {@code conv}: stride-2 convolutions over the
   *     image before the {@code hidden} dense layers, transposed convolutions after them
   * @param channels feature maps of each convolution ({@code network = conv})
   */
  public record Config(int latent, List<Integer> hidden, String activation, int latent2,
      List<Integer> hidden2, String decoder, String network, List<Integer> channels) {
    public Config {
      if (latent < 1) {
        throw new IllegalArgumentException("latent must be at least 1, got " + latent);
      }
      if (latent2 < 0) {
        throw new IllegalArgumentException("latent2 must be >= 0 (0: one stochastic layer), got "
            + latent2);
      }
      hidden = List.copyOf(hidden);
      hidden2 = List.copyOf(hidden2);
      for (int h : hidden) {
        if (h < 1) {
          throw new IllegalArgumentException("hidden sizes must be positive, got " + hidden);
        }
      }
      for (int h : hidden2) {
        if (h < 1) {
          throw new IllegalArgumentException("hidden2 sizes must be positive, got " + hidden2);
        }
      }
      Mlp.requireActivation(activation);
      PixelLikelihood.named(decoder);
      if (!"mlp".equals(network) && !"conv".equals(network)) {
        throw new IllegalArgumentException("network must be mlp or conv, got " + network);
      }
      channels = List.copyOf(channels);
      for (int c : channels) {
        if (c < 1) {
          throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
      }
    }

    /** Burda et al.'s one-stochastic-layer MNIST model: 200-200 tanh, 50 latent dimensions. */
    public static Config defaults() {
      return new Config(50, List.of(200, 200), "tanh", 0, List.of(50, 50), "bernoulli", "mlp",
          List.of(32, 64));
    }
  }

  private final String family;
  private final Config config;
  private final PixelLikelihood likelihood;
  private final Network encoder1; // x -> (mu, log sigma) of q(z1 | x)
  private final Network decoder1; // z1 -> parameters of p(x | z1)
  private final Network encoder2; // z1 -> (mu, log sigma) of q(z2 | z1), or null
  private final Network decoder2; // z2 -> (mu, log sigma) of p(z1 | z2), or null

  /**
   * @param family the registry name this model is built under ({@code vae} or {@code iwae})
   * @param itemShape the shape of one example; the networks see it flat
   */
  public Vae(String family, NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, ModelRegistry.product(itemShape), seed);
    this.family = family;
    this.config = config;
    this.likelihood = PixelLikelihood.named(config.decoder());
    int d = dimension;
    int p = likelihood.parametersPerValue();
    if ("conv".equals(config.network())) {
      encoder1 = new ConvEncoder(parameters, "encoder", itemShape, config.channels(),
          config.hidden(), 2 * config.latent(), config.activation());
      decoder1 = new ConvDecoder(parameters, "decoder", config.latent(),
          reversed(config.hidden()), config.channels(), itemShape, p, config.activation());
    } else {
      encoder1 = new Mlp(parameters, "encoder", sizes(d, config.hidden(), 2 * config.latent()),
          config.activation());
      decoder1 = new Mlp(parameters, "decoder", sizes(config.latent(),
          reversed(config.hidden()), p * d), config.activation());
    }
    if (config.latent2() > 0) {
      encoder2 = new Mlp(parameters, "encoder2", sizes(config.latent(), config.hidden2(),
          2 * config.latent2()), config.activation());
      decoder2 = new Mlp(parameters, "decoder2", sizes(config.latent2(),
          reversed(config.hidden2()), 2 * config.latent()), config.activation());
    } else {
      encoder2 = null;
      decoder2 = null;
    }
  }

  @Override
  public ElboTerms elboTerms(Batch batch) {
    NDArray x = batch.x();
    NDArray[] q1 = meanAndLogStd(encoder1.forward(likelihood.networkInput(x))); // (N, L1)
    Draw d1 = draw(q1, 0); // (N, L1)
    NDArray reconstruction = likelihood.logProb(decoder1.forward(d1.z()), x); // (N)
    if (encoder2 == null) {
      return new ElboTerms(reconstruction, DiagonalGaussian.klToStandardNormal(q1[0], q1[1]));
    }
    NDArray[] q2 = meanAndLogStd(encoder2.forward(d1.z())); // (N, L2)
    NDArray z2 = reparameterize(q2, 0);
    NDArray[] p1 = meanAndLogStd(decoder2.forward(z2)); // p(z1 | z2), (N, L1)
    NDArray kl = d1.logQ().sub(DiagonalGaussian.logProb(p1[0], p1[1], d1.z()))
        .add(DiagonalGaussian.klToStandardNormal(q2[0], q2[1]));
    return new ElboTerms(reconstruction, kl);
  }

  @Override
  public NDArray logImportanceWeights(Batch batch, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("importance samples must be at least 1, got " + k);
    }
    NDArray x = batch.x();
    NDArray[] q1 = meanAndLogStd(encoder1.forward(likelihood.networkInput(x))); // (N, L1)
    Draw d1 = draw(q1, k); // (k, N, L1)
    NDArray logW = likelihood.logProb(decoder1.forward(d1.z()), x).sub(d1.logQ()); // (k, N)
    if (encoder2 == null) {
      return logW.add(DiagonalGaussian.standardNormalLogProb(d1.z()));
    }
    Draw d2 = draw(meanAndLogStd(encoder2.forward(d1.z())), 0); // (k, N, L2)
    NDArray[] p1 = meanAndLogStd(decoder2.forward(d2.z())); // (k, N, L1)
    return logW.add(DiagonalGaussian.logProb(p1[0], p1[1], d1.z()))
        .add(DiagonalGaussian.standardNormalLogProb(d2.z()))
        .sub(d2.logQ());
  }

  /**
   * A reparameterized draw z = mu + sigma * eps, with what scoring it under q needs (computed
   * only when asked, so a caller that only wants z pays nothing more).
   */
  record Draw(NDArray z, NDArray eps, NDArray logStd) {
    /** log q(z), summed over the last axis ({@link DiagonalGaussian#logProbOfDraw}). */
    NDArray logQ() {
      return DiagonalGaussian.logProbOfDraw(logStd, eps);
    }
  }

  /** A reparameterized draw, shape (N, L) for {@code k = 0}, else (k, N, L). */
  static Draw draw(NDArray[] meanAndLogStd, int k) {
    NDArray mean = meanAndLogStd[0];
    Shape shape = k == 0 ? mean.getShape() : new Shape(k).addAll(mean.getShape());
    NDArray eps = mean.getManager().randomNormal(shape);
    NDArray z = mean.add(meanAndLogStd[1].exp().mul(eps));
    return new Draw(z, eps, meanAndLogStd[1]);
  }

  @Override
  public NDArray elbo(NDArray x) {
    return elboTerms(Batch.of(x)).elbo();
  }

  @Override
  public NDArray logProbEstimate(NDArray x, int k) {
    return TensorMath.logMeanExp(logImportanceWeights(Batch.of(x), k), 0);
  }

  /** The mean of q(z1 | x): the features. */
  @Override
  public NDArray encode(NDArray x) {
    return meanAndLogStd(encoder1.forward(likelihood.networkInput(x)))[0];
  }

  @Override
  public int latentDimension() {
    return config.latent();
  }

  /** The mean of p(x | z1), shape (N, D). */
  @Override
  public NDArray decode(NDArray z) {
    return likelihood.mean(decoder1.forward(z));
  }

  /** Ancestral sampling: z2 ~ p(z2), z1 ~ p(z1 | z2) (or z1 ~ p(z1)), x ~ p(x | z1). */
  @Override
  public NDArray sample(NDManager out, int n) {
    try (NDScope scope = new NDScope()) {
      NDArray z1;
      if (decoder2 == null) {
        z1 = out.randomNormal(new Shape(n, config.latent()));
      } else {
        NDArray z2 = out.randomNormal(new Shape(n, config.latent2()));
        z1 = reparameterize(meanAndLogStd(decoder2.forward(z2)), 0);
      }
      NDArray draws = likelihood.sample(decoder1.forward(z1));
      NDScope.unregister(draws);
      draws.attach(out);
      return draws;
    }
  }

  /**
   * A reparameterized draw mu + sigma * eps: shape (N, L) for {@code k = 0}, else (k, N, L)
   * with k independent draws per row.
   */
  static NDArray reparameterize(NDArray[] meanAndLogStd, int k) {
    return draw(meanAndLogStd, k).z();
  }

  /** Splits a network output (..., 2L) into the mean and the log standard deviation (..., L). */
  static NDArray[] meanAndLogStd(NDArray output) {
    NDList halves = output.split(2, output.getShape().dimension() - 1);
    return new NDArray[] {halves.get(0), halves.get(1)};
  }

  static List<Integer> sizes(int in, List<Integer> hidden, int out) {
    List<Integer> s = new ArrayList<>();
    s.add(in);
    s.addAll(hidden);
    s.add(out);
    return s;
  }

  static List<Integer> reversed(List<Integer> hidden) {
    List<Integer> r = new ArrayList<>(hidden);
    java.util.Collections.reverse(r);
    return r;
  }

  @Override
  public String family() {
    return family;
  }

  /** q(z1 | x) once; p(x | z1), and with two layers q(z2 | z1) and p(z1 | z2), per draw. */
  @Override
  public long forwardMultiplyAdds(int latentSamples) {
    long perDraw = decoder1.multiplyAdds()
        + (encoder2 == null ? 0 : encoder2.multiplyAdds() + decoder2.multiplyAdds());
    return encoder1.multiplyAdds() + latentSamples * perDraw;
  }

  @Override
  public long dataLayerMultiplyAdds() {
    return encoder1.firstLayerMultiplyAdds();
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
