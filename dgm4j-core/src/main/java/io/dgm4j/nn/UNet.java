package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * A small U-Net (Ronneberger et al., 2015) from an image of {@code inChannels} channels to a
 * one-channel image of the same height and width, both given flat: (N, inChannels·H·W) → (N, H·W),
 * as an image-to-image map such as a score or a denoiser needs. It sees the whole image at a
 * fraction of a full-resolution network's cost: two stride-2 convolutions take the maps down to a
 * quarter of the height and width, where a 3×3 kernel spans a third of a 28×28 digit, and the way
 * back up concatenates the maps of the same resolution from the way down, so fine detail need
 * not pass through the coarse levels.
 *
 * <p>With c = {@code channels}, every convolution 3×3 with padding 1, swish activations
 * x·sigmoid(x), and res(h) = h + swish(conv(h)):
 * <pre>
 *   e0 = res(swish(conv(x)))                        c maps,  H × W
 *   e1 = res(swish(conv stride 2 (e0)))             2c maps, H/2 × W/2
 *   e2 = res(res(swish(conv stride 2 (e1))))        4c maps, H/4 × W/4
 *   d1 = res(swish(conv([swish(conv(up(e2))), e1])))   2c maps, H/2 × W/2
 *   d0 = res(swish(conv([swish(conv(up(d1))), e0])))   c maps,  H × W
 *   y  = conv(d0)                                   1 map
 * </pre>
 * where up is nearest-neighbour upsampling by 2 and [a, b] joins maps. H and W must be divisible
 * by 4. Weights are Glorot uniform over fan-in and fan-out (9·maps), biases zero; the last layer
 * starts at zero so the untrained output is 0.
 */
public final class UNet implements Network {
  /** The convolutions in order: name, input maps and output maps in units of c (0: the input). */
  private static final String[] NAMES = {"in", "res0", "down1", "res1", "down2", "res2",
      "mid", "up1", "merge1", "resUp1", "up0", "merge0", "resUp0", "out"};

  private final int height;
  private final int width;
  private final int inChannels;
  private final NDArray[] kernels;
  private final NDArray[] biases;
  private final long multiplyAdds;
  private final long firstLayerMultiplyAdds;

  /**
   * @param height image height, divisible by 4
   * @param width image width, divisible by 4
   * @param inChannels channels of the input image
   * @param channels c, the feature maps at full resolution (2c and 4c below)
   */
  public UNet(Parameters parameters, String name, int height, int width, int inChannels,
      int channels) {
    if (height < 4 || width < 4 || height % 4 != 0 || width % 4 != 0) {
      throw new IllegalArgumentException("a U-Net needs height and width divisible by 4, got "
          + height + "x" + width);
    }
    if (inChannels < 1 || channels < 1) {
      throw new IllegalArgumentException("channels must be positive, got " + inChannels
          + " in, " + channels + " channels");
    }
    this.height = height;
    this.width = width;
    this.inChannels = inChannels;
    int c = channels;
    // input maps, output maps and the pixels of the output of each convolution, as in NAMES
    int[][] io = {{inChannels, c}, {c, c}, {c, 2 * c}, {2 * c, 2 * c}, {2 * c, 4 * c},
        {4 * c, 4 * c}, {4 * c, 4 * c}, {4 * c, 2 * c}, {4 * c, 2 * c}, {2 * c, 2 * c},
        {2 * c, c}, {2 * c, c}, {c, c}, {c, 1}};
    int[] scale = {1, 1, 2, 2, 4, 4, 4, 2, 2, 2, 1, 1, 1, 1};
    kernels = new NDArray[NAMES.length];
    biases = new NDArray[NAMES.length];
    long total = 0;
    for (int l = 0; l < NAMES.length; l++) {
      int in = io[l][0];
      int out = io[l][1];
      String layer = name + "." + NAMES[l];
      kernels[l] = l == NAMES.length - 1
          ? parameters.zeros(layer + ".weight", out, in, 3, 3)
          : parameters.uniform(layer + ".weight", Math.sqrt(6.0 / (9 * (in + out))), out, in, 3, 3);
      biases[l] = parameters.zeros(layer + ".bias", out);
      total += (long) (height / scale[l]) * (width / scale[l]) * 9 * in * out;
    }
    multiplyAdds = total;
    firstLayerMultiplyAdds = (long) height * width * 9 * inChannels * c;
  }

  @Override
  public NDArray forward(NDArray x) {
    long n = x.getShape().get(0);
    NDArray e0 = residual(act(conv(x.reshape(n, inChannels, height, width), 0, 1)), 1);
    NDArray e1 = residual(act(conv(e0, 2, 2)), 3);
    NDArray e2 = residual(residual(act(conv(e1, 4, 2)), 5), 6);
    NDArray d1 = residual(act(conv(join(act(conv(upsample(e2), 7, 1)), e1), 8, 1)), 9);
    NDArray d0 = residual(act(conv(join(act(conv(upsample(d1), 10, 1)), e0), 11, 1)), 12);
    return conv(d0, 13, 1).reshape(n, (long) height * width);
  }

  private NDArray residual(NDArray h, int layer) {
    return h.add(act(conv(h, layer, 1)));
  }

  private static NDArray act(NDArray h) {
    return TensorMath.swish(h);
  }

  private static NDArray upsample(NDArray h) {
    return h.repeat(2, 2).repeat(3, 2);
  }

  private static NDArray join(NDArray a, NDArray b) {
    return TensorMath.concat(new NDList(a, b), 1);
  }

  private NDArray conv(NDArray h, int layer, int stride) {
    return h.getNDArrayInternal().convolution(h, kernels[layer], biases[layer],
        new Shape(stride, stride), new Shape(1, 1), new Shape(1, 1), 1).head();
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
