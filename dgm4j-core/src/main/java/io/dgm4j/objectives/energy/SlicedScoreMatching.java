package io.dgm4j.objectives.energy;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Autograd;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Batch;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.objectives.LossObjective;

/**
 * Sliced score matching (Song, Garg, Shi and Ermon, UAI 2019): the Fisher divergence along
 * random directions v ~ N(0, I), whose integration by parts needs only a Hessian-vector product
 * (one extra backward pass, whatever D):
 * J(θ) = E_data E_v [ vᵀ ∇x (vᵀ s_θ(x)) + ½ (vᵀ s_θ(x))² ].
 * With {@code varianceReduced} the second term is replaced by its expectation over v,
 * ½ ‖s_θ(x)‖² (the paper's SSM-VR, exact for Gaussian v). In expectation over v this equals exact
 * score matching.
 */
public final class SlicedScoreMatching extends LossObjective {

  /**
   * Settings.
   *
   * @param projections random directions per example per step
   * @param varianceReduced use ½‖s‖² for the second term (SSM-VR)
   */
  public record Config(int projections, boolean varianceReduced) {
    public Config {
      if (projections < 1) {
        throw new IllegalArgumentException("ssm: projections must be positive, got "
            + projections);
      }
    }

    /** One projection, variance-reduced (the paper's recommended setting). */
    public static Config defaults() {
      return new Config(1, true);
    }
  }

  private final EnergyModel energy;
  private final Config config;

  public SlicedScoreMatching(EnergyModel model, Config config, double clipNorm) {
    super(model, clipNorm);
    this.energy = model;
    this.config = config;
  }

  @Override
  public NDArray loss(Batch batch, long step) {
    Autograd.InputGradient s = Scores.withGraph(energy, batch.x());
    NDArray total = null;
    for (int p = 0; p < config.projections(); p++) {
      NDArray v = batch.x().getManager().randomNormal(batch.x().getShape());
      NDArray hv = Autograd.vectorJacobian(s, v, energy.parameters().asMap().values());
      NDArray term = hv.mul(v).sum(new int[] {1});
      NDArray second = config.varianceReduced() ? Scores.halfSquaredNorm(s.gradient())
          : Scalars.times(s.gradient().mul(v).sum(new int[] {1}).square(), 0.5);
      term = term.add(second);
      total = total == null ? term : total.add(term);
    }
    return Scalars.dividedBy(total.mean(), config.projections());
  }

  @Override
  public String name() {
    return "sliced score matching";
  }
}
