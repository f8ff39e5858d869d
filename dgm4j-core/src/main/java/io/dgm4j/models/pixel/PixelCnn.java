package io.dgm4j.models.pixel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.nn.MaskedConv2d;
import io.dgm4j.nn.MaskedConv2d.Type;

/**
 * PixelCNN (van den Oord, Kalchbrenner and Kavukcuoglu, "Pixel Recurrent Neural Networks", ICML
 * 2016, section 3.5): the chain rule over pixels in raster order, every conditional computed at
 * once by a stack of masked convolutions (see {@link PixelModel} for the factorization and the
 * per-sub-pixel distributions).
 *
 * <p><b>Network.</b> With F feature maps and C colour channels:
 * <pre>
 *   h_0     = convA_{k0 x k0}(x) + border                          (C -> F, mask A)
 *   h_{b+1} = h_b + conv1x1_B(relu(convB_{k x k}(relu(h_b))))      (b = 0 .. blocks-1)
 *   logits  = conv1x1_B(relu(conv1x1_B(relu(h_blocks))))           (F -> F -> C*K)
 * </pre>
 * Mask A lets an output see only pixels strictly before it (and, at its own pixel, earlier
 * colours); mask B also its own pixel's features of the same colour group ({@link MaskedConv2d}).
 * The border term tells pixels near the edges where they are ({@link Border}).
 * The residual block here is a simplification of the paper's (2h -> h -> h -> 2h bottleneck):
 * one masked k x k and one 1x1 convolution per block.
 *
 * <p><b>Blind spot.</b> Stacked masked k x k kernels never reach some pixels above and to the
 * right: each layer extends the field by at most one column to the right per row upwards, so
 * with a first kernel of half-width a the output at (r, c) never sees (r - 1, c + a + 1), for any
 * depth (Gated PixelCNN removes this; tests name the missed pixels).
 *
 * <p><b>Fast sampling</b> (after Ramachandran et al., "Fast Generation for Convolutional
 * Autoregressive Models", 2017): every layer's output at (r, c) depends only on sub-pixels
 * before it, so once computed at its turn it is final. The sampler keeps each block's input
 * relu(h_b) in a padded cache and, for each new pixel, computes every layer at that one pixel
 * only, from the k x k window of the cache below: one full network's work per image in total,
 * instead of one full pass per sub-pixel.
 */
public final class PixelCnn extends PixelModel {

  /**
   * Settings.
   *
   * @param levels values per sub-pixel: 2 for binary images (Bernoulli), up to 256 (softmax)
   * @param features F, feature maps per layer (a multiple of the colour channels)
   * @param blocks residual blocks after the first layer
   * @param firstKernel size of the first (mask A) kernel, odd
   * @param kernel size of each block's masked kernel, odd
   */
  public record Config(int levels, int features, int blocks, int firstKernel, int kernel) {
    public Config {
      if (features < 1 || blocks < 0) {
        throw new IllegalArgumentException("pixelcnn: features must be positive and blocks"
            + " non-negative, got features=" + features + ", blocks=" + blocks);
      }
      if (firstKernel < 1 || firstKernel % 2 == 0 || kernel < 1 || kernel % 2 == 0) {
        throw new IllegalArgumentException("pixelcnn: firstKernel and kernel must be odd,"
            + " got firstKernel=" + firstKernel + ", kernel=" + kernel);
      }
    }

    /**
     * The paper's shape: a 7x7 mask-A layer, 15 blocks of 3x3 mask-B convolutions, 128 feature
     * maps (as pytorch-generative's defaults), binary pixels.
     */
    public static Config defaults() {
      return new Config(2, 128, 15, 7, 3);
    }
  }

  private final Config config;
  private final MaskedConv2d first;
  private final MaskedConv2d[] spatial;
  private final MaskedConv2d[] pointwise;
  private final MaskedConv2d head;
  private final MaskedConv2d output;
  private final Border border;

  public PixelCnn(NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, itemShape, config.levels(), seed, "pixelcnn");
    this.config = config;
    int f = config.features();
    if (f % channels != 0) {
      throw new IllegalArgumentException("pixelcnn: features=" + f + " cannot be split into "
          + channels + " colour groups; use a multiple of " + channels + " (--set features="
          + (f / channels + 1) * channels + ")");
    }
    first = new MaskedConv2d(parameters, "first", channels, f, config.firstKernel(),
        config.firstKernel(), Type.A, channels);
    spatial = new MaskedConv2d[config.blocks()];
    pointwise = new MaskedConv2d[config.blocks()];
    for (int b = 0; b < config.blocks(); b++) {
      spatial[b] = new MaskedConv2d(parameters, "block" + b + ".spatial", f, f, config.kernel(),
          config.kernel(), Type.B, channels);
      pointwise[b] = new MaskedConv2d(parameters, "block" + b + ".pointwise", f, f, 1, 1,
          Type.B, channels);
    }
    head = new MaskedConv2d(parameters, "head", f, f, 1, 1, Type.B, channels);
    output = new MaskedConv2d(parameters, "output", f, channels * outputs, 1, 1, Type.B,
        channels);
    border = new Border(parameters, "border", f, config.firstKernel(), height, width);
  }

  @Override
  protected NDArray logits(NDArray image, NDArray labels) {
    NDArray h = first.forward(image).add(border.map(image.getManager())); // (N, F, H, W)
    for (int b = 0; b < spatial.length; b++) {
      h = h.add(pointwise[b].forward(Activation.relu(spatial[b].forward(Activation.relu(h)))));
    }
    NDArray l = output.forward(Activation.relu(head.forward(Activation.relu(h))));
    return l.reshape(image.getShape().get(0), channels, outputs, height, width);
  }

  @Override
  protected Incremental incremental(NDManager m, NDArray image, NDArray labels) {
    return new Cache(m, image);
  }

  /**
   * Per-layer activation caches for the fast sampler (see the class comment), and every layer's
   * masked kernel formed once.
   */
  private final class Cache implements Incremental {
    private final int a = config.firstKernel() / 2;
    private final int k = config.kernel() / 2;
    private final long n;
    private final NDArray input; // (N, C, H + 2a, W + 2a)
    private final NDArray[] blockInput; // relu(h_b): (N, F, H + 2k, W + 2k)
    private final MaskedConv2d.Frozen first1;
    private final MaskedConv2d.Frozen[] spatial1;
    private final MaskedConv2d.Frozen[] pointwise1;
    private final MaskedConv2d.Frozen head1;
    private final MaskedConv2d.Frozen output1;
    private final NDArray borderMap; // (1, F, H, W)

    Cache(NDManager m, NDArray image) {
      first1 = first.freeze(m);
      spatial1 = new MaskedConv2d.Frozen[spatial.length];
      pointwise1 = new MaskedConv2d.Frozen[spatial.length];
      for (int b = 0; b < spatial.length; b++) {
        spatial1[b] = spatial[b].freeze(m);
        pointwise1[b] = pointwise[b].freeze(m);
      }
      head1 = head.freeze(m);
      output1 = output.freeze(m);
      borderMap = border.map(m);
      n = image.getShape().get(0);
      input = image.pad(new Shape(a, a, a, a), 0);
      input.attach(m);
      blockInput = new NDArray[spatial.length];
      for (int b = 0; b < spatial.length; b++) {
        blockInput[b] = m.zeros(new Shape(n, config.features(), height + 2 * k, width + 2 * k));
      }
    }

    @Override
    public NDArray logitsAt(int row, int col, int ch) {
      int w0 = config.firstKernel();
      NDArray h = first1.at(input.get(new NDIndex(":, :, {}:{}, {}:{}", row, row + w0, col,
          col + w0))).add(Border.at(borderMap, row, col)); // (N, F, 1, 1)
      int w = config.kernel();
      for (int b = 0; b < spatial.length; b++) {
        NDArray r = Activation.relu(h);
        blockInput[b].set(new NDIndex(":, :, {}, {}", row + k, col + k),
            r.reshape(n, config.features()));
        NDArray window = blockInput[b].get(new NDIndex(":, :, {}:{}, {}:{}", row, row + w, col,
            col + w));
        h = h.add(pointwise1[b].forward(Activation.relu(spatial1[b].at(window))));
      }
      NDArray l = output1.forward(Activation.relu(head1.forward(Activation.relu(h))));
      return l.reshape(n, channels, outputs).get(new NDIndex(":, {}, :", ch));
    }

    @Override
    public void write(int row, int col, int ch, NDArray value) {
      input.set(new NDIndex(":, {}, {}, {}", ch, row + a, col + a), value);
    }
  }

  @Override
  public long parameterCount() {
    long count = first.freeParameters() + border.freeParameters() + head.freeParameters()
        + output.freeParameters();
    for (int b = 0; b < spatial.length; b++) {
      count += spatial[b].freeParameters() + pointwise[b].freeParameters();
    }
    return count;
  }

  @Override
  public String family() {
    return "pixelcnn";
  }

  @Override
  public Config config() {
    return config;
  }
}
