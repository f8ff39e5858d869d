package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import java.util.ArrayList;
import java.util.List;

/**
 * The mirror of {@link ConvEncoder}: a fully connected {@link Mlp} from (..., in) through
 * {@code hidden} to feature maps of C_last channels at (H / 2^n, W / 2^n), ReLU, then n
 * resize-convolutions (nearest-neighbour upsampling by 2, then a 3×3 convolution with padding 1;
 * Odena, Dumoulin and Olah, 2016: the upsampling a transposed convolution does, without its
 * checkerboard artefacts; the engine also offers no transposed convolution) down the channel
 * list to {@code outChannels} maps of H × W, returned flat as (..., outChannels·H·W) with channel
 * p in the p-th block of H·W values.
 */
public final class ConvDecoder implements Network {
  private static final int KERNEL = 3;

  private final int height;
  private final int width;
  private final int[] channels; // feature maps from the dense layer down to the output
  private final List<NDArray> kernels = new ArrayList<>();
  private final List<NDArray> biases = new ArrayList<>();
  private final Mlp head;
  private final long convMultiplyAdds;

  /**
   * @param channels the encoder's channel list (the decoder runs it backwards)
   * @param outChannels numbers per pixel of the output distribution
   */
  public ConvDecoder(Parameters parameters, String name, int in, List<Integer> hidden,
      List<Integer> channels, int[] imageShape, int outChannels, String activation) {
    int[] hw = ConvEncoder.requireImage(imageShape, channels.size());
    height = hw[0];
    width = hw[1];
    int n = channels.size();
    this.channels = new int[n + 1];
    for (int l = 0; l < n; l++) {
      this.channels[l] = channels.get(n - 1 - l);
    }
    this.channels[n] = outChannels;
    int h = height >> n;
    int w = width >> n;
    List<Integer> sizes = new ArrayList<>();
    sizes.add(in);
    sizes.addAll(hidden);
    sizes.add(this.channels[0] * h * w);
    head = new Mlp(parameters, name + ".dense", sizes, activation);
    long macs = 0;
    for (int l = 0; l < n; l++) {
      int cin = this.channels[l];
      int cout = this.channels[l + 1];
      kernels.add(parameters.uniform(name + ".conv" + l, Math.sqrt(6.0
          / (KERNEL * KERNEL * (cin + cout))), cout, cin, KERNEL, KERNEL));
      biases.add(parameters.zeros(name + ".convBias" + l, cout));
      h *= 2;
      w *= 2;
      macs += (long) h * w * cin * cout * KERNEL * KERNEL;
    }
    convMultiplyAdds = macs;
  }

  @Override
  public NDArray forward(NDArray z) {
    Shape lead = z.getShape().slice(0, z.getShape().dimension() - 1);
    int n = kernels.size();
    NDArray h = Activation.relu(head.forward(z.reshape(new Shape(lead.size(), -1))))
        .reshape(new Shape(lead.size(), channels[0], height >> n, width >> n));
    Shape stride = new Shape(1, 1);
    Shape padding = new Shape(1, 1);
    Shape dilation = new Shape(1, 1);
    for (int l = 0; l < n; l++) {
      h = h.repeat(2, 2).repeat(3, 2); // nearest-neighbour upsampling of height and width
      h = Conv2d.conv2d(h, kernels.get(l), biases.get(l), stride, padding, dilation)
          .singletonOrThrow();
      if (l < n - 1) {
        h = Activation.relu(h);
      }
    }
    return h.reshape(lead.addAll(new Shape((long) channels[n] * height * width)));
  }

  @Override
  public long multiplyAdds() {
    return convMultiplyAdds + head.multiplyAdds();
  }

  @Override
  public long firstLayerMultiplyAdds() {
    return head.firstLayerMultiplyAdds(); // the dense layers come first, from z
  }
}
