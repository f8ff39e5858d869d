package io.dgm4j.models.pixel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PixelCnnTest {

  /**
   * On 5x5 binary images, a 7x7 mask-A layer and two 3x3 mask-B blocks: the conditional of pixel
   * (r, c) depends on every earlier pixel except its blind spot, which on a 5-wide image is
   * exactly (r - 1, c + 4): the first layer reaches 3 columns right in the row above, and each
   * later layer moves one column right only by moving one row up.
   */
  @Test
  void binaryConditionalsSeeEveryEarlierPixelButTheBlindSpot() {
    try (NDManager m = Engines.newManager()) {
      PixelCnn model = PixelChecks.randomized(new PixelCnn(m.newSubManager(), new int[] {5, 5},
          new PixelCnn.Config(2, 8, 2, 7, 3), 1), 0.5, 3);
      boolean[][] depends = PixelChecks.dependencies(model, null);
      List<String> missed = new ArrayList<>();
      for (int d = 0; d < 25; d++) {
        for (int j = 0; j < 25; j++) {
          if (j >= d) {
            assertThat(depends[d][j]).as("pixel %d must not see pixel %d", d, j).isFalse();
          } else if (!depends[d][j]) {
            missed.add("(" + d / 5 + "," + d % 5 + ") misses (" + j / 5 + "," + j % 5 + ")");
          }
        }
      }
      assertThat(missed).containsExactly("(1,0) misses (0,4)", "(2,0) misses (1,4)",
          "(3,0) misses (2,4)", "(4,0) misses (3,4)");
    }
  }

  /**
   * On 4x4x3 images, channel c of pixel i sees all sub-pixels of earlier pixels (but the blind
   * spot) and, within pixel i, channels before c only: R nothing, G sees R, B sees R and G.
   */
  @Test
  void colourConditionalsFollowRgbOrder() {
    try (NDManager m = Engines.newManager()) {
      PixelCnn model = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {4, 4, 3}, new PixelCnn.Config(4, 6, 2, 3, 3), 1), 0.5, 3);
      boolean[][] depends = PixelChecks.dependencies(model, null);
      for (int d = 0; d < 48; d++) {
        int pixel = d / 3;
        for (int j = 0; j < 48; j++) {
          if (j >= d) {
            assertThat(depends[d][j]).as("sub-pixel %d must not see %d", d, j).isFalse();
          } else if (j / 3 == pixel) {
            assertThat(depends[d][j]).as("sub-pixel %d sees earlier channel %d", d, j).isTrue();
          }
        }
      }
      // the field is otherwise that of a 3x3 first kernel: pixel (1, 1) sees (0, 0..2), (1, 0)
      int[] seen = {0, 1, 2, 4};
      for (int p : seen) {
        for (int ch = 0; ch < 3; ch++) {
          assertThat(depends[5 * 3][p * 3 + ch]).as("pixel (1,1) sees pixel %d", p).isTrue();
        }
      }
    }
  }

  @Test
  void binaryTwoByTwoSumsToOne() {
    try (NDManager m = Engines.newManager()) {
      PixelCnn model = PixelChecks.randomized(new PixelCnn(m.newSubManager(), new int[] {2, 2},
          new PixelCnn.Config(2, 4, 1, 3, 3), 2), 1.0, 4);
      assertThat(PixelChecks.totalProbability(model, null)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void fourLevelColourPixelSumsToOne() {
    try (NDManager m = Engines.newManager()) {
      PixelCnn model = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {1, 1, 3}, new PixelCnn.Config(4, 6, 1, 3, 3), 2), 1.0, 4);
      assertThat(PixelChecks.totalProbability(model, null)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void fastAndNaiveSamplersAgreeBinaryAndColour() {
    try (NDManager m = Engines.newManager()) {
      PixelCnn binary = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {5, 4}, new PixelCnn.Config(2, 8, 2, 5, 3), 1), 0.3, 3);
      PixelChecks.assertSamplersAgree(binary, 3, null, 9);
      PixelCnn colour = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {3, 3, 3}, new PixelCnn.Config(5, 6, 1, 3, 3), 1), 0.3, 3);
      PixelChecks.assertSamplersAgree(colour, 3, null, 9);
      // 5 x 5 block kernels: the fast sampler keeps 3 rows of each block's inputs, 12 open taps
      PixelCnn wide = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {6, 5}, new PixelCnn.Config(2, 4, 2, 3, 5), 1), 0.3, 3);
      PixelChecks.assertSamplersAgree(wide, 2, null, 9);
    }
  }

  @Test
  void featuresMustSplitIntoColourGroups() {
    try (NDManager m = Engines.newManager()) {
      assertThatThrownBy(() -> new PixelCnn(m.newSubManager(), new int[] {4, 4, 3},
          new PixelCnn.Config(256, 8, 1, 3, 3), 1))
          .hasMessageContaining("features=8").hasMessageContaining("--set features=9");
    }
  }
}
