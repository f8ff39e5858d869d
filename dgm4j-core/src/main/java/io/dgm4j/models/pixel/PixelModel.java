package io.dgm4j.models.pixel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.distributions.Bernoulli;
import io.dgm4j.distributions.Categorical;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.AbstractDensityModel;
import io.dgm4j.models.AutoregressiveModel;
import io.dgm4j.models.Support;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the image autoregressive models (PixelCNN, Gated PixelCNN, Row LSTM, Diagonal BiLSTM)
 * share: the raster ordering of an H x W x C image, the per-sub-pixel distributions, and the two
 * samplers.
 *
 * <p><b>Factorization.</b> p(x) = prod_{i in raster order} prod_{c = 1..C} p(x_{i,c} | x_{<i},
 * x_{i,<c}): pixels left to right, top to bottom; within a pixel R, then G given R, then B given R
 * and G (van den Oord et al., "Pixel Recurrent Neural Networks", 2016, eq. 1-2). With
 * {@code levels = 2} each sub-pixel is a Bernoulli (one logit; binary images); with more levels
 * it is a {@code levels}-way softmax (256 for 8-bit pixels). The flat layout of an example is
 * channel-last (H, W, C), so the raster ordering is simply 0..D-1.
 *
 * <p><b>Item shapes.</b> (H, W, C), (H, W) = (H, W, 1), or a flat (D) read as one row (1, D).
 *
 * <p><b>Network input.</b> x / (levels - 1): 0/1 for binary images, [0, 1] for 8-bit ones.
 *
 * <p><b>Where the edges are.</b> The layers share their weights across positions and pad with
 * zeros, so a pixel of value 0 looks like the padding beyond the edge. Every subclass adds the
 * {@link Border} term to its first layer, which tells pixels near an edge where they are (without
 * it, on a 1 x 3 image, pixel 2 given (x0, x1) = (0, v) had to get the distribution of pixel 1
 * given x0 = v).
 *
 * <p><b>Samplers.</b> Both draw every sub-pixel from one array of uniforms u (N, D) drawn up front
 * from the engine's generator, by inversion (x = 1 if u < sigmoid(l); for a softmax, the first
 * level whose cumulative probability exceeds u), so that the same seed gives the same samples
 * whichever sampler runs. {@code naive} runs the whole network once per sub-pixel (D passes,
 * the reference); {@code fast} asks the subclass's {@link Incremental} state, which reuses
 * earlier work (cached activations for the convolutional models, carried state for the LSTMs).
 */
public abstract class PixelModel extends AbstractDensityModel implements AutoregressiveModel {

  /** The fast incremental sampler, the default. */
  public static final String FAST = "fast";
  /** The reference sampler: one full pass per sub-pixel. */
  public static final String NAIVE = "naive";

  protected final int height;
  protected final int width;
  protected final int channels;
  protected final int levels;
  /** Outputs per sub-pixel: 1 Bernoulli logit when levels = 2, else {@code levels} logits. */
  protected final int outputs;

  protected PixelModel(NDManager manager, int[] itemShape, int levels, long seed,
      String family) {
    super(manager, io.dgm4j.models.ModelRegistry.product(itemShape), seed);
    int[] hwc = imageShape(itemShape, family);
    this.height = hwc[0];
    this.width = hwc[1];
    this.channels = hwc[2];
    if (levels < 2 || levels > 256) {
      throw new IllegalArgumentException(family + ": levels must be 2 (binary pixels) to 256"
          + " (8-bit pixels), got levels=" + levels);
    }
    this.levels = levels;
    this.outputs = levels == 2 ? 1 : levels;
  }

  /** (H, W, C) for an item shape (H, W, C), (H, W) or (D); see the class comment. */
  static int[] imageShape(int[] itemShape, String family) {
    return switch (itemShape.length) {
      case 1 -> new int[] {1, itemShape[0], 1};
      case 2 -> new int[] {itemShape[0], itemShape[1], 1};
      case 3 -> itemShape.clone();
      default -> throw new IllegalArgumentException(family + " models images of shape (H, W) or"
          + " (H, W, C); the data has items of shape " + Arrays.toString(itemShape));
    };
  }

  /**
   * All conditional logits in one pass.
   *
   * @param image shape (N, C, H, W), values x / (levels - 1)
   * @param labels shape (N) int32 class labels for conditional models, otherwise null
   * @return shape (N, C, K, H, W) with K = {@link #outputs}: the logits of sub-pixel (h, w, c)
   *     depend only on sub-pixels before it in the raster/channel ordering
   */
  protected abstract NDArray logits(NDArray image, NDArray labels);

  /**
   * Fresh state for the fast sampler over {@code image} (N, C, H, W), whose values before the
   * first sub-pixel asked for are final. Arrays it creates belong to {@code m}.
   */
  protected abstract Incremental incremental(NDManager m, NDArray image, NDArray labels);

  /** The fast sampler's state, asked for sub-pixels strictly in raster/channel order. */
  protected interface Incremental {
    /**
     * The logits of sub-pixel (row, col, ch), every earlier sub-pixel having been written.
     *
     * @return shape (N, K)
     */
    NDArray logitsAt(int row, int col, int ch);

    /** Records sub-pixel (row, col, ch): {@code value} shape (N), already divided by L - 1. */
    void write(int row, int col, int ch, NDArray value);
  }

  /** The image (N, C, H, W) of flat examples (N, D), divided by levels - 1. */
  protected NDArray encode(NDArray x) {
    long n = x.getShape().get(0);
    NDArray image = x.reshape(n, height, width, channels).transpose(0, 3, 1, 2);
    return Scalars.dividedBy(image, levels - 1);
  }

  @Override
  public NDArray logProb(NDArray x) {
    return logProb(x, null);
  }

  /** log p(x | labels) in nats (labels null for unconditional models), shape (N). */
  protected NDArray logProb(NDArray x, NDArray labels) {
    return subPixelLogProb(conditionalLogits(x, labels), x).sum(new int[] {1});
  }

  /**
   * Every sub-pixel's conditional logits in flat (channel-last) order.
   *
   * @param x shape (N, D)
   * @return shape (N, D, K)
   */
  public NDArray conditionalLogits(NDArray x, NDArray labels) {
    long n = x.getShape().get(0);
    NDArray l = logits(encode(x), labels); // (N, C, K, H, W)
    return l.transpose(0, 3, 4, 1, 2).reshape(n, dimension, outputs);
  }

  /** log p(x_d | x_{<d}) from logits (N, D, K) for values x (N, D), shape (N, D). */
  protected NDArray subPixelLogProb(NDArray logits, NDArray x) {
    if (outputs == 1) {
      return Bernoulli.logProb(logits.squeeze(2), x);
    }
    return Categorical.logProb(logits, x.toType(DataType.INT64, false));
  }

  @Override
  public Support support() {
    return levels == 2 ? Support.BINARY : Support.BYTE;
  }

  /** The raster ordering: the flat channel-last layout is already in generation order. */
  @Override
  public int[] ordering() {
    int[] o = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      o[i] = i;
    }
    return o;
  }

  @Override
  public List<String> samplers() {
    return List.of(FAST, NAIVE);
  }

  @Override
  public NDArray sample(NDManager out, int n) {
    return draw(out, n, null, FAST);
  }

  @Override
  public Samples sample(NDManager out, int n, SamplingOptions options) {
    options.requireOneOf(samplers());
    return new Samples(draw(out, n, null, options.samplerOr(samplers()), options.progress()),
        Map.of());
  }

  /** n samples given labels (or null), with the named sampler. */
  protected NDArray draw(NDManager out, int n, NDArray labels, String sampler) {
    return draw(out, n, labels, sampler, Progress.NONE);
  }

  /** As {@link #draw(NDManager, int, NDArray, String)}, telling {@code progress} each row. */
  private NDArray draw(NDManager out, int n, NDArray labels, String sampler, Progress progress) {
    NDArray zeros = out.zeros(new Shape(n, dimension));
    NDArray uniforms = out.randomUniform(0f, 1f, new Shape(n, dimension));
    return fill(zeros, new float[n * dimension], labels, uniforms, sampler.equals(FAST), progress)
        .values();
  }

  /**
   * Draws the unobserved sub-pixels in raster order with the fast sampler, each from p(x_d |
   * everything before d): exact when the observed ones come first (e.g. the top rows).
   */
  @Override
  public NDArray chainRuleComplete(NDArray x, NDArray observed) {
    return chainRuleComplete(x, observed, null);
  }

  /** {@link #chainRuleComplete(NDArray, NDArray)} given labels (null for unconditional models). */
  protected NDArray chainRuleComplete(NDArray x, NDArray observed, NDArray labels) {
    int n = (int) x.getShape().get(0);
    NDArray keep = observed.getShape().dimension() == 1
        ? observed.reshape(1, dimension).broadcast(x.getShape()) : observed;
    NDArray uniforms = x.getManager().randomUniform(0f, 1f, new Shape(n, dimension));
    return fill(x, keep.toType(DataType.FLOAT32, false).toFloatArray(), labels, uniforms, true)
        .values();
  }

  /** Values (N, D) and the logits every sub-pixel was drawn from, (N, D, K) flat. */
  record Draw(NDArray values, float[] logits) {}

  /**
   * Draws every sub-pixel where keep is 0 in raster/channel order, keeping x where keep is 1.
   * Both samplers ask for every sub-pixel's logits (the fast one must see every position to keep
   * its state), so a draw is a pure function of the logits and u.
   */
  Draw fill(NDArray x, float[] keep, NDArray labels, NDArray uniforms, boolean fast) {
    return fill(x, keep, labels, uniforms, fast, Progress.NONE);
  }

  /** {@link #fill}, telling {@code progress} the sub-pixels done after each row. */
  private Draw fill(NDArray x, float[] keep, NDArray labels, NDArray uniforms, boolean fast,
      Progress progress) {
    return fast ? Engines.withThreads(1, () -> fillOnEngineThreads(x, keep, labels, uniforms,
        true, progress)) : fillOnEngineThreads(x, keep, labels, uniforms, false, progress);
  }

  /**
   * {@link #fill} on the engine's current threads. The fast sampler runs on one: its per-pixel
   * products (N x a few hundred by a few hundred) are too small to split, and splitting them
   * made the first call slower. Measured idle, the paper's bottleneck PixelCNN at 256 maps,
   * 2026-11-22: 4 samples took 2.33 s on the first call with 2 threads against 1.10 s with 1
   * (0.95 s both, warm); 64 samples 4.82 against 4.09 s (3.80 and 3.94 s, warm). At the other
   * families' defaults, 4 samples, first and second call, 2 threads then 1 (same run, other
   * processes paused): Row LSTM 2.95/2.01 s then 1.54/1.37 s, Diagonal BiLSTM 5.26/4.03 then
   * 3.37/2.85 s, Gated PixelCNN 9.04/8.44 then 9.55/8.95 s (6% slower, the one loss). The naive
   * sampler's full passes keep every thread ({@link Engines#withThreads} restores the count).
   */
  private Draw fillOnEngineThreads(NDArray x, float[] keep, NDArray labels, NDArray uniforms,
      boolean fast, Progress progress) {
    NDManager out = x.getManager();
    int n = (int) x.getShape().get(0);
    float[] values = x.toType(DataType.FLOAT32, false).toFloatArray();
    float[] u = uniforms.toFloatArray();
    float[] recorded = new float[n * dimension * outputs];
    for (int i = 0; i < values.length; i++) {
      if (keep[i] == 0f) {
        values[i] = 0f;
      }
    }
    try (NDManager m = out.newSubManager()) {
      NDArray image = encode(SharedMemory.tensor(m, values, new Shape(n, dimension)));
      NDArray lab = labels == null ? null : labels.duplicate();
      if (lab != null) {
        lab.attach(m);
      }
      Incremental state = fast ? incremental(m, image, lab) : null;
      float[] column = new float[n];
      for (int r = 0; r < height; r++) {
        for (int c = 0; c < width; c++) {
          for (int ch = 0; ch < channels; ch++) {
            int d = (r * width + c) * channels + ch;
            try (NDScope scope = new NDScope()) {
              float[] l = (fast ? state.logitsAt(r, c, ch)
                  : logits(image, lab).get(new NDIndex(":, {}, :, {}, {}", ch, r, c)))
                  .toFloatArray(); // (N, K)
              for (int i = 0; i < n; i++) {
                System.arraycopy(l, i * outputs, recorded, (i * dimension + d) * outputs,
                    outputs);
                int at = i * dimension + d;
                if (keep[at] == 0f) {
                  values[at] = drawOne(l, i * outputs, u[at]);
                }
                column[i] = values[at] / (levels - 1f);
              }
              NDArray value = m.create(column);
              if (fast) {
                state.write(r, c, ch, value);
              } else {
                image.set(new NDIndex(":, {}, {}, {}", ch, r, c), value);
              }
            }
          }
        }
        progress.advanced((long) (r + 1) * width * channels, dimension);
      }
    }
    return new Draw(out.create(values, new Shape(n, dimension)), recorded);
  }

  /** The value drawn by inversion of uniform u from the K logits at {@code l[from..]}. */
  private float drawOne(float[] l, int from, float u) {
    if (outputs == 1) {
      return u < 1.0 / (1.0 + Math.exp(-l[from])) ? 1f : 0f;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < outputs; k++) {
      max = Math.max(max, l[from + k]);
    }
    double total = 0;
    for (int k = 0; k < outputs; k++) {
      total += Math.exp(l[from + k] - max);
    }
    double cumulative = 0;
    for (int k = 0; k < outputs - 1; k++) {
      cumulative += Math.exp(l[from + k] - max) / total;
      if (u < cumulative) {
        return k;
      }
    }
    return outputs - 1;
  }

  /** (height, width, channels) of the modelled images. */
  public int[] imageShape() {
    return new int[] {height, width, channels};
  }

  /** The number of values per sub-pixel (2 = binary). */
  public int levels() {
    return levels;
  }
}
