package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolutional encoder of one-channel images seen as flat vectors (..., H·W): convolutions
 * of 4×4 kernels with stride 2 and padding 1 (each halves the height and width), ReLU after
 * each, then a fully connected {@link Mlp} from the flattened feature maps through {@code hidden}
 * to {@code out}. Kernels Glorot-uniform over fan-in k·k·C_in and fan-out k·k·C_out, biases zero.
 */
public final class ConvEncoder implements Network {
  static final int KERNEL = 4;

  private final int height;
  private final int width;
  private final List<NDArray> kernels = new ArrayList<>();
  private final List<NDArray> biases = new ArrayList<>();
  private final Mlp head;
  private final long convMultiplyAdds;
  private final long firstConvMultiplyAdds;

  /**
   * @param imageShape (H, W); each must stay even through {@code channels.size()} halvings
   * @param channels feature maps of each convolution, e.g. [32, 64]
   */
  public ConvEncoder(Parameters parameters, String name, int[] imageShape, List<Integer> channels,
      List<Integer> hidden, int out, String activation) {
    int[] hw = requireImage(imageShape, channels.size());
    height = hw[0];
    width = hw[1];
    int in = 1;
    int h = height;
    int w = width;
    long macs = 0;
    long first = 0;
    for (int l = 0; l < channels.size(); l++) {
      int c = channels.get(l);
      kernels.add(parameters.uniform(name + ".conv" + l,
          Math.sqrt(6.0 / (KERNEL * KERNEL * (in + c))), c, in, KERNEL, KERNEL));
      biases.add(parameters.zeros(name + ".convBias" + l, c));
      h /= 2;
      w /= 2;
      macs += (long) h * w * c * in * KERNEL * KERNEL;
      if (l == 0) {
        first = macs;
      }
      in = c;
    }
    convMultiplyAdds = macs;
    firstConvMultiplyAdds = first;
    List<Integer> sizes = new ArrayList<>();
    sizes.add(in * h * w);
    sizes.addAll(hidden);
    sizes.add(out);
    head = new Mlp(parameters, name + ".dense", sizes, activation);
  }

  /** (H, W) of an image shape, refusing shapes the stride-2 layers cannot halve evenly. */
  static int[] requireImage(int[] imageShape, int halvings) {
    if (imageShape.length != 2) {
      throw new IllegalArgumentException("network=conv needs images (height, width); the data"
          + " has items of shape " + java.util.Arrays.toString(imageShape));
    }
    int f = 1 << halvings;
    if (imageShape[0] % f != 0 || imageShape[1] % f != 0) {
      throw new IllegalArgumentException("network=conv with " + halvings + " stride-2 layers"
          + " needs height and width divisible by " + f + ", got "
          + imageShape[0] + "x" + imageShape[1] + "; use fewer channels entries");
    }
    return imageShape;
  }

  @Override
  public NDArray forward(NDArray x) {
    Shape lead = x.getShape().slice(0, x.getShape().dimension() - 1);
    NDArray h = x.reshape(new Shape(lead.size(), 1, height, width));
    Shape stride = new Shape(2, 2);
    Shape padding = new Shape(1, 1);
    Shape dilation = new Shape(1, 1);
    for (int l = 0; l < kernels.size(); l++) {
      h = Activation.relu(Conv2d.conv2d(h, kernels.get(l), biases.get(l), stride, padding,
          dilation).singletonOrThrow());
    }
    NDArray out = head.forward(h.reshape(new Shape(lead.size(), -1)));
    return out.reshape(lead.addAll(new Shape(out.getShape().get(1))));
  }

  @Override
  public long multiplyAdds() {
    return convMultiplyAdds + head.multiplyAdds();
  }

  @Override
  public long firstLayerMultiplyAdds() {
    return kernels.isEmpty() ? head.firstLayerMultiplyAdds() : firstConvMultiplyAdds;
  }
}
