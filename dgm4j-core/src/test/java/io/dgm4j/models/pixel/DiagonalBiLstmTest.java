package io.dgm4j.models.pixel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import org.junit.jupiter.api.Test;

class DiagonalBiLstmTest {

  /**
   * 5x5 binary, one layer after a 3x3 mask-A convolution: every earlier pixel is seen (no blind
   * spot: neither PixelCNN's (r - 1, c + 4) nor the last pixel of the row above, which the
   * paper's layer alone misses; see the class comment), none later.
   */
  @Test
  void noBlindSpot() {
    try (NDManager m = Engines.newManager()) {
      DiagonalBiLstm model = PixelChecks.randomized(new DiagonalBiLstm(m.newSubManager(),
          new int[] {5, 5}, new DiagonalBiLstm.Config(2, 4, 1, 3), 1), 0.5, 3);
      boolean[][] depends = PixelChecks.dependencies(model, null);
      for (int d = 0; d < 25; d++) {
        for (int j = 0; j < 25; j++) {
          assertThat(depends[d][j]).as("pixel %d on pixel %d", d, j).isEqualTo(j < d);
        }
      }
    }
  }

  @Test
  void colourSeesExactlyEarlierSubPixels() {
    try (NDManager m = Engines.newManager()) {
      DiagonalBiLstm model = PixelChecks.randomized(new DiagonalBiLstm(m.newSubManager(),
          new int[] {3, 3, 3}, new DiagonalBiLstm.Config(4, 12, 2, 3), 1), 0.3, 3);
      boolean[][] depends = PixelChecks.dependencies(model, null);
      for (int d = 0; d < 27; d++) {
        for (int j = 0; j < 27; j++) {
          assertThat(depends[d][j]).as("sub-pixel %d on %d", d, j).isEqualTo(j < d);
        }
      }
    }
  }

  @Test
  void normalized() {
    try (NDManager m = Engines.newManager()) {
      assertThat(PixelChecks.totalProbability(PixelChecks.randomized(new DiagonalBiLstm(
          m.newSubManager(), new int[] {2, 2}, new DiagonalBiLstm.Config(2, 4, 2, 3), 1), 1.0,
          3), null)).isCloseTo(1.0, within(1e-5));
      assertThat(PixelChecks.totalProbability(PixelChecks.randomized(new DiagonalBiLstm(
          m.newSubManager(), new int[] {1, 1, 3}, new DiagonalBiLstm.Config(4, 6, 1, 3), 1), 1.0,
          3), null)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void fastAndNaiveSamplersAgree() {
    try (NDManager m = Engines.newManager()) {
      PixelChecks.assertSamplersAgree(PixelChecks.randomized(new DiagonalBiLstm(
          m.newSubManager(), new int[] {3, 4}, new DiagonalBiLstm.Config(2, 4, 2, 3), 1), 0.3,
          3), 3, null, 9);
      PixelChecks.assertSamplersAgree(PixelChecks.randomized(new DiagonalBiLstm(
          m.newSubManager(), new int[] {2, 3, 3}, new DiagonalBiLstm.Config(5, 6, 1, 3), 1),
          0.5, 3), 2, null, 9);
    }
  }

  /**
   * The LSTM's parameters get the gradient that finite differences measure, on one-row images
   * (where the layer's states form a single row: DJL's {@code NDArrays.concat} of one array
   * returns a copy cut off from autograd, and the whole LSTM got a zero gradient) and on
   * several rows.
   */
  @Test
  void gradientsMatchFiniteDifferences() {
    java.util.List<String> lstm = java.util.List.of("layer0.left.inputToState.bias",
      "layer0.left.stateToState.weight", "layer0.right.inputToState.bias",
      "layer0.right.stateToState.weight", "layer0.right.imageToState.bias");
    try (NDManager m = Engines.newManager()) {
      for (int[] shape : new int[][] {{1, 4}, {3, 3}}) {
        PixelChecks.assertGradientsMatchFiniteDifferences(PixelChecks.randomized(new DiagonalBiLstm(
            m.newSubManager(), shape, new DiagonalBiLstm.Config(2, 4, 1, 3), 1), 0.5, 3), 4, lstm);
      }
    }
  }
}
