package io.dgm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** (pixel + u) / 256 with a fresh u every epoch, uniform on [0, 1), inside the pixel's bin. */
class DequantizationTest {
  private static Dataset pixels(int n, int d) {
    SplittableRandom r = new SplittableRandom(1);
    float[] v = new float[n * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(256);
    }
    return new Dataset("pixels", v, n, new int[] {d}, null);
  }

  @Test
  void eachValueLiesInItsPixelsBinWithAUniformOffset() {
    Dataset raw = pixels(400, 50);
    Preprocessing p = new Preprocessing("dequantize", 1f, 3, 4);
    Dataset y = p.trainingEpoch(raw, 7, 1);
    int n = raw.values().length;
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double u = 256.0 * y.values()[i] - raw.values()[i];
      assertThat(u).as("offset of value %d", i).isGreaterThanOrEqualTo(-1e-4).isLessThan(1.0);
      sum += u;
      sumSq += u * u;
    }
    double mean = sum / n;
    double var = sumSq / n - mean * mean;
    // U[0,1): mean 1/2 (standard error sqrt(1/12 / n)), variance 1/12
    assertThat(mean).isCloseTo(0.5, within(5 * Math.sqrt(1.0 / 12 / n)));
    assertThat(var).isCloseTo(1.0 / 12, within(0.003));
    for (float v : y.values()) {
      assertThat(v).isBetween(0f, 1f);
    }
  }

  @Test
  void everyEpochDrawsFreshNoiseAndTheFixedSetsDoNot() {
    Dataset raw = pixels(20, 10);
    Preprocessing p = new Preprocessing("dequantize", 1f, 3, 4);
    float[] e1 = p.trainingEpoch(raw, 7, 1).values();
    float[] e2 = p.trainingEpoch(raw, 7, 2).values();
    assertThat(p.trainingEpoch(raw, 7, 1).values()).containsExactly(e1);
    int same = 0;
    for (int i = 0; i < e1.length; i++) {
      same += e1[i] == e2[i] ? 1 : 0;
    }
    assertThat(same).as("values equal across epochs").isLessThan(e1.length / 20);
    float[] test = p.fixed(raw, 4, "rnade").values();
    assertThat(p.fixed(raw, 4, "rnade").values()).containsExactly(test);
    assertThat(test).isNotEqualTo(e1);
    assertThat(p.pixelOffsetNats(10)).isCloseTo(10 * Math.log(256), within(1e-12));
    assertThat(new Preprocessing("binarize", 255f, 3, 4).pixelOffsetNats(10)).isZero();
  }
}
