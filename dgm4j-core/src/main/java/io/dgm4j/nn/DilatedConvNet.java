package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A fully convolutional network from an image of {@code inChannels} channels to an image of
 * {@code outChannels} channels of the same height and width, both given flat in channel-major
 * order: (N, inChannels·H·W) → (N, outChannels·H·W). It keeps
 * the full resolution throughout, so every output pixel can depend on every input pixel near it
 * without a bottleneck, as an image-to-image map such as a score or a denoiser needs.
 *
 * <p>Layers: a 3×3 convolution from the input to {@code channels} maps; then one residual block
 * per entry of {@code dilations}, h ← h + swish(conv3×3, dilation d (h)), whose growing
 * dilations (e.g. 1, 2, 4, 8) widen the receptive field to 1 + 2·(1 + Σd) pixels (37 for 1, 2,
 * 4, 8, 1, 1: all of a 28×28 digit) at the cost of ordinary 3×3 convolutions (Yu and Koltun,
 * 2016); then a 3×3 convolution to the output maps. Padding equals the dilation, so sizes are kept.
 * Activations are swish, x·sigmoid(x) (smooth). Weights are Glorot uniform over fan-in and
 * fan-out (9·channels), biases zero; the last layer starts at zero so the untrained output is 0.
 */
public final class DilatedConvNet implements Network {
  private final int height;
  private final int width;
  private final int inChannels;
  private final int outChannels;
  private final int[] dilations;
  private final NDArray[] kernels; // (out, in, 3, 3): input layer, blocks, output layer
  private final NDArray[] biases;
  private final long multiplyAdds;
  private final long firstLayerMultiplyAdds;

  /**
   * @param height image height
   * @param width image width
   * @param inChannels channels of the input image
   * @param channels feature maps of every hidden layer
   * @param outChannels channels of the output image
   * @param dilations one residual block per entry, with that dilation (each at least 1)
   */
  public DilatedConvNet(Parameters parameters, String name, int height, int width, int inChannels,
      int channels, int outChannels, int[] dilations) {
    if (height < 1 || width < 1 || inChannels < 1 || channels < 1 || outChannels < 1) {
      throw new IllegalArgumentException("sizes and channels must be positive, got " + height
          + "x" + width + ", " + inChannels + " in, " + channels + " channels, " + outChannels
          + " out");
    }
    for (int d : dilations) {
      if (d < 1) {
        throw new IllegalArgumentException("dilations must be at least 1, got " + d);
      }
    }
    this.height = height;
    this.width = width;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.dilations = dilations.clone();
    int layers = dilations.length + 2;
    kernels = new NDArray[layers];
    biases = new NDArray[layers];
    long pixels = (long) height * width;
    for (int l = 0; l < layers; l++) {
      int in = l == 0 ? inChannels : channels;
      int out = l == layers - 1 ? outChannels : channels;
      String layer = name + ".conv" + l;
      kernels[l] = l == layers - 1
          ? parameters.zeros(layer + ".weight", out, in, 3, 3)
          : parameters.uniform(layer + ".weight", Math.sqrt(6.0 / (9 * (in + out))), out, in, 3, 3);
      biases[l] = parameters.zeros(layer + ".bias", out);
    }
    firstLayerMultiplyAdds = pixels * 9 * inChannels * channels;
    multiplyAdds = firstLayerMultiplyAdds + pixels * 9 * channels * channels * dilations.length
        + pixels * 9 * channels * outChannels;
  }

  @Override
  public NDArray forward(NDArray x) {
    long n = x.getShape().get(0);
    NDArray h = TensorMath.swish(convolve(x.reshape(n, inChannels, height, width), 0, 1));
    for (int b = 0; b < dilations.length; b++) {
      h = h.add(TensorMath.swish(convolve(h, b + 1, dilations[b])));
    }
    return convolve(h, kernels.length - 1, 1).reshape(n, (long) outChannels * height * width);
  }

  private NDArray convolve(NDArray h, int layer, int dilation) {
    return h.getNDArrayInternal().convolution(h, kernels[layer], biases[layer], new Shape(1, 1),
        new Shape(dilation, dilation), new Shape(dilation, dilation), 1).head();
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
