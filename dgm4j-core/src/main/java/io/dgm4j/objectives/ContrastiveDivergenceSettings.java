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
 *
 * <p>Adam's β1 is a training option for every objective ({@code dgm train --adam-betas}); Du
 * and Mordatch (2019) train image EBMs with β1 = 0: the sampled half of the gradient changes with
 * the chains, and a momentum over old chains' gradients destabilises it. Runs recorded when it
 * was this objective's {@code adamBeta1} setting read it as that option.
 */
public record ContrastiveDivergenceSettings(int k, double weightDecay, double stepSize,
    double noiseScale, double energyRegularization, int bufferSize, double reinitialization) {

  public ContrastiveDivergenceSettings {
    if (k < 0 || weightDecay < 0) {
      throw new IllegalArgumentException("cd/pcd: k must be >= 0 (0: the sampler's default) and"
          + " weightDecay >= 0; got k=" + k + ", weightDecay=" + weightDecay);
    }
  }

  /** The samplers' own defaults (the energy model's Langevin settings from its objective). */
  public static ContrastiveDivergenceSettings defaults() {
    var langevin = io.dgm4j.objectives.energy.LangevinContrastiveDivergence.Config.defaults();
    return new ContrastiveDivergenceSettings(0, 0, langevin.stepSize(), langevin.noiseScale(),
        langevin.energyRegularization(), langevin.bufferSize(), langevin.reinitialization());
  }
}
