package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A small convolutional network from a one-channel image, given flat as (N, H·W), to (N, out):
 * a 3×3 convolution with {@code channels} filters, then two 4×4 convolutions of stride 2 with
 * 2·{@code channels} filters (each halving the resolution, 28 → 14 → 7 for MNIST), a flatten and
 * a linear layer. Activations are swish, x·sigmoid(x) (smooth, so the input gradient Langevin
 * dynamics follows is continuous; Du and Mordatch, 2019, use a similar smooth activation).
 * Weights are Glorot uniform over fan-in and fan-out (k²·channels), biases zero.
 */
public final class StridedConvNet implements Network {
  private final int height;
  private final int width;
  private final NDArray[] kernels; // (out, in, k, k)
  private final NDArray[] biases;
  private final int[] strides = {1, 2, 2};
  private final int[] sizes = {3, 4, 4};
  private final NDArray outputWeight; // (C·h·w, out)
  private final NDArray outputBias;
  private final long multiplyAdds;
  private final long firstLayerMultiplyAdds;

  public StridedConvNet(Parameters parameters, String name, int height, int width,
      int channels, int out) {
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be positive, got " + channels);
    }
    this.height = height;
    this.width = width;
    int[] filters = {channels, 2 * channels, 2 * channels};
    kernels = new NDArray[3];
    biases = new NDArray[3];
    int in = 1;
    int h = height;
    int w = width;
    long macs = 0;
    long first = 0;
    for (int l = 0; l < 3; l++) {
      int k = sizes[l];
      double bound = Math.sqrt(6.0 / (k * k * (in + filters[l])));
      kernels[l] = parameters.uniform(name + ".conv" + l + ".weight", bound, filters[l], in, k, k);
      biases[l] = parameters.zeros(name + ".conv" + l + ".bias", filters[l]);
      h = outputSize(h, k, strides[l]);
      w = outputSize(w, k, strides[l]);
      macs += (long) h * w * filters[l] * in * k * k;
      if (l == 0) {
        first = macs;
      }
      in = filters[l];
    }
    int flat = in * h * w;
    outputWeight = parameters.glorot(name + ".linear.weight", flat, out);
    outputBias = parameters.zeros(name + ".linear.bias", out);
    multiplyAdds = macs + (long) flat * out;
    firstLayerMultiplyAdds = first;
  }

  /** Output size of a convolution with padding 1 (same size for k = 3, s = 1; half for k = 4, s = 2). */
  private static int outputSize(int size, int kernel, int stride) {
    return Math.max(1, (size + 2 - kernel) / stride + 1);
  }

  @Override
  public NDArray forward(NDArray x) {
    long n = x.getShape().get(0);
    NDArray h = x.reshape(n, 1, height, width);
    for (int l = 0; l < 3; l++) {
      h = h.getNDArrayInternal().convolution(h, kernels[l], biases[l],
          new Shape(strides[l], strides[l]), new Shape(1, 1), new Shape(1, 1), 1).head();
      h = TensorMath.swish(h);
    }
    return h.reshape(n, -1).matMul(outputWeight).add(outputBias);
  }

  @Override
  public long multiplyAdds() {
    return multiplyAdds;
  }

  @Override
  public long firstLayerMultiplyAdds() {
    return firstLayerMultiplyAdds;
  }
}
