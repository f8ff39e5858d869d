package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Activation;
import io.dgm4j.data.Dataset;
import io.dgm4j.distributions.FullCovarianceGaussian;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Batch;
import io.dgm4j.models.DataInitialized;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.energy.LearnedLogPartition;
import io.dgm4j.nn.TensorMath;
import io.dgm4j.objectives.LossObjective;

/**
 * Noise-contrastive estimation (Gutmann and Hyvärinen, 2010): learn p_θ(x) = exp(−E_θ(x) − c)
 * with c = log Z a free parameter, by logistic regression between data and ν noise samples per
 * data point from a known q. With G(x) = log p_θ(x) − log q(x) − log ν, the loss is
 * −E_data log σ(G(x)) − ν E_q log(1 − σ(G(y))),
 * whose minimiser over (θ, c) is p_θ = p_data with c the true log Z: the classifier can only
 * tell the two apart through the normalised density. The noise is a full-covariance Gaussian
 * fitted to the training data, its standard deviations widened by {@code noiseScale} so it
 * covers the data's tails. The learned c is what {@code logZ()} then reports (method nce).
 *
 * <p>c starts at the importance-sampling estimate of the initial model's log Z with the noise
 * as proposal, log (1/M) Σ_m exp(−E(y_m) − log q(y_m)), y_m ~ q (M = {@value #START_SAMPLES}).
 * Starting it at 0 instead claims Z = 1 where the untrained model's Z is about 2π s² (the
 * confining term's Gaussian: log Z ≈ 5 on the toys), so every noise point is first classified as
 * data, and Adam, which moves c and the energy's offset by about one learning rate per step,
 * spends hundreds of steps just shifting the offset (eight-gaussians, 500 steps at 0.005:
 * 3.91 nats, worse than the Gaussian's 3.55).
 */
public final class NoiseContrastiveEstimation extends LossObjective implements DataInitialized {

  /**
   * Settings.
   *
   * @param noiseRatio ν, noise samples per data sample
   * @param noiseScale factor on the fitted Gaussian's standard deviations
   */
  public record Config(double noiseRatio, double noiseScale) {
    public Config {
      if (!(noiseRatio > 0) || !(noiseScale > 0)) {
        throw new IllegalArgumentException("nce: noiseRatio and noiseScale must be positive");
      }
    }

    /** One noise sample per data point; the noise 1.5 times as wide as the data. */
    public static Config defaults() {
      return new Config(1, 1.5);
    }
  }

  private final EnergyModel energy;
  private final LearnedLogPartition normalizer;
  private final Config config;
  private GaussianNoise noise;

  public <M extends EnergyModel & LearnedLogPartition> NoiseContrastiveEstimation(M model,
      Config config, double clipNorm) {
    super(model, clipNorm);
    this.energy = model;
    this.normalizer = model;
    this.config = config;
    model.learnsLogZ(true);
  }

  /** Noise draws behind the importance-sampling start of c. */
  static final int START_SAMPLES = 10_000;

  /**
   * Fits the noise Gaussian to the training data and starts c at the importance-sampling
   * estimate of log Z (a fresh run; a resumed one restores both).
   */
  @Override
  public void initializeFrom(Dataset examples, long seed) {
    noise = GaussianNoise.of(FullCovarianceGaussian.fit(examples, 1e-6), config.noiseScale(),
        energy.manager());
    try (NDScope scope = new NDScope(); NDManager m = energy.manager().newSubManager()) {
      NDArray y = noise.sample(m, START_SAMPLES);
      startLogZ(energy, normalizer, y, noise.logDensity(y));
    }
  }

  /**
   * Sets the learned log Z to the importance-sampling estimate log (1/M) Σ_m exp(−E(y_m) −
   * log q(y_m)) from M draws y of the noise q (shared with flow contrastive estimation).
   */
  static void startLogZ(EnergyModel energy, LearnedLogPartition normalizer, NDArray y,
      NDArray logQ) {
    NDArray logWeights = energy.energy(y).neg().sub(logQ);
    double logMean = TensorMath.logSumExp(logWeights, 0).getFloat()
        - Math.log(logWeights.getShape().get(0));
    normalizer.logZParameter().set(new float[] {(float) logMean});
  }

  @Override
  public NDArray loss(Batch batch, long step) {
    NDArray x = batch.x();
    if (noise == null) { // used without a training set (tests, the Java API): fit to the batch
      float[] v = x.toFloatArray();
      int n = (int) x.getShape().get(0);
      initializeFrom(new Dataset("first batch", v, n, new int[] {(int) x.getShape().get(1)},
          null), 0);
    }
    int noiseCount = (int) Math.max(1, Math.round(config.noiseRatio() * x.getShape().get(0)));
    NDArray y = noise.sample(x.getManager(), noiseCount);
    double ratio = (double) noiseCount / x.getShape().get(0);
    NDArray dataTerm = Activation.softPlus(logRatio(x, ratio).neg()).mean();
    NDArray noiseTerm = Scalars.times(Activation.softPlus(logRatio(y, ratio)).mean(), ratio);
    return dataTerm.add(noiseTerm);
  }

  /** G(x) = −E(x) − log Z − log q(x) − log ν. */
  private NDArray logRatio(NDArray x, double ratio) {
    return energy.energy(x).neg().sub(normalizer.logZParameter()).sub(noise.logDensity(x))
        .sub((float) Math.log(ratio));
  }

  @Override
  public NDList state() {
    NDList state = super.state();
    if (noise != null) {
      state.addAll(noise.state());
    }
    return state;
  }

  @Override
  public void restore(NDList state, long step, String source) {
    super.restore(state, step, source);
    noise = GaussianNoise.restore(state, energy.manager());
  }

  @Override
  public String name() {
    return "noise-contrastive estimation";
  }
}
