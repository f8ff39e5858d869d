package io.dgm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static io.dgm4j.nn.PlainConvolutions.conv;
import static io.dgm4j.nn.PlainConvolutions.image;
import static io.dgm4j.nn.PlainConvolutions.plus;
import static io.dgm4j.nn.PlainConvolutions.randomBias;
import static io.dgm4j.nn.PlainConvolutions.randomKernel;
import static io.dgm4j.nn.PlainConvolutions.swish;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UNetTest {

  private static final int H = 4;
  private static final int W = 8;
  private static final int IN = 2;
  private static final int C = 2;
  private static final String[] LAYERS = {"in", "res0", "down1", "res1", "down2", "res2", "mid",
      "up1", "merge1", "resUp1", "up0", "merge0", "resUp0", "out"};

  /**
   * The forward pass equals plain double-precision Java: zero-padded 3x3 convolutions (stride 1
   * and 2), swish, residual blocks, nearest-neighbour upsampling and joined skip maps, on random
   * weights (the output layer, zero at construction, is filled too).
   */
  @Test
  void forwardEqualsPlainJava() {
    try (NDManager m = Engines.newManager()) {
      Parameters p = new Parameters(m, 3);
      UNet net = new UNet(p, "net", H, W, IN, C);
      Random random = new Random(11);
      double[][][][][] k = new double[LAYERS.length][][][][];
      double[][] b = new double[LAYERS.length][];
      for (int l = 0; l < LAYERS.length; l++) {
        k[l] = randomKernel(p, "net." + LAYERS[l], random, 0.3);
        b[l] = randomBias(p, "net." + LAYERS[l], random, 0.1);
      }
      int n = 2;
      float[] x = new float[n * IN * H * W];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      float[] actual = net.forward(m.create(x, new Shape(n, IN * H * W))).toFloatArray();
      assertThat(actual).hasSize(n * H * W);
      for (int e = 0; e < n; e++) {
        double[][][] h = image(x, e, IN, H, W);
        double[][][] e0 = res(swish(conv(h, k[0], b[0], 1, 1)), k[1], b[1]);
        double[][][] e1 = res(swish(conv(e0, k[2], b[2], 2, 1)), k[3], b[3]);
        double[][][] e2 = res(res(swish(conv(e1, k[4], b[4], 2, 1)), k[5], b[5]), k[6], b[6]);
        double[][][] d1 = res(swish(conv(join(swish(conv(up(e2), k[7], b[7], 1, 1)), e1), k[8],
            b[8], 1, 1)), k[9], b[9]);
        double[][][] d0 = res(swish(conv(join(swish(conv(up(d1), k[10], b[10], 1, 1)), e0), k[11],
            b[11], 1, 1)), k[12], b[12]);
        double[][][] y = conv(d0, k[13], b[13], 1, 1);
        for (int i = 0; i < H; i++) {
          for (int j = 0; j < W; j++) {
            assertThat((double) actual[(e * H + i) * W + j])
                .as("example %d pixel (%d, %d)", e, i, j).isCloseTo(y[0][i][j], within(1e-4));
          }
        }
      }
      // multiply-adds, 9 taps each: full resolution (32 pixels) in 2x2, res 2x2, merge0 4x2,
      // up0 4x2, resUp0 2x2, out 2x1; half (8 pixels) down1 2x4, res1 4x4, up1 8x4, merge1 8x4,
      // resUp1 4x4; quarter (2 pixels) down2 4x8, res2 8x8, mid 8x8
      long full = 32L * 9 * (4 + 4 + 8 + 8 + 4 + 2);
      long half = 8L * 9 * (8 + 16 + 32 + 32 + 16);
      long quarter = 2L * 9 * (32 + 64 + 64);
      assertThat(net.multiplyAdds()).isEqualTo(full + half + quarter);
      assertThat(net.firstLayerMultiplyAdds()).isEqualTo(32L * 9 * 4);
    }
  }

  /** The output layer starts at zero: the untrained network outputs exactly 0. */
  @Test
  void untrainedOutputIsZero() {
    try (NDManager m = Engines.newManager()) {
      UNet net = new UNet(new Parameters(m, 1), "net", 28, 28, 2, 4);
      NDArray y = net.forward(m.randomNormal(new Shape(3, 2 * 28 * 28)));
      assertThat(y.getShape()).isEqualTo(new Shape(3, 28 * 28));
      assertThat(y.abs().max().getFloat()).isEqualTo(0f);
    }
  }

  @Test
  void sizesItCannotHalveTwiceAreRejectedWithTheirValues() {
    try (NDManager m = Engines.newManager()) {
      assertThatThrownBy(() -> new UNet(new Parameters(m, 1), "net", 28, 30, IN, C))
          .hasMessageContaining("divisible by 4, got 28x30");
      assertThatThrownBy(() -> new UNet(new Parameters(m, 1), "net", H, W, IN, 0))
          .hasMessageContaining("0 channels");
    }
  }

  private static double[][][] res(double[][][] h, double[][][][] k, double[] b) {
    return plus(h, swish(conv(h, k, b, 1, 1)));
  }

  private static double[][][] up(double[][][] h) {
    double[][][] y = new double[h.length][2 * h[0].length][2 * h[0][0].length];
    for (int c = 0; c < h.length; c++) {
      for (int i = 0; i < y[c].length; i++) {
        for (int j = 0; j < y[c][i].length; j++) {
          y[c][i][j] = h[c][i / 2][j / 2];
        }
      }
    }
    return y;
  }

  private static double[][][] join(double[][][] a, double[][][] b) {
    double[][][] y = new double[a.length + b.length][][];
    System.arraycopy(a, 0, y, 0, a.length);
    System.arraycopy(b, 0, y, a.length, b.length);
    return y;
  }
}
