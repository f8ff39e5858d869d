package io.dgm4j.models.pixel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.nn.MaskedConv2d;
import io.dgm4j.nn.Parameters;

/**
 * Where the image's edges are, as a term the first layer of an image model adds to its
 * pre-activations: a k x k convolution, every tap kept, of the all-ones H x W map zero-padded
 * like the data (the extra input channel of ones in Salimans, Karpathy, Chen and Kingma,
 * "PixelCNN++", ICLR 2017, there to "distinguish image from padding").
 *
 * <p><b>Why.</b> The models share their weights across positions and pad with zeros, so without
 * it a pixel of value 0 looks exactly like the padding beyond the edge: the conditional of the
 * first pixel is tied to the conditional after a run of zeros, and on a 1 x 3 image the
 * conditional of pixel 2 given (x0, x1) = (0, v) to that of pixel 1 given x0 = v (the tests'
 * three-bit Markov chain, whose two transitions differ, was out of reach: KL 0.17 nats at best).
 * With the term, every pixel within k/2 of an edge knows which edges are how near.
 *
 * <p><b>Causality.</b> The map holds no data (the same for every image), so seeing every tap,
 * below and right included, reveals only the position. <b>Initialisation.</b> Random like any
 * kernel: it also moves the first layer's pre-activations off the ReLU kink at 0 where zero
 * biases and all-zero binary neighbourhoods put them (units there get no gradient).
 * <b>Old checkpoints.</b> Its weights are {@linkplain Parameters#addedLater added later}: a
 * checkpoint written before the term existed loads with it at zero and scores exactly as
 * before.
 */
final class Border {
  private final MaskedConv2d conv;
  private final int height;
  private final int width;

  Border(Parameters parameters, String name, int out, int kernel, int height, int width) {
    this.conv = MaskedConv2d.addedLater(parameters, name, 1, out, kernel, kernel,
        MaskedConv2d.Type.FULL, 1);
    this.height = height;
    this.width = width;
  }

  /** The term at every pixel, shape (1, out, H, W), in {@code m}. */
  NDArray map(NDManager m) {
    return conv.forward(m.ones(new Shape(1, 1, height, width)));
  }

  /** The term at pixel (row, col) of a {@link #map}: shape (1, out, 1, 1). */
  static NDArray at(NDArray map, int row, int col) {
    return map.get(new NDIndex(":, :, {}:{}, {}:{}", row, row + 1, col, col + 1));
  }

  /** Weights and biases. */
  long freeParameters() {
    return conv.freeParameters();
  }
}
