package io.dgm4j.models.pixel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import org.junit.jupiter.api.Test;

class RowLstmTest {

  /**
   * The receptive field of one Row LSTM layer after a 3x3 mask-A layer, by plain reachability on
   * pixels: first(r, c) reads (r - 1, c - 1..c + 1) and (r, c - 1); state(r, c) reads first(r,
   * c - 1..c) and state(r - 1, c - 1..c + 1); the output reads first(r, c) and state(r, c).
   */
  private static boolean[][] expectedField(int h, int w) {
    int d = h * w;
    boolean[][] first = new boolean[d][d];
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        int[][] taps = {{r - 1, c - 1}, {r - 1, c}, {r - 1, c + 1}, {r, c - 1}};
        for (int[] t : taps) {
          if (t[0] >= 0 && t[1] >= 0 && t[1] < w) {
            first[r * w + c][t[0] * w + t[1]] = true;
          }
        }
      }
    }
    boolean[][] state = new boolean[d][d];
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        int at = r * w + c;
        for (int cc = c - 1; cc <= c; cc++) {
          if (cc >= 0) {
            or(state[at], first[r * w + cc]);
          }
        }
        for (int cc = c - 1; cc <= c + 1; cc++) {
          if (r > 0 && cc >= 0 && cc < w) {
            or(state[at], state[(r - 1) * w + cc]);
          }
        }
      }
    }
    boolean[][] out = new boolean[d][d];
    for (int i = 0; i < d; i++) {
      or(out[i], first[i]);
      or(out[i], state[i]);
    }
    return out;
  }

  private static void or(boolean[] into, boolean[] from) {
    for (int j = 0; j < into.length; j++) {
      into[j] |= from[j];
    }
  }

  @Test
  void receptiveFieldIsTheTriangle() {
    try (NDManager m = Engines.newManager()) {
      RowLstm model = PixelChecks.randomized(new RowLstm(m.newSubManager(), new int[] {5, 5},
          new RowLstm.Config(2, 4, 1, 3, 3), 1), 0.5, 3);
      boolean[][] depends = PixelChecks.dependencies(model, null);
      boolean[][] expected = expectedField(5, 5);
      for (int d = 0; d < 25; d++) {
        for (int j = 0; j < 25; j++) {
          assertThat(depends[d][j]).as("pixel (%d,%d) on (%d,%d)", d / 5, d % 5, j / 5, j % 5)
              .isEqualTo(expected[d][j]);
        }
      }
      // the triangle widens one column per row upwards: (1, 0) sees (0, 1) but not (0, 2);
      // (2, 0) sees (1, 1) but not (1, 2), and (0, 2) but not (0, 3)
      assertThat(depends[5][1]).isTrue();
      assertThat(depends[5][2]).isFalse();
      assertThat(depends[10][6]).isTrue();
      assertThat(depends[10][7]).isFalse();
      assertThat(depends[10][2]).isTrue();
      assertThat(depends[10][3]).isFalse();
    }
  }

  @Test
  void colourChannelsFollowRgbOrder() {
    try (NDManager m = Engines.newManager()) {
      RowLstm model = PixelChecks.randomized(new RowLstm(m.newSubManager(), new int[] {3, 3, 3},
          new RowLstm.Config(4, 12, 2, 3, 3), 1), 0.5, 3);
      boolean[][] depends = PixelChecks.dependencies(model, null);
      for (int d = 0; d < 27; d++) {
        for (int j = 0; j < 27; j++) {
          if (j >= d) {
            assertThat(depends[d][j]).as("sub-pixel %d on %d", d, j).isFalse();
          } else if (j / 3 == d / 3) {
            assertThat(depends[d][j]).as("sub-pixel %d on %d", d, j).isTrue();
          }
        }
      }
    }
  }

  @Test
  void normalized() {
    try (NDManager m = Engines.newManager()) {
      assertThat(PixelChecks.totalProbability(PixelChecks.randomized(new RowLstm(
          m.newSubManager(), new int[] {2, 2}, new RowLstm.Config(2, 4, 2, 3, 3), 1), 1.0, 3),
          null)).isCloseTo(1.0, within(1e-5));
      assertThat(PixelChecks.totalProbability(PixelChecks.randomized(new RowLstm(
          m.newSubManager(), new int[] {1, 1, 3}, new RowLstm.Config(4, 6, 1, 3, 3), 1), 1.0, 3),
          null)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void fastAndNaiveSamplersAgree() {
    try (NDManager m = Engines.newManager()) {
      PixelChecks.assertSamplersAgree(PixelChecks.randomized(new RowLstm(m.newSubManager(),
          new int[] {3, 4}, new RowLstm.Config(2, 4, 2, 3, 3), 1), 0.5, 3), 2, null, 9);
      PixelChecks.assertSamplersAgree(PixelChecks.randomized(new RowLstm(m.newSubManager(),
          new int[] {2, 3, 3}, new RowLstm.Config(5, 6, 1, 3, 3), 1), 0.5, 3), 2, null, 9);
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
    java.util.List<String> lstm = java.util.List.of("layer0.inputToState.weight", "layer0.inputToState.bias",
      "layer0.stateToState.weight", "layer0.stateToState.bias");
    try (NDManager m = Engines.newManager()) {
      for (int[] shape : new int[][] {{1, 4}, {3, 3}}) {
        PixelChecks.assertGradientsMatchFiniteDifferences(PixelChecks.randomized(new RowLstm(
            m.newSubManager(), shape, new RowLstm.Config(2, 4, 1, 3, 3), 1), 0.5, 3), 4, lstm);
      }
    }
  }
}
