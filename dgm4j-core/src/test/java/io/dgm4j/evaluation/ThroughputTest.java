package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.autoregressive.Made;
import io.dgm4j.models.baseline.MixtureOfBernoullis;
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
}
