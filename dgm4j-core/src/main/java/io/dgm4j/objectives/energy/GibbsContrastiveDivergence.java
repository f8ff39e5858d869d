package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Batch;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.objectives.Objective;
import io.dgm4j.optim.Adam;
import io.dgm4j.optim.GradientStep;
import io.dgm4j.sampling.BlockGibbs;
import io.dgm4j.sampling.Chains;
import io.dgm4j.sampling.GibbsSweep;
import io.dgm4j.sampling.PersistentChains;
import java.util.List;

/**
 * Contrastive divergence (Hinton, 2002) and persistent contrastive divergence (Tieleman, 2008)
 * for an energy model with block Gibbs sweeps (an RBM). The log-likelihood gradient of an
 * energy model is −∇θ E(x_data) + E_{x~p_θ}[∇θ E(x)]: pull the energy down on data, push it up
 * on the model's samples (seed 004). CD-k approximates the model expectation with k Gibbs sweeps
 * started at the data; PCD keeps one set of chains across all updates (persistent chains, one per
 * example of the first batch, started from the data), advancing them k sweeps per update.
 *
 * <p>Each step minimises, with Adam through {@link GradientStep},
 *
 * <pre>
 *   L(θ) = mean_n E(x_n) − mean_m E(x̃_m) + (λ/2) Σ_{W of rank ≥ 2} ||W||²
 * </pre>
 *
 * with the samples x̃ held fixed, whose gradient is exactly the (P)CD update with weight decay λ
 * on the weight matrices (not the biases), as in Hinton's practical guide. The reported loss is
 * that free-energy gap (without the decay): it is no likelihood, and only its trend says much.
 * The persistent chains are saved in {@link #state()}, so a resumed run continues exactly.
 * Deep energy models, whose conditionals are not tractable, sample by Langevin dynamics instead
 * ({@link LangevinContrastiveDivergence}); {@code cd} and {@code pcd} choose by the model.
 */
public final class GibbsContrastiveDivergence implements Objective {

  /**
   * Settings.
   *
   * @param k Gibbs sweeps per update (CD-k, PCD-k)
   * @param weightDecay λ, the L2 penalty on weight matrices
   */
  public record Config(int k, double weightDecay) {
    public Config {
      if (k < 1 || weightDecay < 0) {
        throw new IllegalArgumentException("contrastive divergence needs k >= 1 and weightDecay"
            + " >= 0; got k=" + k + ", weightDecay=" + weightDecay);
      }
    }

    /** CD-1 without weight decay; Salakhutdinov and Murray's 86.34-nat RBM used k = 25. */
    public static Config defaults() {
      return new Config(1, 0);
    }
  }

  private static final String CHAINS = PersistentChains.CHAINS;

  private final EnergyModel model;
  private final GibbsSweep gibbs;
  private final Config config;
  private final boolean persistent;
  private final Adam optimizer;
  private final double clipNorm;
  private Chains chains;

  public GibbsContrastiveDivergence(EnergyModel model, GibbsSweep gibbs, Config config,
      boolean persistent, double clipNorm) {
    this.model = model;
    this.gibbs = gibbs;
    this.config = config;
    this.persistent = persistent;
    this.optimizer = new Adam(model.parameters());
    this.clipNorm = clipNorm;
  }

  @Override
  public String name() {
    return (persistent ? "persistent contrastive divergence PCD-" : "contrastive divergence CD-")
        + config.k();
  }

  @Override
  public double step(Batch batch, long step, double learningRate) {
    NDArray x = batch.x();
    NDArray negative;
    if (persistent) {
      if (chains == null) {
        chains = new Chains(model.manager(), x);
      }
      chains.run(new BlockGibbs(gibbs), config.k());
      negative = chains.state().duplicate();
    } else {
      negative = x;
      for (int t = 0; t < config.k(); t++) {
        negative = gibbs.gibbsSweep(negative);
      }
    }
    NDArray fixed = negative.stopGradient();
    float decay = (float) config.weightDecay();
    double[] gap = new double[1];
    GradientStep.minimize(() -> {
      NDArray freeEnergyGap = model.energy(x).mean().sub(model.energy(fixed).mean());
      gap[0] = freeEnergyGap.getFloat();
      NDArray loss = freeEnergyGap;
      if (decay > 0) {
        for (NDArray p : model.parameters().asMap().values()) {
          if (p.getShape().dimension() >= 2) {
            loss = loss.add(Scalars.times(p.square().sum(), decay / 2));
          }
        }
      }
      return loss;
    }, optimizer, clipNorm, learningRate);
    return gap[0];
  }

  @Override
  public NDList state() {
    NDList state = optimizer.state();
    if (chains != null) {
      NDArray saved = chains.state();
      saved.setName(CHAINS);
      state.add(saved);
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
    for (NDArray a : state) {
      if (CHAINS.equals(a.getName()) && persistent) {
        if (chains == null) {
          chains = new Chains(model.manager(), a);
        } else {
          chains.set(a);
        }
      }
    }
  }
}
