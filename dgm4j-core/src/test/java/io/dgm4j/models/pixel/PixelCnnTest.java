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
          new PixelCnn.Config(2, 8, 2, 7, 3, "plain"), 1), 0.5, 3);
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
   * The paper's bottleneck blocks (1x1 to F/2, 3x3 on F/2, 1x1 back) have the same receptive
   * field as the plain ones: 1x1 mask-B convolutions add nothing to it. In colour, the half-width
   * maps keep the channel groups, so channel c of pixel i sees channels before c only.
   */
  @Test
  void bottleneckBlocksKeepTheFieldAndTheColourOrder() {
    try (NDManager m = Engines.newManager()) {
      PixelCnn binary = PixelChecks.randomized(new PixelCnn(m.newSubManager(), new int[] {5, 5},
          new PixelCnn.Config(2, 8, 2, 7, 3, "bottleneck"), 1), 0.5, 3);
      boolean[][] depends = PixelChecks.dependencies(binary, null);
      for (int d = 0; d < 25; d++) {
        for (int j = 0; j < 25; j++) {
          boolean blindSpot = d % 5 == 0 && j == d - 1; // (r - 1, c + 4) on a 5-wide image
          assertThat(depends[d][j]).as("pixel %d sees pixel %d", d, j)
              .isEqualTo(j < d && !blindSpot);
        }
      }
      PixelCnn colour = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {3, 3, 3}, new PixelCnn.Config(4, 12, 2, 3, 3, "bottleneck"), 1), 0.5, 3);
      boolean[][] colours = PixelChecks.dependencies(colour, null);
      for (int d = 0; d < 27; d++) {
        for (int j = d; j < 27; j++) {
          assertThat(colours[d][j]).as("sub-pixel %d must not see %d", d, j).isFalse();
        }
        for (int j = d - d % 3; j < d; j++) {
          assertThat(colours[d][j]).as("sub-pixel %d sees earlier channel %d", d, j).isTrue();
        }
      }
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
          new int[] {4, 4, 3}, new PixelCnn.Config(4, 6, 2, 3, 3, "plain"), 1), 0.5, 3);
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
          new PixelCnn.Config(2, 4, 1, 3, 3, "plain"), 2), 1.0, 4);
      assertThat(PixelChecks.totalProbability(model, null)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void fourLevelColourPixelSumsToOne() {
    try (NDManager m = Engines.newManager()) {
      PixelCnn model = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {1, 1, 3}, new PixelCnn.Config(4, 6, 1, 3, 3, "plain"), 2), 1.0, 4);
      assertThat(PixelChecks.totalProbability(model, null)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void fastAndNaiveSamplersAgreeBinaryAndColour() {
    try (NDManager m = Engines.newManager()) {
      PixelCnn binary = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {5, 4}, new PixelCnn.Config(2, 8, 2, 5, 3, "plain"), 1), 0.3, 3);
      PixelChecks.assertSamplersAgree(binary, 3, null, 9);
      PixelCnn colour = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {3, 3, 3}, new PixelCnn.Config(5, 6, 1, 3, 3, "plain"), 1), 0.3, 3);
      PixelChecks.assertSamplersAgree(colour, 3, null, 9);
      // 5 x 5 block kernels: the fast sampler keeps 3 rows of each block's inputs, 12 open taps
      PixelCnn wide = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {6, 5}, new PixelCnn.Config(2, 4, 2, 3, 5, "plain"), 1), 0.3, 3);
      PixelChecks.assertSamplersAgree(wide, 2, null, 9);
      PixelCnn bottleneck = PixelChecks.randomized(new PixelCnn(m.newSubManager(),
          new int[] {4, 4, 3}, new PixelCnn.Config(5, 12, 2, 3, 3, "bottleneck"), 1), 0.3, 3);
      PixelChecks.assertSamplersAgree(bottleneck, 3, null, 9);
    }
  }

  @Test
  void bottleneckHasThePapersParameterCount() {
    try (NDManager m = Engines.newManager()) {
      // binary 28x28, F = 256, 15 blocks: pytorch-generative's default PixelCNN, whose 3.2M
      // weights count masked kernel entries too; here only free ones: per block 1x1 256->128,
      // the 5 open taps of a 3x3 128->128 (mask B), 1x1 128->256, with biases
      PixelCnn model = new PixelCnn(m.newSubManager(), new int[] {28, 28},
          new PixelCnn.Config(2, 256, 15, 7, 3, "bottleneck"), 1);
      long block = (256 * 128 + 128) + (5 * 128 * 128 + 128) + (128 * 256 + 256);
      long first = 24 * 256 + 256; // the 24 open taps of a 7x7 mask A
      long head = 256 * 256 + 256 + 256 + 1;
      long border = 49 * 256 + 256; // every tap of the 7x7 border term, 1 -> 256
      assertThat(model.parameterCount()).isEqualTo(15 * block + first + head + border);
    }
  }

  @Test
  void featuresMustSplitIntoColourGroups() {
    try (NDManager m = Engines.newManager()) {
      assertThatThrownBy(() -> new PixelCnn(m.newSubManager(), new int[] {4, 4, 3},
          new PixelCnn.Config(256, 8, 1, 3, 3, "plain"), 1))
          .hasMessageContaining("features=8").hasMessageContaining("--set features=9");
      assertThatThrownBy(() -> new PixelCnn(m.newSubManager(), new int[] {4, 4, 3},
          new PixelCnn.Config(256, 9, 1, 3, 3, "bottleneck"), 1))
          .hasMessageContaining("--set features=12");
      assertThatThrownBy(() -> new PixelCnn.Config(2, 8, 1, 3, 3, "wide"))
          .hasMessageContaining("block must be plain or bottleneck");
    }
  }
}
