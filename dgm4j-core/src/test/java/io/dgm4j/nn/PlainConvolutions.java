package io.dgm4j.nn;

import java.util.Random;

/**
 * Plain double-precision Java versions of what the convolutional networks compute, for tests
 * that compare a network's forward pass against them: random weights set into the network's
 * parameters and kept here as doubles, zero-padded 3x3 convolutions, swish, residual sums.
 * Images are [channel][row][column].
 */
final class PlainConvolutions {
  private PlainConvolutions() {}

  /**
   * Fills the 3x3 kernel {@code name.weight} (out, in, 3, 3) with N(0, std²) values and returns
   * them as [out][in][3][3].
   */
  static double[][][][] randomKernel(Parameters p, String name, Random random, double std) {
    var weight = p.get(name + ".weight");
    long[] s = weight.getShape().getShape();
    int out = (int) s[0];
    int in = (int) s[1];
    float[] k = new float[out * in * 9];
    double[][][][] kernel = new double[out][in][3][3];
    for (int i = 0; i < k.length; i++) {
      k[i] = (float) (random.nextGaussian() * std);
      kernel[i / (in * 9)][(i / 9) % in][(i / 3) % 3][i % 3] = k[i];
    }
    weight.set(k);
    return kernel;
  }

  /** Fills the bias {@code name.bias} with N(0, std²) values and returns them. */
  static double[] randomBias(Parameters p, String name, Random random, double std) {
    var bias = p.get(name + ".bias");
    float[] b = new float[(int) bias.size()];
    double[] values = new double[b.length];
    for (int o = 0; o < b.length; o++) {
      b[o] = (float) (random.nextGaussian() * std);
      values[o] = b[o];
    }
    bias.set(b);
    return values;
  }

  /** Example {@code e} of a flat (N, channels·H·W) batch as [channel][row][column]. */
  static double[][][] image(float[] x, int e, int channels, int height, int width) {
    double[][][] h = new double[channels][height][width];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < height; i++) {
        for (int j = 0; j < width; j++) {
          h[c][i][j] = x[((e * channels + c) * height + i) * width + j];
        }
      }
    }
    return h;
  }

  /** A 3x3 convolution with the given stride and dilation, zero-padded by the dilation. */
  static double[][][] conv(double[][][] in, double[][][][] k, double[] b, int stride,
      int dilation) {
    int h = in[0].length;
    int w = in[0][0].length;
    int ho = (h - 1) / stride + 1;
    int wo = (w - 1) / stride + 1;
    double[][][] y = new double[k.length][ho][wo];
    for (int o = 0; o < k.length; o++) {
      for (int i = 0; i < ho; i++) {
        for (int j = 0; j < wo; j++) {
          double s = b[o];
          for (int c = 0; c < in.length; c++) {
            for (int u = 0; u < 3; u++) {
              for (int v = 0; v < 3; v++) {
                int ii = i * stride + (u - 1) * dilation;
                int jj = j * stride + (v - 1) * dilation;
                if (ii >= 0 && ii < h && jj >= 0 && jj < w) {
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

  /** a + b, element-wise, into a new image. */
  static double[][][] plus(double[][][] a, double[][][] b) {
    double[][][] y = new double[a.length][a[0].length][a[0][0].length];
    for (int c = 0; c < a.length; c++) {
      for (int i = 0; i < a[c].length; i++) {
        for (int j = 0; j < a[c][i].length; j++) {
          y[c][i][j] = a[c][i][j] + b[c][i][j];
        }
      }
    }
    return y;
  }

  /** x·sigmoid(x), element-wise, in place. */
  static double[][][] swish(double[][][] a) {
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
