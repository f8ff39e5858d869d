package io.dgm4j.models.latent;

import ai.djl.ndarray.NDArray;
import io.dgm4j.models.Batch;
import io.dgm4j.models.LatentVariableModel;

/**
 * A latent-variable model trained through its inference network q(z | x) (VAE, IWAE, CVAE): what
 * the {@code elbo} and {@code iwae} objectives and the evaluation need beyond
 * {@link LatentVariableModel}. A conditional model reads the labels of the batch; others ignore
 * them.
 */
public interface VariationalModel extends LatentVariableModel {

  /**
   * The two terms of the ELBO per example, from one reparameterized draw z ~ q(z | x):
   * ELBO = reconstruction − kl.
   *
   * @return reconstruction = log p(x | z) (N) and kl = KL(q(z|x) || p(z)) (N), in closed form
   *     where it has one, else a one-sample estimate
   */
  ElboTerms elboTerms(Batch batch);

  /**
   * log w_i = log p(x, z_i) − log q(z_i | x) for k reparameterized draws z_i ~ q(z | x), so that
   * log (1/k) Σ_i w_i is the k-sample importance-weighted bound (Burda et al., 2016).
   *
   * @return shape (k, N), differentiable in the parameters
   */
  NDArray logImportanceWeights(Batch batch, int k);

  /** The ELBO's terms, each shape (N), in nats. */
  record ElboTerms(NDArray reconstruction, NDArray kl) {
    /** ELBO = reconstruction − kl, shape (N). */
    public NDArray elbo() {
      return reconstruction.sub(kl);
    }
  }
}
