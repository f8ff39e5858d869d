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
  }

  /** A held-out draw depends on the image, never on its position or its neighbours. */
  @Test
  void fixedDrawsAreKeyedByTheExampleNotItsPosition() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    int n = 50;
    int d = 20;
    float[] v = new float[n * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(256);
    }
    Dataset images = new Dataset("grey", v, n, new int[] {d}, null);
    float[] all = Binarization.fixed(images, 255, 7).values();
    for (int i : new int[] {0, 17, 49}) {
      float[] alone = Binarization.fixed(images.slice(i, i + 1), 255, 7).values();
      assertThat(alone).containsExactly(java.util.Arrays.copyOfRange(all, i * d, (i + 1) * d));
    }
    // the same image twice, in two places, draws the same bits
    float[] twice = new float[2 * d];
    System.arraycopy(v, 5 * d, twice, 0, d);
    System.arraycopy(v, 5 * d, twice, d, d);
    float[] t = Binarization.fixed(new Dataset("twice", twice, 2, new int[] {d}, null), 255, 7)
        .values();
    assertThat(java.util.Arrays.copyOfRange(t, 0, d))
        .containsExactly(java.util.Arrays.copyOfRange(t, d, 2 * d));
    assertThat(Binarization.fixed(images, 255, 8).values()).isNotEqualTo(all);
    // and over many distinct images the bits still have the right frequency
    int big = 20_000;
    float[] grey = new float[big * 4];
    for (int i = 0; i < big; i++) {
      grey[i * 4] = 0.3f * 255;
      grey[i * 4 + 1] = i % 256; // makes the images distinct
      grey[i * 4 + 2] = i / 256;
      grey[i * 4 + 3] = 0.3f * 255;
    }
    float[] bits = Binarization.fixed(new Dataset("g", grey, big, new int[] {4}, null), 255, 1)
        .values();
    double mean = 0;
    for (int i = 0; i < big; i++) {
      mean += bits[i * 4] + bits[i * 4 + 3];
    }
    // 40k draws with p = 0.3: standard error 0.0023, tolerance 0.015 is over 6 sigma
    assertThat(mean / (2 * big)).isCloseTo(0.3, within(0.015));
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
}
