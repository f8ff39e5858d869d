package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.dgm4j.data.Dataset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompressedLengthTest {

  @Test
  void constantImageCompressesFarBelowNoise() {
    int d = 28 * 28;
    float[] v = new float[3 * d];
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < d; i++) {
      v[i] = 0f; // blank
      v[d + i] = r.nextBoolean() ? 1f : 0f; // binary noise: 784 bits of entropy
      v[2 * d + i] = (i / 28) % 2; // stripes: structured
    }
    double[] nats = CompressedLength.nats(new Dataset("t", v, 3, new int[] {28, 28}, null), 0, 1);
    double noiseEntropyNats = d * Math.log(2);
    // a lossless code cannot beat the noise's entropy (on average; 784 random bits here);
    // the blank image costs little more than PNG's fixed headers (about 60 bytes)
    assertThat(nats[1]).isGreaterThan(0.9 * noiseEntropyNats);
    assertThat(nats[1] - nats[0]).isGreaterThan(0.8 * noiseEntropyNats);
    assertThat(nats[0]).isLessThan(nats[1] / 3);
    assertThat(nats[2]).isLessThan(0.6 * nats[1]);
  }

  @Test
  void lengthIsWholeBytesInNatsForFlatRows() {
    float[] v = new float[100];
    double[] nats = CompressedLength.nats(new Dataset("t", v, 1, new int[] {100}, null), 0, 1);
    double bytes = nats[0] / (8 * Math.log(2));
    assertThat(Math.abs(bytes - Math.rint(bytes))).isLessThan(1e-9);
    assertThat(bytes).isGreaterThan(8); // at least the PNG signature
  }
}
