package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Batch;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.optim.Adam;
import io.dgm4j.optim.GradientStep;
import io.dgm4j.objectives.Objective;
import java.util.List;

/**
 * Adversarial training of an energy-based model with a variational sampler (seed 001's min-max;
 * Kim and Bengio, 2016; Dai et al., 2017). For any density q_φ,
 * log Z(θ) = log ∫ exp(−E_θ) ≥ E_{q_φ}[−E_θ(y)] + H(q_φ),
 * with equality when q_φ = p_θ. So maximum likelihood, max_θ E_data[−E_θ(x)] − log Z(θ), becomes
 * max_θ min_φ E_data[−E_θ(x)] − E_{q_φ}[−E_θ(y)] − H(q_φ):
 * <ul>
 *   <li>the sampler descends E_{y~q_φ}[E_θ(y) + w·log q_φ(y)] (samples the EBM scores high, with
 *       the entropy term w·H(q_φ) keeping it from collapsing onto the modes), through
 *       reparameterized samples y = T_φ(u);
 *   <li>the EBM descends E_data[E_θ(x)] − E_{q_φ}[E_θ(y)] — contrastive divergence with the
 *       sampler standing in for MCMC — plus α·(E(x)² + E(y)²) to keep energies near zero (Du and
 *       Mordatch, 2019).
 * </ul>
 * The sampler is a masked autoregressive flow, whose exact log q_φ gives the entropy term.
 */
public final class AdversarialTraining implements Objective {

  /**
   * Settings.
   *
   * @param samplerHidden hidden sizes of each MADE of the sampler flow
   * @param samplerLayers autoregressive layers of the sampler flow
   * @param entropyWeight w, the weight of the sampler's entropy (1: the variational bound)
   * @param energyRegularization α, the weight of the squared energies
   * @param samplerSteps sampler updates per energy update
   * @param samplerWarmup steps during which the sampler is fitted to the data by maximum
   *     likelihood (a sampler near the data from the start gives the EBM informative negatives)
   * @param samplerLrScale the sampler's learning rate as a multiple of the EBM's
   */
  public record Config(List<Integer> samplerHidden, int samplerLayers, double entropyWeight,
      double energyRegularization, int samplerSteps, int samplerWarmup, double samplerLrScale) {
    public Config {
      samplerHidden = List.copyOf(samplerHidden);
      if (samplerSteps < 1 || samplerWarmup < 0 || !(samplerLrScale > 0)) {
        throw new IllegalArgumentException("adversarial: samplerSteps must be positive,"
            + " samplerWarmup >= 0, samplerLrScale > 0");
      }
    }

    /**
     * A five-layer flow of 64-64 MADEs, the exact entropy weight, α = 0.1 (as for {@code cd}),
     * one sampler step per EBM step at 0.2 times the EBM's learning rate, 200 warm-up steps.
     *
     * <p>α bounds the energy gap the EBM can open between data and samples: the regulariser's
     * minimum puts E(x) at −1/(2α) and E(y) at +1/(2α), a gap of 1/α nats. Du and Mordatch's
     * α = 1 suits images but allows a density ratio of only e between the toys' modes and the
     * empty space around them, and left eight-gaussians at 3.72 nats (the Gaussian: 3.55;
     * 500 steps, lr 0.005, 128-128, 5,000 training points); α = 0.1 reached 1.96 (the truth's
     * entropy: 1.70).
     */
    public static Config defaults() {
      return new Config(List.of(64, 64), 5, 1.0, 0.1, 1, 200, 0.2);
    }
  }

  private final EnergyModel energy;
  private final Config config;
  private final Adam optimizer;
  private final double clipNorm;
  private final FlowPlayer sampler;

  public AdversarialTraining(EnergyModel model, Config config, double clipNorm) {
    this.energy = model;
    this.config = config;
    this.optimizer = new Adam(model.parameters());
    this.clipNorm = clipNorm;
    this.sampler = new FlowPlayer(model, config.samplerHidden(), config.samplerLayers(),
        clipNorm);
  }

  @Override
  public String name() {
    return "adversarial training with a variational sampler";
  }

  @Override
  public double step(Batch batch, long step, double learningRate) {
    NDArray x = batch.x();
    long n = x.getShape().get(0);
    Shape shape = x.getShape();
    double samplerRate = learningRate * config.samplerLrScale();
    for (int k = 0; k < config.samplerSteps() && step < config.samplerWarmup(); k++) {
      sampler.fit(x, samplerRate);
    }
    for (int k = 0; k < config.samplerSteps() && step >= config.samplerWarmup(); k++) {
      sampler.minimize(() -> {
        NDArray y = sampler.flow().inverse(x.getManager().randomNormal(shape));
        return energy.energy(y).add(Scalars.times(sampler.flow().logProb(y),
            config.entropyWeight())).mean();
      }, samplerRate);
      optimizer.zeroGradients(); // the sampler's step also reached the energy's weights
    }
    NDArray y = sampler.flow().sample(x.getManager(), (int) n).stopGradient();
    return GradientStep.minimize(() -> energyLoss(x, y), optimizer, clipNorm, learningRate);
  }

  private NDArray energyLoss(NDArray x, NDArray y) {
    NDArray ex = energy.energy(x);
    NDArray ey = energy.energy(y);
    NDArray contrast = ex.mean().sub(ey.mean());
    return contrast.add(Scalars.times(ex.square().mean().add(ey.square().mean()),
        config.energyRegularization()));
  }

  @Override
  public NDList state() {
    NDList state = optimizer.state();
    state.addAll(sampler.state());
    return state;
  }

  /** The energy's optimizer, then the sampler's. */
  @Override
  public List<Adam> optimizers() {
    return List.of(optimizer, sampler.optimizer());
  }

  @Override
  public void restore(NDList state, long step, String source) {
    optimizer.load(state, step, source);
    sampler.restore(state, step, source);
  }
}
