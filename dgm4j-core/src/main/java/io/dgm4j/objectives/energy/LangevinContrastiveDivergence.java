package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Scalars;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.Batch;
import io.dgm4j.models.energy.Ebm;
import io.dgm4j.objectives.Objective;
import io.dgm4j.optim.Adam;
import io.dgm4j.optim.GradientStep;
import io.dgm4j.sampling.Chains;
import io.dgm4j.sampling.PersistentChains;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Contrastive divergence with Langevin dynamics (Hinton, 2002; seed 004; Du and Mordatch, 2019).
 * The gradient of the log-likelihood of an energy model is
 * ∇θ log p_θ(x) = −∇θ E_θ(x) + E_{x'~p_θ} ∇θ E_θ(x'):
 * pull the energy down on data and up on model samples. The samples come from k steps of
 * Langevin dynamics x ← x + η ∇x f(x) + σ ε on f = −E:
 * <ul>
 *   <li>{@code cd}: chains start at the data batch (CD-k): cheap, but the samples stay near the
 *       data, so spurious modes far from it are never pushed up;
 *   <li>{@code pcd}: chains persist across steps (Tieleman, 2008) in a replay buffer (Du and
 *       Mordatch, 2019): each step draws its starting points from the buffer, except a fraction
 *       {@code reinitialization} restarted from uniform noise, runs k steps and writes the
 *       results back — long-run chains at the cost of k steps per update.
 * </ul>
 * The loss is mean E(x+) − mean E(x−) + α (mean E(x+)² + mean E(x−)²), the α term keeping
 * energies near zero (Du and Mordatch's regulariser). The buffer lives in Java memory and is
 * saved with the objective's state, so a resumed run continues its chains. Models with tractable
 * conditionals (the RBM) sample by block Gibbs sweeps instead ({@link
 * GibbsContrastiveDivergence}); {@code cd} and {@code pcd} choose by the model.
 */
public final class LangevinContrastiveDivergence implements Objective {

  /**
   * Settings.
   *
   * @param steps Langevin steps k per update
   * @param stepSize η
   * @param noiseScale σ; 0 means sqrt(2η)
   * @param energyRegularization α
   * @param bufferSize replay buffer capacity (pcd)
   * @param reinitialization fraction of chains restarted from noise each step (pcd)
   */
  public record Config(int steps, double stepSize, double noiseScale,
      double energyRegularization, int bufferSize, double reinitialization) {
    public Config {
      if (steps < 1 || !(stepSize > 0) || !(noiseScale >= 0) || bufferSize < 1
          || !(reinitialization >= 0 && reinitialization <= 1)) {
        throw new IllegalArgumentException("cd/pcd: steps and bufferSize must be >= 1, stepSize"
            + " > 0, noiseScale >= 0, reinitialization in [0, 1]");
      }
    }

    /** 2-D toys: k = 20 steps of η = 0.01 with the diffusion's noise, α = 0.1, 10k buffer. */
    public static Config defaults() {
      return new Config(20, 0.01, 0, 0.1, 10_000, 0.05);
    }

    double noise() {
      return noiseScale > 0 ? noiseScale : Math.sqrt(2 * stepSize);
    }
  }

  private final Ebm model;
  private final Config config;
  private final boolean persistent;
  private final Adam optimizer;
  private final double clipNorm;
  private final SplittableRandom random = new SplittableRandom(0x5EED);
  private float[] buffer; // bufferSize × D, a ring: the first `filled` rows valid
  private int filled;
  private int next; // the row the next sample overwrites

  public LangevinContrastiveDivergence(Ebm model, Config config, boolean persistent,
      double clipNorm) {
    this.model = model;
    this.config = config;
    this.persistent = persistent;
    this.optimizer = new Adam(model.parameters());
    this.clipNorm = clipNorm;
  }

  @Override
  public String name() {
    return persistent ? "persistent contrastive divergence (Langevin, replay buffer)"
        : "contrastive divergence (Langevin from the data)";
  }

  @Override
  public double step(Batch batch, long step, double learningRate) {
    NDArray x = batch.x();
    int n = (int) x.getShape().get(0);
    NDManager m = x.getManager();
    NDArray start = persistent ? startFromBuffer(m, n) : x;
    NDArray negatives = Chains.draw(m, start,
        model.langevin(config.stepSize(), config.noise()), config.steps(), null).values();
    if (persistent) {
      writeBack(negatives);
    }
    NDArray y = negatives.stopGradient();
    return GradientStep.minimize(() -> {
      NDArray ex = model.energy(x);
      NDArray ey = model.energy(y);
      return ex.mean().sub(ey.mean()).add(Scalars.times(
          ex.square().mean().add(ey.square().mean()), config.energyRegularization()));
    }, optimizer, clipNorm, learningRate);
  }

  /**
   * Starting points: random rows of the buffer, except a fraction {@code reinitialization} (and
   * every chain while the buffer holds less than a batch) from fresh noise.
   */
  private NDArray startFromBuffer(NDManager m, int n) {
    int d = model.dimension();
    if (buffer == null) {
      buffer = new float[config.bufferSize() * d];
    }
    float[] start = model.initialState(m, n).toFloatArray();
    for (int i = 0; i < n; i++) {
      if (filled >= n && random.nextDouble() >= config.reinitialization()) {
        System.arraycopy(buffer, random.nextInt(filled) * d, start, i * d, d);
      }
    }
    return SharedMemory.tensor(m, start, new Shape(n, d));
  }

  /** Appends the chains' end points to the buffer, overwriting the oldest once it is full. */
  private void writeBack(NDArray samples) {
    int d = model.dimension();
    float[] v = samples.toFloatArray();
    for (int i = 0; i < v.length / d; i++) {
      System.arraycopy(v, i * d, buffer, next * d, d);
      next = (next + 1) % config.bufferSize();
      filled = Math.min(config.bufferSize(), filled + 1);
    }
  }

  @Override
  public NDList state() {
    NDList state = optimizer.state();
    if (persistent && buffer != null) {
      NDManager m = model.manager();
      NDArray b = m.create(java.util.Arrays.copyOf(buffer, filled * model.dimension()),
          new Shape(filled, model.dimension()));
      b.setName(PersistentChains.REPLAY_BUFFER);
      state.add(b);
      NDArray position = m.create(new float[] {next});
      position.setName("pcd.next");
      state.add(position);
    }
    return state;
  }

  @Override
  public List<Adam> optimizers() {
    return List.of(optimizer);
  }

  @Override
  public void restore(NDList state, long step, String source) {
    optimizer.load(state, step, source);
    NDArray b = state.get(PersistentChains.REPLAY_BUFFER);
    if (persistent && b != null) {
      buffer = new float[config.bufferSize() * model.dimension()];
      float[] saved = b.toFloatArray();
      System.arraycopy(saved, 0, buffer, 0, Math.min(saved.length, buffer.length));
      filled = (int) Math.min(b.getShape().get(0), config.bufferSize());
      NDArray position = state.get("pcd.next");
      next = position == null ? filled % config.bufferSize()
          : (int) position.getFloat() % config.bufferSize();
    }
  }
}
