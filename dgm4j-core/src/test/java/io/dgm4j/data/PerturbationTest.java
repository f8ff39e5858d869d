package io.dgm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PerturbationTest {

  private static Dataset constant(float value, int n, int d) {
    float[] v = new float[n * d];
    java.util.Arrays.fill(v, value);
    return new Dataset("c", v, n, new int[] {d}, null);
  }

  @Test
  void replacesTheExpectedFractionWithUniformPixels() {
    // pixels all 7: a replacement draws 0..255 uniformly, so it leaves a 7 with chance 1/256
    Dataset data = constant(7, 200, 500);
    Dataset out = new Perturbation(0.2, 0, 255, true).apply(data, 3, 1);
    int changed = 0;
    int[] histogram = new int[256];
    for (float v : out.values()) {
      assertThat(v).isBetween(0f, 255f);
      assertThat(v).isEqualTo((float) Math.rint(v));
      if (v != 7f) {
        changed++;
        histogram[(int) v]++;
      }
    }
    int n = out.values().length;
    double expected = 0.2 * 255 / 256;
    double sd = Math.sqrt(expected * (1 - expected) / n);
    assertThat(changed / (double) n).isCloseTo(expected, org.assertj.core.data.Offset.offset(
        5 * sd));
    // both ends of the range are reachable
    assertThat(histogram[0]).isPositive();
    assertThat(histogram[255]).isPositive();
  }

  @Test
  void binaryDataGetsBinaryNoiseAndRealDataItsRange() {
    DataSources.DataSplits binary = new DataSources.DataSplits("b",
        new Dataset("b", new float[] {0, 1, 1, 0}, 2, new int[] {2}, null),
        constant(0, 1, 2), false);
    assertThat(Perturbation.of(0.5, binary)).isEqualTo(new Perturbation(0.5, 0, 1, true));
    DataSources.DataSplits real = new DataSources.DataSplits("r",
        new Dataset("r", new float[] {-2, 0.5f, 3, 1}, 2, new int[] {2}, null),
        constant(0, 1, 2), false);
    Perturbation p = Perturbation.of(1.0, real);
    assertThat(p).isEqualTo(new Perturbation(1.0, -2, 3, false));
    for (float v : p.apply(real.train(), 1, 1).values()) {
      assertThat(v).isBetween(-2f, 3f);
    }
  }

  @Test
  void drawIsAFunctionOfSeedAndEpoch() {
    Dataset data = constant(100, 10, 50);
    Perturbation p = new Perturbation(0.5, 0, 255, true);
    assertThat(p.apply(data, 1, 2).values()).containsExactly(p.apply(data, 1, 2).values());
    assertThat(p.apply(data, 1, 2).values()).isNotEqualTo(p.apply(data, 1, 3).values());
    assertThat(data.values()[0]).isEqualTo(100f); // the input is never modified
    assertThat(Perturbation.NONE.apply(data, 1, 1)).isSameAs(data);
  }

  @Test
  void rateMustBeAProbability() {
    assertThatThrownBy(() -> new Perturbation(1.5, 0, 1, true))
        .hasMessageContaining("--perturb");
  }
}
