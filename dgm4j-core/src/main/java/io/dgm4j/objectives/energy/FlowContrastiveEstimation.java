package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.data.Dataset;
import io.dgm4j.models.Batch;
import io.dgm4j.models.DataInitialized;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.energy.LearnedLogPartition;
import io.dgm4j.optim.Adam;
import io.dgm4j.optim.GradientStep;
import io.dgm4j.objectives.Objective;
import java.util.List;

/**
 * Flow contrastive estimation (Gao, Nijkamp, Kingma, Xu, Dai and Wu, CVPR 2020): noise-contrastive
 * estimation whose noise is a flow q_α trained against the energy model. With
 * G(x) = −E_θ(x) − c − log q_α(x) (c = log Z learned) the value of the game is
 * V(θ, c, α) = E_data log σ(G(x)) + E_{y~q_α} log(1 − σ(G(y))).
 * Each step the EBM (θ, c) ascends V with fresh flow samples as noise — exactly NCE — and then
 * the flow descends V through reparameterized samples y = T_α(u), moving its mass to where the
 * EBM still tells data from noise. As the flow approaches the data, the classification task
 * stays hard and informative, where a fixed Gaussian's becomes trivial. The flow is a
 * {@link io.dgm4j.models.flow.Maf}, first fitted to the data by maximum likelihood for
 * {@code flowWarmup} steps, then at {@code flowLrScale} times the EBM's learning rate. As in
 * {@link NoiseContrastiveEstimation}, c starts at the importance-sampling estimate of log Z with
 * the (untrained) flow as proposal.
 */
public final class FlowContrastiveEstimation implements Objective, DataInitialized {

  /**
   * Settings.
   *
   * @param flowHidden hidden sizes of each MADE of the flow
   * @param flowLayers autoregressive layers of the flow
   * @param flowWarmup steps during which the flow is fitted to the data by maximum likelihood
   *     (while the EBM already learns against it) before it starts playing against the EBM
   * @param flowLrScale the flow's learning rate as a multiple of the EBM's
   */
  public record Config(List<Integer> flowHidden, int flowLayers, int flowWarmup,
      double flowLrScale) {
    public Config {
      flowHidden = List.copyOf(flowHidden);
      if (flowWarmup < 0 || !(flowLrScale > 0)) {
        throw new IllegalArgumentException("fce: flowWarmup must be >= 0 and flowLrScale > 0");
      }
    }

    /**
     * A five-layer flow of 64-64 MADEs (2-D toys), no warm-up, the flow at half the EBM's
     * learning rate.
     *
     * <p>No warm-up, because the EBM is shaped only where data or noise fall: a flow first
     * fitted to the data by maximum likelihood soon stops visiting the empty space between
     * modes, and the EBM's initial, flat energy there keeps most of the mass (eight-gaussians,
     * 250 steps, 32-32: 200 warm-up steps left 80% of the grid's mass outside the modes and
     * 3.89 nats; none, 3.47, the untrained flow's standard normal serving as broad noise first).
     */
    public static Config defaults() {
      return new Config(List.of(64, 64), 5, 0, 0.5);
    }
  }

  private final EnergyModel energy;
  private final LearnedLogPartition normalizer;
  private final Adam optimizer;
  private final double clipNorm;
  private final FlowPlayer noise;
  private final Config config;

  public <M extends EnergyModel & LearnedLogPartition> FlowContrastiveEstimation(M model,
      Config config, double clipNorm) {
    this.energy = model;
    this.normalizer = model;
    this.optimizer = new Adam(model.parameters());
    this.clipNorm = clipNorm;
    this.noise = new FlowPlayer(model, config.flowHidden(), config.flowLayers(), clipNorm);
    this.config = config;
    model.learnsLogZ(true);
  }

  @Override
  public String name() {
    return "flow contrastive estimation";
  }

  /** Starts c at the importance-sampling estimate of log Z (a fresh run). */
  @Override
  public void initializeFrom(Dataset examples, long seed) {
    try (NDScope scope = new NDScope(); NDManager m = energy.manager().newSubManager()) {
      NDArray y = noise.flow().sample(m, NoiseContrastiveEstimation.START_SAMPLES);
      NoiseContrastiveEstimation.startLogZ(energy, normalizer, y, noise.flow().logProb(y));
    }
  }

  @Override
  public double step(Batch batch, long step, double learningRate) {
    NDArray x = batch.x();
    long n = x.getShape().get(0);
    NDArray y = noise.flow().sample(x.getManager(), (int) n).stopGradient();
    NDArray logQx = noise.flow().logProb(x).stopGradient();
    NDArray logQy = noise.flow().logProb(y).stopGradient();
    double loss = GradientStep.minimize(
        () -> classificationLoss(energyLogRatio(x, logQx), energyLogRatio(y, logQy)),
        optimizer, clipNorm, learningRate);
    double flowRate = learningRate * config.flowLrScale();
    if (step < config.flowWarmup()) {
      noise.fit(x, flowRate);
      return loss;
    }
    noise.minimize(() -> {
      NDArray u = x.getManager().randomNormal(new Shape(n, x.getShape().get(1)));
      NDArray fresh = noise.flow().inverse(u);
      NDArray gData = energyLogRatio(x, noise.flow().logProb(x));
      NDArray gNoise = energyLogRatio(fresh, noise.flow().logProb(fresh));
      return classificationLoss(gData, gNoise).neg();
    }, flowRate);
    optimizer.zeroGradients(); // the flow's step also reached the energy's weights
    return loss;
  }

  /** G = −E(x) − c − log q(x). */
  private NDArray energyLogRatio(NDArray x, NDArray logQ) {
    return energy.energy(x).neg().sub(normalizer.logZParameter()).sub(logQ);
  }

  /** −E_data log σ(G(x)) − E_noise log(1 − σ(G(y))) = −V. */
  private static NDArray classificationLoss(NDArray gData, NDArray gNoise) {
    return Activation.softPlus(gData.neg()).mean().add(Activation.softPlus(gNoise).mean());
  }

  @Override
  public NDList state() {
    NDList state = optimizer.state();
    state.addAll(noise.state());
    return state;
  }

  /** The energy's optimizer, then the noise flow's. */
  @Override
  public List<Adam> optimizers() {
    return List.of(optimizer, noise.optimizer());
  }

  @Override
  public void restore(NDList state, long step, String source) {
    optimizer.load(state, step, source);
    noise.restore(state, step, source);
  }

  @Override
  public double validationLoss(Batch batch) {
    try (NDScope scope = new NDScope()) {
      NDArray x = batch.x();
      NDArray y = noise.flow().sample(x.getManager(), (int) x.getShape().get(0));
      return classificationLoss(energyLogRatio(x, noise.flow().logProb(x)),
          energyLogRatio(y, noise.flow().logProb(y))).getFloat();
    }
  }
}
