package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.autoregressive.Made;
import io.dgm4j.models.baseline.MixtureOfBernoullis;
import io.dgm4j.models.latent.Vae;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputTest {
  /** A step runs each forward product and its backward products, none into the data. */
  @Test
  void trainingFlopsCountTheProductsAStepExecutes() {
    try (NDManager m = Engines.newManager()) {
      int d = 12;
      int h = 7;
      // x W1 (d h), h W2 (h d); backward: dW1 = x^T g1, dW2 = h^T g2, dh = g2 W2^T
      Made made = new Made(m.newSubManager(), d, new Made.Config(new int[] {h}, 1, false, false,
          0), 1);
      assertThat(Throughput.trainingFlopsPerExample(made)).isEqualTo(5 * 2.0 * d * h);
      // the direct connection adds x Wd (d d) and dWd
      Made direct = new Made(m.newSubManager(), d, new Made.Config(new int[] {h}, 1, false, true,
          0), 1);
      assertThat(Throughput.trainingFlopsPerExample(direct))
          .isEqualTo(5 * 2.0 * d * h + 2 * 2.0 * d * d);
      // x L^T (d k) and dL = g^T x
      MixtureOfBernoullis mixture = new MixtureOfBernoullis(m.newSubManager(), d,
          new MixtureOfBernoullis.Config(5), 1);
      assertThat(Throughput.trainingFlopsPerExample(mixture)).isEqualTo(2 * 2.0 * d * 5);
    }
  }

  /**
   * The VAE: the encoder x -> 5 -> (mu, log sigma) of 2 latents once, the decoder 2 -> 5 -> x
   * per latent draw; the encoder's first layer reads the data (no gradient into x).
   */
  @Test
  void latentModelsCountTheEncoderOnceAndTheDecoderPerDraw() {
    try (NDManager m = Engines.newManager()) {
      int d = 6;
      Vae vae = new Vae("vae", m.newSubManager(), new int[] {d},
          new Vae.Config(2, List.of(5), "tanh", 0, List.of(), "bernoulli", "mlp", List.of()), 1);
      double encoder = d * 5 + 5 * 2 * 2;
      double decoder = 2 * 5 + 5 * d;
      assertThat(Throughput.trainingFlopsPerExample(vae))
          .isEqualTo(2 * (3 * (encoder + decoder) - d * 5));
      assertThat(Throughput.trainingFlopsPerExample(vae, 50))
          .isEqualTo(2 * (3 * (encoder + 50 * decoder) - d * 5));
      // two stochastic layers: q(z2 | z1) 2 -> 3 -> 2 x 1 and p(z1 | z2) 1 -> 3 -> 2 x 2 per draw
      Vae twoLayers = new Vae("iwae", m.newSubManager(), new int[] {d},
          new Vae.Config(2, List.of(5), "tanh", 1, List.of(3), "bernoulli", "mlp", List.of()), 1);
      double upper = 2 * 3 + 3 * 2 + 1 * 3 + 3 * 4;
      assertThat(Throughput.trainingFlopsPerExample(twoLayers, 5))
          .isEqualTo(2 * (3 * (encoder + 5 * (decoder + upper)) - d * 5));
    }
  }
}
