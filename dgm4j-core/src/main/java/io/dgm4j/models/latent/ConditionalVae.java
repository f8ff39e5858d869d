package io.dgm4j.models.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.distributions.Categorical;
import io.dgm4j.distributions.DiagonalGaussian;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.Batch;
import io.dgm4j.models.Conditional;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Support;
import io.dgm4j.models.TrainingCost;
import io.dgm4j.nn.Mlp;
import io.dgm4j.nn.TensorMath;
import java.util.List;

/**
 * The conditional VAE (Sohn, Lee and Yan, NeurIPS 2015; Kingma et al.'s M2 generative model
 * with an observed label, NeurIPS 2014): p(x | y) = ∫ p(x | z, y) p(z) dz with the class label y
 * fed, one-hot, to both the encoder q(z | x, y) and the decoder p(x | z, y). The latent z then
 * carries what the label does not (style: slant, thickness), and {@code dgm sample --label 7}
 * draws sevens: z ~ N(0, I), x ~ p(x | z, y = 7).
 *
 * <pre>
 *   log p(x | y) >= E_q[log p(x | z, y)] - KL(q(z | x, y) || N(0, I))     (the conditional ELBO)
 * </pre>
 *
 * <p>Without a label the model is the mixture p(x) = Σ_y p(y) p(x | y) with a uniform p(y) over
 * the classes (MNIST's are within 10% of uniform): {@link #elbo} is log Σ_y p(y) exp(ELBO(x | y))
 * (still a lower bound on log p(x), since each ELBO(x | y) <= log p(x | y)), and
 * {@link #logProbEstimate} is log Σ_y p(y) p̂_k(x | y) with k importance samples per class, so the
 * NLL compares with unconditional models'. {@link #encode} averages the posterior means over the
 * classes, E_y μ(x, y) with y uniform: features that do not need the label.
 */
public final class ConditionalVae extends AbstractModel
    implements VariationalModel, Decodable, Conditional, TrainingCost {

  /**
   * Settings.
   *
   * @param latent dimensions of z
   * @param hidden deterministic layer sizes (encoder; the decoder mirrors them)
   * @param activation {@code tanh} or {@code relu}
   * @param classes the number of labels, 0..classes-1
   * @param decoder the distribution of x given z and y: {@code bernoulli} for binary images,
   *     {@code logistic} (discretized logistic) for 8-bit pixels 0..255
   */
  public record Config(int latent, List<Integer> hidden, String activation, int classes,
      String decoder) {
    public Config {
      if (latent < 1) {
        throw new IllegalArgumentException("latent must be at least 1, got " + latent);
      }
      if (classes < 2) {
        throw new IllegalArgumentException("classes must be at least 2, got " + classes);
      }
      hidden = List.copyOf(hidden);
      Mlp.requireActivation(activation);
      PixelLikelihood.named(decoder);
    }

    /** The VAE's MNIST networks (200-200 tanh, 50 latent dimensions), 10 classes. */
    public static Config defaults() {
      return new Config(50, List.of(200, 200), "tanh", 10, "bernoulli");
    }
  }

  private final Config config;
  private final PixelLikelihood likelihood;
  private final Mlp encoder; // [x, onehot(y)] -> (mu, log sigma)
  private final Mlp decoder; // [z, onehot(y)] -> parameters of p(x | z, y)

  public ConditionalVae(NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, ModelRegistry.product(itemShape), seed);
    this.config = config;
    this.likelihood = PixelLikelihood.named(config.decoder());
    int c = config.classes();
    encoder = new Mlp(parameters, "encoder", Vae.sizes(dimension + c, config.hidden(),
        2 * config.latent()), config.activation());
    decoder = new Mlp(parameters, "decoder", Vae.sizes(config.latent() + c,
        Vae.reversed(config.hidden()), likelihood.parametersPerValue() * dimension),
        config.activation());
  }

  @Override
  public ElboTerms elboTerms(Batch batch) {
    NDArray x = batch.x();
    NDArray y = oneHot(batch.requireLabels("cvae"));
    NDArray[] q = posteriorOf(x, y);
    NDArray z = Vae.reparameterize(q, 0);
    NDArray reconstruction = likelihood.logProb(decoder.forward(z.concat(y, 1)), x);
    return new ElboTerms(reconstruction, DiagonalGaussian.klToStandardNormal(q[0], q[1]));
  }

  @Override
  public NDArray logImportanceWeights(Batch batch, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("importance samples must be at least 1, got " + k);
    }
    NDArray x = batch.x();
    NDArray y = oneHot(batch.requireLabels("cvae")); // (N, C)
    Vae.Draw draw = Vae.draw(posteriorOf(x, y), k); // (k, N, L)
    NDArray z = draw.z();
    NDArray yk = y.expandDims(0).broadcast(new Shape(k).addAll(y.getShape())); // (k, N, C)
    return likelihood.logProb(decoder.forward(z.concat(yk, 2)), x)
        .add(DiagonalGaussian.standardNormalLogProb(z))
        .sub(draw.logQ());
  }

  /** The mean and log standard deviation of q(z | x, y) for one-hot labels y, (N, L) each. */
  private NDArray[] posteriorOf(NDArray x, NDArray y) {
    return Vae.meanAndLogStd(encoder.forward(likelihood.networkInput(x).concat(y, 1)));
  }

  /** log Σ_y p(y) exp(ELBO(x | y)), uniform p(y): a lower bound on log p(x). */
  @Override
  public NDArray elbo(NDArray x) {
    return perClass(x, labels -> elboTerms(new Batch(x, labels)).elbo());
  }

  /** log Σ_y p(y) p̂_k(x | y), uniform p(y), k importance samples per class. */
  @Override
  public NDArray logProbEstimate(NDArray x, int k) {
    return perClass(x, labels -> TensorMath.logMeanExp(
        logImportanceWeights(new Batch(x, labels), k), 0));
  }

  /** log Σ_y (1/C) exp(f(y)) for a per-example figure f computed with every example labelled y. */
  private NDArray perClass(NDArray x, java.util.function.Function<NDArray, NDArray> f) {
    int n = (int) x.getShape().get(0);
    NDArray[] each = new NDArray[config.classes()];
    for (int c = 0; c < config.classes(); c++) {
      each[c] = f.apply(x.getManager().full(new Shape(n), c, DataType.INT32)).expandDims(0);
    }
    return TensorMath.logMeanExp(TensorMath.concat(new ai.djl.ndarray.NDList(each), 0), 0);
  }

  /** E_y μ(x, y) over uniform y: the posterior means averaged over the classes. */
  @Override
  public NDArray encode(NDArray x) {
    int n = (int) x.getShape().get(0);
    NDArray sum = null;
    for (int c = 0; c < config.classes(); c++) {
      NDArray y = oneHot(x.getManager().full(new Shape(n), c, DataType.INT32));
      NDArray mean = posteriorOf(x, y)[0];
      sum = sum == null ? mean : sum.add(mean);
    }
    return Scalars.dividedBy(sum, config.classes());
  }

  @Override
  public int latentDimension() {
    return config.latent();
  }

  /**
   * The mean of p(x | z) = Σ_y p(y) p(x | z, y) (z and y are independent under the prior): the
   * decoder's means averaged over the classes.
   */
  @Override
  public NDArray decode(NDArray z) {
    int n = (int) z.getShape().get(0);
    NDArray sum = null;
    for (int c = 0; c < config.classes(); c++) {
      NDArray mean = decodeGiven(z, z.getManager().full(new Shape(n), c, DataType.INT32));
      sum = sum == null ? mean : sum.add(mean);
    }
    return Scalars.dividedBy(sum, config.classes());
  }

  /** The mean of p(x | z, y), shape (N, D), for labels of shape (N). */
  public NDArray decodeGiven(NDArray z, NDArray labels) {
    return likelihood.mean(decoder.forward(z.concat(oneHot(labels), 1)));
  }

  /** Labels uniform over the classes, then x ~ p(x | z, y). */
  @Override
  public NDArray sample(NDManager out, int n) {
    try (NDManager m = out.newSubManager()) {
      NDArray labels = Categorical.sample(m.zeros(new Shape(n, config.classes())));
      NDArray draws = sampleGiven(m, labels);
      draws.attach(out);
      return draws;
    }
  }

  @Override
  public NDArray sampleGiven(NDManager out, NDArray labels) {
    try (NDScope scope = new NDScope()) {
      int n = (int) labels.getShape().get(0);
      NDArray z = out.randomNormal(new Shape(n, config.latent()));
      NDArray draws = likelihood.sample(decoder.forward(z.concat(oneHot(labels), 1)));
      NDScope.unregister(draws);
      draws.attach(out);
      return draws;
    }
  }

  @Override
  public int classes() {
    return config.classes();
  }

  /** One-hot rows (N, C) float32, refusing labels outside 0..C-1. */
  private NDArray oneHot(NDArray labels) {
    int[] values = labels.toType(DataType.INT32, false).toIntArray();
    for (int v : values) {
      if (v < 0 || v >= config.classes()) {
        throw new IllegalArgumentException("label " + v + " is outside 0.." + (config.classes()
            - 1) + "; set classes to the number of labels in the data");
      }
    }
    return labels.toType(DataType.INT64, false).oneHot(config.classes(), DataType.FLOAT32);
  }

  @Override
  public String family() {
    return "cvae";
  }

  /** The encoder once, the decoder per draw. */
  @Override
  public long forwardMultiplyAdds(int latentSamples) {
    return encoder.multiplyAdds() + latentSamples * decoder.multiplyAdds();
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
