package io.dgm4j.objectives.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Activation;
import io.dgm4j.info.MaximumMeanDiscrepancy;
import io.dgm4j.models.Batch;
import io.dgm4j.models.gan.Gan;
import io.dgm4j.nn.Mlp;
import io.dgm4j.nn.Parameters;
import io.dgm4j.objectives.Objective;
import io.dgm4j.optim.Adam;
import io.dgm4j.optim.GradientStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Adversarial training of a {@link Gan} (Goodfellow et al., "Generative Adversarial Nets",
 * NeurIPS 2014, Algorithm 1): the generator G (the model) against a discriminator D = sigmoid(l),
 * l a fully connected network of x with one output (a logit), each player with its own Adam.
 * With softplus(t) = log(1 + e^t), so that -log D = softplus(-l) and -log(1 - D) = softplus(l),
 * every step makes
 *
 * <ul>
 *   <li>{@code discriminatorSteps} updates of D on the batch against as many fresh samples,
 *       minimising L_D = E_data[softplus(-l(x))] + E_z[softplus(l(G(z)))], i.e. maximising
 *       E log D(x) + E log(1 - D(G(z)));
 *   <li>one update of G minimising, with {@code generatorLoss}: {@code non-saturating},
 *       E_z[softplus(-l(G(z)))] = -E log D(G(z)) (the paper's choice in practice: early on, when D
 *       rejects samples with confidence, log(1 - D) is flat and gives G almost no gradient); or
 *       {@code minimax}, -E_z[softplus(l(G(z)))] = E log(1 - D(G(z))), the value function itself.
 * </ul>
 *
 * The figure reported for training is L_D (nats): 2 log 2 = 1.386 when D can no longer tell
 * (D = 1/2 everywhere, as at the game's optimum p_g = p_data), near 0 when it tells them apart.
 *
 * <p><b>Validation.</b> A GAN has no likelihood to validate on, and L_D says how well D does,
 * not how good G is. Validation reports the squared maximum mean discrepancy between held-out
 * data and as many samples (Gretton et al., JMLR 2012, the unbiased estimate MMD²_u with a
 * Gaussian kernel exp(-|a - b|² / (2 s²)), s the median distance between the held-out examples
 * of the batch): 0 in expectation exactly when p_g = p_data for this kernel, lower is better, so
 * the best checkpoint is the generator nearest the data by this measure.
 *
 * <p>D's weights and both players' Adam moments travel in the objective's state, so a resumed
 * run continues the game exactly. Common practice for images (Radford et al., DCGAN, 2016):
 * {@code dgm train --adam-betas 0.5,0.999}.
 */
public final class AdversarialNets implements Objective {

  /**
   * Settings.
   *
   * @param discriminatorHidden the discriminator's hidden layer sizes (leaky ReLU, slope 0.2)
   * @param discriminatorSteps updates of D per update of G (the paper's k; it used 1)
   * @param discriminatorLrScale D's learning rate as a multiple of G's
   * @param generatorLoss {@code non-saturating} or {@code minimax}
   * @param discriminatorDropout the rate of dropout after each of D's hidden layers while it is
   *     trained and while it trains G (Goodfellow et al. trained their discriminators with it);
   *     0 for none
   */
  public record Config(List<Integer> discriminatorHidden, int discriminatorSteps,
      double discriminatorLrScale, String generatorLoss, double discriminatorDropout) {
    public Config {
      discriminatorHidden = List.copyOf(discriminatorHidden);
      for (int h : discriminatorHidden) {
        if (h < 1) {
          throw new IllegalArgumentException("discriminatorHidden sizes must be positive, got "
              + discriminatorHidden);
        }
      }
      if (discriminatorSteps < 1) {
        throw new IllegalArgumentException("discriminatorSteps must be at least 1, got "
            + discriminatorSteps);
      }
      if (!(discriminatorLrScale > 0) || Double.isInfinite(discriminatorLrScale)) {
        throw new IllegalArgumentException("discriminatorLrScale must be a positive number, got "
            + discriminatorLrScale);
      }
      if (!List.of("non-saturating", "minimax").contains(generatorLoss)) {
        throw new IllegalArgumentException("generatorLoss must be non-saturating or minimax, got "
            + generatorLoss);
      }
      if (!(discriminatorDropout >= 0 && discriminatorDropout < 1)) {
        throw new IllegalArgumentException("discriminatorDropout must be in [0, 1), got "
            + discriminatorDropout);
      }
    }

    /**
     * A 1,024-512-256 leaky-ReLU discriminator with dropout 0.3 (the generator's mirror), one
     * step each, the same rate, the non-saturating loss.
     */
    public static Config defaults() {
      return new Config(List.of(1024, 512, 256), 1, 1.0, "non-saturating", 0.3);
    }
  }

  private final Gan generator;
  private final Config config;
  private final double clipNorm;
  private final Parameters discriminatorWeights;
  private final Mlp discriminator;
  private final Adam generatorOptimizer;
  private final Adam discriminatorOptimizer;

  public AdversarialNets(Gan generator, Config config, double clipNorm) {
    this.generator = generator;
    this.config = config;
    this.clipNorm = clipNorm;
    this.discriminatorWeights = new Parameters(generator.manager().newSubManager(), 7919L);
    List<Integer> sizes = new ArrayList<>();
    sizes.add(generator.dimension());
    sizes.addAll(config.discriminatorHidden());
    sizes.add(1);
    this.discriminator = new Mlp(discriminatorWeights, "discriminator", sizes, "leaky-relu");
    this.generatorOptimizer = new Adam(generator.parameters());
    this.discriminatorOptimizer = new Adam(discriminatorWeights);
  }

  @Override
  public String name() {
    return "adversarial nets (" + config.generatorLoss() + "; train = the discriminator's"
        + " loss, 1.386 when it cannot tell)";
  }

  /** The discriminator's logit l(x), shape (N), without dropout. */
  public NDArray logit(NDArray x) {
    return discriminator.forward(x).squeeze(1);
  }

  /** The logit as D is trained and trains G: with its dropout. */
  private NDArray trainingLogit(NDArray x) {
    return discriminator.forward(x, config.discriminatorDropout()).squeeze(1);
  }

  /** L_D = mean softplus(-l(real)) + mean softplus(l(fake)), a scalar, with D's dropout. */
  public NDArray discriminatorLoss(NDArray real, NDArray fake) {
    return Activation.softPlus(trainingLogit(real).neg()).mean()
        .add(Activation.softPlus(trainingLogit(fake)).mean());
  }

  /**
   * The generator's loss on samples {@code fake} = G(z), a scalar ({@link Config}), with D's
   * dropout.
   */
  public NDArray generatorLoss(NDArray fake) {
    NDArray l = trainingLogit(fake);
    return "minimax".equals(config.generatorLoss()) ? Activation.softPlus(l).mean().neg()
        : Activation.softPlus(l.neg()).mean();
  }

  @Override
  public double step(Batch batch, long step, double learningRate) {
    NDArray x = batch.x();
    int n = (int) x.getShape().get(0);
    double loss = 0;
    for (int k = 0; k < config.discriminatorSteps(); k++) {
      NDArray fake = generator.generate(generator.latents(x.getManager(), n)).stopGradient();
      loss = discriminatorStep(x, fake, learningRate * config.discriminatorLrScale());
    }
    generatorStep(n, x.getManager(), learningRate);
    return loss;
  }

  /** One update of D on {@code real} against {@code fake}; returns L_D before it. */
  public double discriminatorStep(NDArray real, NDArray fake, double learningRate) {
    return GradientStep.minimize(() -> discriminatorLoss(real, fake), discriminatorOptimizer,
        clipNorm, learningRate);
  }

  /** One update of G on {@code n} fresh samples; returns its loss before it. */
  private double generatorStep(int n, NDManager manager, double learningRate) {
    double loss = GradientStep.minimize(
        () -> generatorLoss(generator.generate(generator.latents(manager, n))),
        generatorOptimizer, clipNorm, learningRate);
    discriminatorOptimizer.zeroGradients(); // G's step also reached D's weights
    return loss;
  }

  /** MMD²_u between the batch and as many fresh samples (see the class comment). */
  @Override
  public double validationLoss(Batch batch) {
    NDArray x = batch.x();
    if (x.getShape().get(0) < 2) {
      return Double.NaN;
    }
    try (NDScope scope = new NDScope()) {
      return MaximumMeanDiscrepancy.unbiasedSquared(x,
          generator.sample(x.getManager(), (int) x.getShape().get(0)));
    }
  }

  @Override
  public String validationMetric() {
    return "mmd2";
  }

  /** D's weights, then D's and G's Adam moments. */
  @Override
  public NDList state() {
    NDList state = new NDList();
    state.addAll(discriminatorWeights.toNDList());
    state.addAll(discriminatorOptimizer.state());
    state.addAll(generatorOptimizer.state());
    return state;
  }

  @Override
  public void restore(NDList state, long step, String source) {
    discriminatorWeights.load(state, source);
    discriminatorOptimizer.load(state, step * config.discriminatorSteps(), source);
    generatorOptimizer.load(state, step, source);
  }

  /** The generator's optimizer, then the discriminator's. */
  @Override
  public List<Adam> optimizers() {
    return List.of(generatorOptimizer, discriminatorOptimizer);
  }
}
