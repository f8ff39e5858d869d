package io.dgm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DilatedConvNetTest {

  private static final int H = 5;
  private static final int W = 6;
  private static final int IN = 2;
  private static final int C = 3;
  private static final int[] DILATIONS = {1, 2};

  /**
   * The forward pass equals a plain double-precision loop over pixels, channels and taps with
   * dilated, zero-padded 3x3 kernels, residual blocks and swish, on random weights (the output
   * layer, zero at construction, is filled too).
   */
  @Test
  void forwardEqualsPlainJavaDilatedConvolutions() {
    try (NDManager m = Engines.newManager()) {
      Parameters p = new Parameters(m, 3);
      DilatedConvNet net = new DilatedConvNet(p, "net", H, W, IN, C, DILATIONS);
      Random random = new Random(7);
      int layers = DILATIONS.length + 2;
      double[][][][][] kernels = new double[layers][][][][];
      double[][] biases = new double[layers][];
      for (int l = 0; l < layers; l++) {
        int in = l == 0 ? IN : C;
        int out = l == layers - 1 ? 1 : C;
        float[] k = new float[out * in * 9];
        float[] b = new float[out];
        kernels[l] = new double[out][in][3][3];
        for (int i = 0; i < k.length; i++) {
          k[i] = (float) (random.nextGaussian() * 0.4);
          kernels[l][i / (in * 9)][(i / 9) % in][(i / 3) % 3][i % 3] = k[i];
        }
        biases[l] = new double[out];
        for (int o = 0; o < out; o++) {
          b[o] = (float) (random.nextGaussian() * 0.1);
          biases[l][o] = b[o];
        }
        p.get("net.conv" + l + ".weight").set(k);
        p.get("net.conv" + l + ".bias").set(b);
      }
      int n = 2;
      float[] x = new float[n * IN * H * W];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      float[] actual = net.forward(m.create(x, new Shape(n, IN * H * W))).toFloatArray();
      assertThat(actual).hasSize(n * H * W);
      for (int e = 0; e < n; e++) {
        double[][][] h = new double[IN][H][W];
        for (int c = 0; c < IN; c++) {
          for (int i = 0; i < H; i++) {
            for (int j = 0; j < W; j++) {
              h[c][i][j] = x[((e * IN + c) * H + i) * W + j];
            }
          }
        }
        h = swish(conv(h, kernels[0], biases[0], 1));
        for (int b = 0; b < DILATIONS.length; b++) {
          double[][][] update = swish(conv(h, kernels[b + 1], biases[b + 1], DILATIONS[b]));
          for (int c = 0; c < C; c++) {
            for (int i = 0; i < H; i++) {
              for (int j = 0; j < W; j++) {
                update[c][i][j] += h[c][i][j];
              }
            }
          }
          h = update;
        }
        double[][][] out = conv(h, kernels[layers - 1], biases[layers - 1], 1);
        for (int i = 0; i < H; i++) {
          for (int j = 0; j < W; j++) {
            assertThat((double) actual[(e * H + i) * W + j])
                .as("example %d pixel (%d, %d)", e, i, j).isCloseTo(out[0][i][j], within(1e-4));
          }
        }
      }
      // multiply-adds: 30 pixels x 9 taps x (2x3 + 2 blocks x 3x3 + 3x1)
      assertThat(net.multiplyAdds()).isEqualTo(30L * 9 * (6 + 18 + 3));
      assertThat(net.firstLayerMultiplyAdds()).isEqualTo(30L * 9 * 6);
    }
  }

  /** The output layer starts at zero: the untrained network outputs exactly 0. */
  @Test
  void untrainedOutputIsZero() {
    try (NDManager m = Engines.newManager()) {
      DilatedConvNet net = new DilatedConvNet(new Parameters(m, 1), "net", H, W, IN, C, DILATIONS);
      NDArray y = net.forward(m.randomNormal(new Shape(3, IN * H * W)));
      assertThat(y.getShape()).isEqualTo(new Shape(3, H * W));
      assertThat(y.abs().max().getFloat()).isEqualTo(0f);
    }
  }

  @Test
  void badSizesAreRejectedWithTheirValues() {
    try (NDManager m = Engines.newManager()) {
      assertThatThrownBy(() -> new DilatedConvNet(new Parameters(m, 1), "net", H, W, IN, 0,
          DILATIONS)).hasMessageContaining("0 channels");
      assertThatThrownBy(() -> new DilatedConvNet(new Parameters(m, 1), "net", H, W, IN, C,
          new int[] {1, 0})).hasMessageContaining("dilations must be at least 1, got 0");
    }
  }

  private static double[][][] conv(double[][][] in, double[][][][] k, double[] b, int d) {
    int out = k.length;
    double[][][] y = new double[out][H][W];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < H; i++) {
        for (int j = 0; j < W; j++) {
          double s = b[o];
          for (int c = 0; c < in.length; c++) {
            for (int u = 0; u < 3; u++) {
              for (int v = 0; v < 3; v++) {
                int ii = i + (u - 1) * d;
                int jj = j + (v - 1) * d;
                if (ii >= 0 && ii < H && jj >= 0 && jj < W) {
                  s += k[o][c][u][v] * in[c][ii][jj];
                }
              }
            }
          }
          y[o][i][j] = s;
        }
      }
    }
    return y;
  }

  private static double[][][] swish(double[][][] a) {
    for (double[][] plane : a) {
      for (double[] row : plane) {
        for (int j = 0; j < row.length; j++) {
          row[j] = row[j] / (1 + Math.exp(-row[j]));
        }
      }
    }
    return a;
  }
}
