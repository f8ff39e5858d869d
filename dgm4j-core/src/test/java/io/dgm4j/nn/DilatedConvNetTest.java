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

class DilatedConvNetTest {

  private static final int H = 5;
  private static final int W = 6;
  private static final int IN = 2;
  private static final int C = 3;
  private static final int OUT = 2;
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
      DilatedConvNet net = new DilatedConvNet(p, "net", H, W, IN, C, OUT, DILATIONS);
      Random random = new Random(7);
      int layers = DILATIONS.length + 2;
      double[][][][][] kernels = new double[layers][][][][];
      double[][] biases = new double[layers][];
      for (int l = 0; l < layers; l++) {
        kernels[l] = randomKernel(p, "net.conv" + l, random, 0.4);
        biases[l] = randomBias(p, "net.conv" + l, random, 0.1);
      }
      int n = 2;
      float[] x = new float[n * IN * H * W];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      float[] actual = net.forward(m.create(x, new Shape(n, IN * H * W))).toFloatArray();
      assertThat(actual).hasSize(n * OUT * H * W);
      for (int e = 0; e < n; e++) {
        double[][][] h = swish(conv(image(x, e, IN, H, W), kernels[0], biases[0], 1, 1));
        for (int b = 0; b < DILATIONS.length; b++) {
          h = plus(h, swish(conv(h, kernels[b + 1], biases[b + 1], 1, DILATIONS[b])));
        }
        double[][][] out = conv(h, kernels[layers - 1], biases[layers - 1], 1, 1);
        for (int c = 0; c < OUT; c++) {
          for (int i = 0; i < H; i++) {
            for (int j = 0; j < W; j++) {
              assertThat((double) actual[((e * OUT + c) * H + i) * W + j])
                  .as("example %d channel %d pixel (%d, %d)", e, c, i, j)
                  .isCloseTo(out[c][i][j], within(1e-4));
            }
          }
        }
      }
      // multiply-adds: 30 pixels x 9 taps x (2x3 + 2 blocks x 3x3 + 3x2)
      assertThat(net.multiplyAdds()).isEqualTo(30L * 9 * (6 + 18 + 6));
      assertThat(net.firstLayerMultiplyAdds()).isEqualTo(30L * 9 * 6);
    }
  }

  /** The output layer starts at zero: the untrained network outputs exactly 0. */
  @Test
  void untrainedOutputIsZero() {
    try (NDManager m = Engines.newManager()) {
      DilatedConvNet net = new DilatedConvNet(new Parameters(m, 1), "net", H, W, IN, C, 1,
          DILATIONS);
      NDArray y = net.forward(m.randomNormal(new Shape(3, IN * H * W)));
      assertThat(y.getShape()).isEqualTo(new Shape(3, H * W));
      assertThat(y.abs().max().getFloat()).isEqualTo(0f);
    }
  }

  @Test
  void badSizesAreRejectedWithTheirValues() {
    try (NDManager m = Engines.newManager()) {
      assertThatThrownBy(() -> new DilatedConvNet(new Parameters(m, 1), "net", H, W, IN, 0, 1,
          DILATIONS)).hasMessageContaining("0 channels");
      assertThatThrownBy(() -> new DilatedConvNet(new Parameters(m, 1), "net", H, W, IN, C, 1,
          new int[] {1, 0})).hasMessageContaining("dilations must be at least 1, got 0");
    }
  }
}
