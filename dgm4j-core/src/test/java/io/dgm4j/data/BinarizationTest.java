package io.dgm4j.data;

import static io.dgm4j.data.IdxReaderTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BinarizationTest {
  private static Dataset constant(int n, float value) {
    float[] v = new float[n];
    Arrays.fill(v, value);
    return new Dataset("const", v, n / 4, new int[] {2, 2}, null);
  }

  @Test
  void sameSeedAndEpochGiveIdenticalDataOtherEpochsDiffer() {
    Dataset grey = constant(40_000, 128);
    Dataset a = Binarization.dynamic(grey, 255, 7, 3);
    Dataset b = Binarization.dynamic(grey, 255, 7, 3);
    assertThat(a.values()).containsExactly(b.values());
    assertThat(Binarization.dynamic(grey, 255, 7, 4).values()).isNotEqualTo(a.values());
    assertThat(Binarization.dynamic(grey, 255, 8, 3).values()).isNotEqualTo(a.values());
    assertThat(Binarization.fixed(grey, 255, 7).values())
        .containsExactly(Binarization.dynamic(grey, 255, 7, Binarization.FIXED_EPOCH).values());
  }

  @Test
  void meanMatchesProbability() {
    // 200k draws with p = 0.3: standard error 0.001, so a 0.01 tolerance is 10 sigma.
    int n = 200_000;
    for (float scale : new float[] {255f, 1f}) {
      Dataset x = Binarization.dynamic(constant(n, 0.3f * scale), scale, 42, 0);
      double mean = 0;
      for (float v : x.values()) {
        assertThat(v == 0f || v == 1f).isTrue();
        mean += v;
      }
      assertThat(mean / n).isCloseTo(0.3, within(0.01));
    }
  }

  @Test
  void extremesAreDeterministicAndLabelsKept() {
    float[] v = {0, 255, 0, 255};
    Dataset d = new Dataset("d", v, 1, new int[] {2, 2}, new int[] {7});
    for (int epoch = 0; epoch < 50; epoch++) {
      Dataset x = Binarization.dynamic(d, 255, 1, epoch);
      assertThat(x.values()).containsExactly(0, 1, 0, 1);
      assertThat(x.labels()).containsExactly(7);
    }
  }

  @Test
  void rejectsValuesOutsideTheScale() {
    Dataset raw = constant(8, 200);
    assertThat(message(() -> Binarization.dynamic(raw, 1f, 0, 0)))
        .contains("const: cannot binarize value 200.0 at example 0, index 0")
        .contains("need scale 255");
  }

  @Test
  void thresholdIsDeterministic() {
    Dataset d = new Dataset("d", new float[] {0, 127, 128, 255}, 1, new int[] {4}, null);
    assertThat(Binarization.threshold(d, 128).values()).containsExactly(0, 0, 1, 1);
  }

  @Test
  void fastEnoughForMnist() {
    Dataset mnistSized = constant(60_000 * 784, 100);
    Binarization.dynamic(mnistSized, 255, 1, 0); // warm-up
    long start = System.nanoTime();
    Binarization.dynamic(mnistSized, 255, 1, 1);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(seconds).as("60k x 784 binarization time").isLessThan(2.0);
  }
}
