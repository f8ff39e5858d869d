package io.dgm4j.data;

import static io.dgm4j.data.IdxReaderTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Data sets read on demand behave as the same values in memory for every reader, and their
 * preprocessing (drawn row by row as rows are read) is deterministic and has the right law.
 */
class OnDemandDatasetTest {
  static final int N = 50;
  static final int D = 6;

  static float[] pixels(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[N * D];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(256);
    }
    return v;
  }

  static Dataset onDemand(float[] v, int[] labels) {
    return Dataset.onDemand("disk", N, new int[] {2, 3}, labels,
        (example, out, offset) -> System.arraycopy(v, example * D, out, offset, D));
  }

  @Test
  void everyReaderSeesTheSameValuesAsInMemory() {
    float[] v = pixels(1);
    int[] labels = new int[N];
    for (int i = 0; i < N; i++) {
      labels[i] = i % 3;
    }
    Dataset eager = new Dataset("memory", v.clone(), N, new int[] {2, 3}, labels);
    Dataset lazy = onDemand(v, labels);
    assertThat(lazy.inMemory()).isFalse();
    assertThat(lazy.dimension()).isEqualTo(D);
    float[] a = new float[N * D];
    float[] b = new float[N * D];
    eager.copyRows(0, N, a);
    lazy.copyRows(0, N, b);
    assertThat(b).containsExactly(a);
    int[] order = {7, 3, 49, 0, 3};
    float[] ga = new float[order.length * D];
    float[] gb = new float[order.length * D];
    eager.gather(order, 0, order.length, ga);
    lazy.gather(order, 0, order.length, gb);
    assertThat(gb).containsExactly(ga);
    for (int i = 0; i < N; i += 7) {
      for (int d = 0; d < D; d++) {
        assertThat(lazy.get(i, d)).isEqualTo(v[i * D + d]);
      }
    }
    Dataset slice = lazy.slice(10, 20);
    assertThat(slice.inMemory()).isFalse();
    assertThat(slice.size()).isEqualTo(10);
    assertThat(slice.get(2, 4)).isEqualTo(v[12 * D + 4]);
    assertThat(slice.labels()[2]).isEqualTo(12 % 3);
    assertThat(lazy.withName("x").get(5, 5)).isEqualTo(v[5 * D + 5]);
    // values() reads every row once and keeps them
    assertThat(lazy.values()).containsExactly(v).isSameAs(lazy.values());
  }

  @Test
  void binarizationOnDemandIsDeterministicPerRowAndBernoulli() {
    float[] v = new float[N * D];
    java.util.Arrays.fill(v, 0.3f * 255);
    v[0] = 0;
    v[1] = 255;
    Dataset lazy = onDemand(v, null);
    Dataset epoch1 = Binarization.dynamic(lazy, 255, 7, 1);
    assertThat(epoch1.inMemory()).isFalse();
    // the same row read twice, or in another order, is the same draw
    float[] first = new float[D];
    float[] again = new float[D];
    epoch1.row(9, first, 0);
    epoch1.row(3, again, 0);
    epoch1.row(9, again, 0);
    assertThat(again).containsExactly(first);
    assertThat(epoch1.get(0, 0)).isEqualTo(0f);
    assertThat(epoch1.get(0, 1)).isEqualTo(1f);
    // over many rows and epochs: values 0/1 with frequency 0.3 (4 standard deviations)
    double ones = 0;
    int count = 0;
    boolean epochsDiffer = false;
    for (int epoch = 1; epoch <= 40; epoch++) {
      Dataset drawn = Binarization.dynamic(lazy, 255, 7, epoch);
      float[] rows = new float[N * D];
      drawn.copyRows(0, N, rows);
      for (int i = 2; i < rows.length; i++) {
        assertThat(rows[i]).isIn(0f, 1f);
        ones += rows[i];
        count++;
      }
      float[] row9 = new float[D];
      drawn.row(9, row9, 0);
      epochsDiffer |= !java.util.Arrays.equals(row9, first);
    }
    assertThat(ones / count).isCloseTo(0.3, within(4 * Math.sqrt(0.21 / count)));
    assertThat(epochsDiffer).isTrue();
    assertThat(message(() -> Binarization.dynamic(onDemand(pixels(2), null), 100, 1, 1)
        .copyRows(0, N, new float[N * D]))).contains("cannot binarize").contains("disk");
  }

  @Test
  void heldOutDrawsOnDemandEqualTheDrawsInMemory() {
    float[] v = pixels(5);
    Dataset eager = new Dataset("memory", v.clone(), N, new int[] {2, 3}, null);
    Dataset lazy = onDemand(v, null);
    for (Dataset[] pair : new Dataset[][] {
        {Binarization.fixed(eager, 255, 11), Binarization.fixed(lazy, 255, 11)},
        {Preprocessing.dequantizeFixed(eager, 11), Preprocessing.dequantizeFixed(lazy, 11)}}) {
      assertThat(pair[1].inMemory()).isFalse();
      float[] rows = new float[N * D];
      pair[1].copyRows(0, N, rows);
      assertThat(rows).containsExactly(pair[0].values());
    }
  }

  @Test
  void dequantizationOnDemandKeepsEachPixelsBin() {
    float[] v = pixels(3);
    Dataset deq = Preprocessing.dequantize(onDemand(v, null), 5, 2);
    float[] out = new float[N * D];
    deq.copyRows(0, N, out);
    for (int i = 0; i < out.length; i++) {
      // (pixel + u) / 256 with u in [0, 1): floor(256 x) is the pixel again
      assertThat(Math.floor(out[i] * 256.0)).isEqualTo(v[i]);
    }
    float[] again = new float[D];
    deq.row(4, again, 0);
    assertThat(again).containsExactly(java.util.Arrays.copyOfRange(out, 4 * D, 5 * D));
  }

  @Test
  void validationReadsOnDemandRowsAndNamesThePosition() {
    float[] v = pixels(4);
    v[17 * D + 2] = Float.NaN;
    assertThat(message(() -> Validation.requireFinite(onDemand(v, null))))
        .contains("example 17, pixel 2");
  }
}
