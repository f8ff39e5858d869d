package io.dgm4j.models.pixel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.Conditional;
import org.junit.jupiter.api.Test;

class GatedPixelCnnTest {

  private static GatedPixelCnn model(NDManager m, int[] shape, GatedPixelCnn.Config c) {
    return PixelChecks.randomized(GatedPixelCnn.create(m.newSubManager(), shape, c, 1), 0.5, 3);
  }

  /** 5x5 binary, 5-wide kernels, two layers: every earlier pixel is seen, none later. */
  @Test
  void noBlindSpot() {
    try (NDManager m = Engines.newManager()) {
      GatedPixelCnn model = model(m, new int[] {5, 5},
          new GatedPixelCnn.Config(2, 4, 2, 5, false, 10));
      boolean[][] depends = PixelChecks.dependencies(model, null);
      for (int d = 0; d < 25; d++) {
        for (int j = 0; j < 25; j++) {
          assertThat(depends[d][j]).as("pixel %d on pixel %d", d, j).isEqualTo(j < d);
        }
      }
    }
  }

  /** 4x4x3 colour, conditional: exactly the earlier sub-pixels, R -> G -> B within a pixel. */
  @Test
  void colourConditionalSeesExactlyEarlierSubPixels() {
    try (NDManager m = Engines.newManager()) {
      GatedPixelCnn model = model(m, new int[] {4, 4, 3},
          new GatedPixelCnn.Config(4, 6, 2, 5, true, 3));
      NDArray labels = m.create(new int[] {0, 2, 1});
      boolean[][] depends = PixelChecks.dependencies(model, labels);
      for (int d = 0; d < 48; d++) {
        for (int j = 0; j < 48; j++) {
          assertThat(depends[d][j]).as("sub-pixel %d on %d", d, j).isEqualTo(j < d);
        }
      }
    }
  }

  @Test
  void normalizedBinaryAndColourAndConditional() {
    try (NDManager m = Engines.newManager()) {
      GatedPixelCnn binary = model(m, new int[] {2, 2},
          new GatedPixelCnn.Config(2, 4, 2, 3, false, 10));
      assertThat(PixelChecks.totalProbability(binary, null)).isCloseTo(1.0, within(1e-5));
      GatedPixelCnn colour = model(m, new int[] {1, 1, 3},
          new GatedPixelCnn.Config(4, 6, 2, 3, false, 10));
      assertThat(PixelChecks.totalProbability(colour, null)).isCloseTo(1.0, within(1e-5));
      GatedPixelCnn labelled = model(m, new int[] {2, 2},
          new GatedPixelCnn.Config(2, 4, 2, 3, true, 3));
      assertThat(labelled).isInstanceOf(Conditional.class);
      assertThat(PixelChecks.totalProbability(labelled, m.create(new int[] {2})))
          .as("p(x | y = 2)").isCloseTo(1.0, within(1e-5));
      assertThat(PixelChecks.totalProbability(labelled, null)).as("marginal p(x)")
          .isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void labelChangesTheDistribution() {
    try (NDManager m = Engines.newManager()) {
      GatedPixelCnn labelled = model(m, new int[] {2, 2},
          new GatedPixelCnn.Config(2, 4, 2, 3, true, 3));
      NDArray x = m.create(new float[] {1, 0, 1, 1}, new ai.djl.ndarray.types.Shape(1, 4));
      float y0 = labelled.logProb(x, m.create(new int[] {0})).getFloat();
      float y1 = labelled.logProb(x, m.create(new int[] {1})).getFloat();
      assertThat(Math.abs(y0 - y1)).isGreaterThan(1e-3f);
    }
  }

  @Test
  void fastAndNaiveSamplersAgree() {
    try (NDManager m = Engines.newManager()) {
      PixelChecks.assertSamplersAgree(model(m, new int[] {4, 5},
          new GatedPixelCnn.Config(2, 4, 3, 3, false, 10)), 3, null, 9);
      PixelChecks.assertSamplersAgree(model(m, new int[] {3, 3, 3},
          new GatedPixelCnn.Config(5, 6, 2, 3, true, 4)), 3, m.create(new int[] {0, 3, 1}), 9);
    }
  }
}
