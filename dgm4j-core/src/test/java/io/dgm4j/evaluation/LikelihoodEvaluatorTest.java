package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.autoregressive.Fvsbn;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Batching does not change the figures; the standard error is the textbook one. */
class LikelihoodEvaluatorTest {

  @Test
  void batchBoundariesDoNotChangeTheScoresAndTheStandardErrorIsTheSampleOne() {
    SplittableRandom r = new SplittableRandom(4);
    int n = 23;
    float[] v = new float[n * 5];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextBoolean() ? 1f : 0f;
    }
    Dataset data = new Dataset("bits", v, n, new int[] {5}, null);
    try (NDManager m = Engines.newManager()) {
      Fvsbn model = new Fvsbn(m.newSubManager(), 5, Fvsbn.Config.defaults(), 3);
      model.parameters().get("bias").set(new float[] {0.3f, -1f, 2f, 0.1f, -0.4f});
      double[] whole = new LikelihoodEvaluator(100).logProbs(model, data);
      // 23 = 5 + 5 + 5 + 5 + 3 and 23 = 1 x 23: batches end mid-way through the data
      for (int batch : new int[] {1, 5, 22}) {
        assertThat(new LikelihoodEvaluator(batch).logProbs(model, data))
            .containsExactly(whole, within(1e-5));
      }
      double mean = 0;
      for (double lp : whole) {
        mean -= lp / n;
      }
      double ss = 0;
      for (double lp : whole) {
        ss += (-lp - mean) * (-lp - mean);
      }
      double se = Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
      LikelihoodEvaluator.Report report = new LikelihoodEvaluator(7).evaluate(model, data);
      assertThat(report.examples()).isEqualTo(n);
      // the report's batches of 7 and the batch of 100 above differ in float rounding
      assertThat(report.nllNats()).isCloseTo(mean, within(1e-5));
      assertThat(report.standardError()).isCloseTo(se, within(1e-5)).isPositive();
      assertThat(report.bitsPerDim()).isCloseTo(report.nllNats() / 5 / Math.log(2), within(1e-12));
    }
  }

  @Test
  void anEmptySetIsAnErrorNotAZero() {
    assertThatThrownBy(() -> LikelihoodEvaluator.summarize(new double[0], 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no examples");
  }
}
