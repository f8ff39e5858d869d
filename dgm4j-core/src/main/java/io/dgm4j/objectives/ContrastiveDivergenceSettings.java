package io.dgm4j.objectives;

/**
 * The settings of {@code cd} and {@code pcd}, one record for both samplers they run: block Gibbs
 * sweeps on models with tractable conditionals (the RBM) and Langevin dynamics on deep energy
 * models. Each sampler reads the fields that concern it.
 *
 * @param k chain steps per update: Gibbs sweeps (rbm; CD-k, Salakhutdinov and Murray used 25) or
 *     Langevin steps (ebm); 0 takes the sampler's default (1 sweep, 20 Langevin steps)
 * @param weightDecay L2 penalty on the weights (rbm)
 * @param stepSize Langevin step size η (ebm)
 * @param noiseScale Langevin noise scale; 0 gives the diffusion's own sqrt(2η) (ebm)
 * @param energyRegularization weight α on the squared energies (ebm; Du and Mordatch 2019)
 * @param bufferSize persistent chains kept in the replay buffer (ebm, pcd)
 * @param reinitialization fraction of chains restarted from noise at each update (ebm, pcd)
 * @param adamBeta1 Adam's first-moment decay β1 (ebm; 0.9 is Adam's own, Du and Mordatch 2019
 *     train image EBMs with 0: the sampled half of the gradient changes with the chains, and a
 *     momentum over old chains' gradients destabilises it)
 */
public record ContrastiveDivergenceSettings(int k, double weightDecay, double stepSize,
    double noiseScale, double energyRegularization, int bufferSize, double reinitialization,
    double adamBeta1) {

  public ContrastiveDivergenceSettings {
    if (!(adamBeta1 >= 0 && adamBeta1 < 1)) {
      throw new IllegalArgumentException("cd/pcd: adamBeta1 must be in [0, 1), got " + adamBeta1);
    }
    if (k < 0 || weightDecay < 0) {
      throw new IllegalArgumentException("cd/pcd: k must be >= 0 (0: the sampler's default) and"
          + " weightDecay >= 0; got k=" + k + ", weightDecay=" + weightDecay);
    }
  }

  /** The samplers' own defaults (the energy model's Langevin settings from its objective). */
  public static ContrastiveDivergenceSettings defaults() {
    var langevin = io.dgm4j.objectives.energy.ContrastiveDivergence.Config.defaults();
    return new ContrastiveDivergenceSettings(0, 0, langevin.stepSize(), langevin.noiseScale(),
        langevin.energyRegularization(), langevin.bufferSize(), langevin.reinitialization(),
        langevin.adamBeta1());
  }
}
