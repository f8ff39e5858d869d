package io.dgm4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.info.InformationTheory;
import org.junit.jupiter.api.Test;

class CategoricalTest {

  @Test
  void logProbMatchesHandComputedValues() {
    try (NDManager m = Engines.newManager()) {
      // logits 0, ln 2, ln 3 (+ an arbitrary shift): p = 1/6, 2/6, 3/6
      float c = 5f;
      NDArray logits = m.create(new float[] {c, c + (float) Math.log(2), c + (float) Math.log(3)});
      float[] lp = Categorical.logProb(logits.broadcast(new Shape(3, 3)),
          m.create(new long[] {0, 1, 2})).toFloatArray();
      assertThat(lp[0]).isCloseTo((float) Math.log(1 / 6.0), within(1e-6f));
      assertThat(lp[1]).isCloseTo((float) Math.log(2 / 6.0), within(1e-6f));
      assertThat(lp[2]).isCloseTo((float) Math.log(3 / 6.0), within(1e-6f));
      double[] p = {1 / 6.0, 2 / 6.0, 3 / 6.0};
      assertThat(Categorical.entropy(logits).getFloat())
          .isCloseTo((float) InformationTheory.entropy(p), within(1e-6f));
    }
  }

  @Test
  void normalizedOverTheLastAxisForAnyBatchShape() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(3);
      int k = 5;
      NDArray logits = m.randomNormal(0f, 3f, new Shape(2, 3, k), DataType.FLOAT32);
      NDArray total = m.zeros(new Shape(2, 3));
      for (int j = 0; j < k; j++) {
        NDArray index = m.full(new Shape(2, 3), j, DataType.INT64);
        total = total.add(Categorical.logProb(logits, index).exp());
      }
      for (float t : total.toFloatArray()) {
        assertThat(t).isCloseTo(1f, within(1e-5f));
      }
      // probabilities agree with logProb
      NDArray probs = Categorical.probabilities(logits);
      NDArray idx = m.full(new Shape(2, 3), 4, DataType.INT64);
      assertThat(Categorical.logProb(logits, idx).exp().toFloatArray())
          .containsExactly(probs.get(":, :, 4").toFloatArray(), within(1e-6f));
    }
  }

  @Test
  void oneHotAndIndexFormsAgree() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(5);
      NDArray logits = m.randomNormal(0f, 2f, new Shape(4, 6), DataType.FLOAT32);
      NDArray index = m.create(new long[] {0, 5, 2, 3});
      float[] a = Categorical.logProb(logits, index).toFloatArray();
      float[] b = Categorical.logProbOneHot(logits, index.oneHot(6)).toFloatArray();
      assertThat(b).containsExactly(a, within(1e-6f));
      // indices stored as floats (as data often is) are accepted
      float[] c = Categorical.logProb(logits, index.toType(DataType.FLOAT32, false)).toFloatArray();
      assertThat(c).containsExactly(a, within(1e-6f));
    }
  }

  @Test
  void samplesMatchTheProbabilities() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(11);
      int n = 40_000;
      double[] p = {0.05, 0.15, 0.3, 0.5};
      float[] lp = new float[p.length];
      for (int j = 0; j < p.length; j++) {
        lp[j] = (float) Math.log(p[j]) - 1.7f;
      }
      NDArray logits = m.create(lp).broadcast(new Shape(n, p.length));
      long[] draws = Categorical.sample(logits).toLongArray();
      assertThat(draws).hasSize(n);
      int[] counts = new int[p.length];
      for (long d : draws) {
        counts[(int) d]++;
      }
      for (int j = 0; j < p.length; j++) {
        double se = Math.sqrt(p[j] * (1 - p[j]) / n);
        assertThat(counts[j] / (double) n).as("frequency of %d", j).isCloseTo(p[j], within(5 * se));
      }
      NDArray oneHot = Categorical.sampleOneHot(m.create(lp).broadcast(new Shape(1000, p.length)));
      assertThat(oneHot.getShape()).isEqualTo(new Shape(1000, p.length));
      assertThat(oneHot.sum(new int[] {1}).toFloatArray()).containsOnly(1f);
    }
  }

  @Test
  void impossibleOutcomesAreNeverSampled() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(2);
      NDArray logits = m.create(new float[] {0f, Float.NEGATIVE_INFINITY, 0f})
          .broadcast(new Shape(5000, 3));
      long[] draws = Categorical.sample(logits).toLongArray();
      assertThat(draws).doesNotContain(1L).contains(0L, 2L);
      assertThat(Categorical.logProb(logits.get("0:1"), m.create(new long[] {1})).getFloat(0))
          .isEqualTo(Float.NEGATIVE_INFINITY);
    }
  }
}
