package io.dgm4j.models.pixel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.models.Batch;
import io.dgm4j.models.Conditional;
import io.dgm4j.nn.MaskedConv2d;
import io.dgm4j.nn.MaskedConv2d.Type;
import io.dgm4j.nn.TensorMath;

/**
 * Gated PixelCNN (van den Oord, Kalchbrenner, Vinyals, Espeholt, Graves and Kavukcuoglu,
 * "Conditional Image Generation with PixelCNN Decoders", NeurIPS 2016): PixelCNN without the blind
 * spot, with gated units and an optional class label. Factorization and outputs as in
 * {@link PixelModel}.
 *
 * <p><b>Two stacks.</b> The vertical stack v sees the rows above and the current row (a k x k
 * kernel with the rows below the centre masked); its pre-activation is shifted down one row
 * before it feeds the horizontal stack h, which sees the current row left of (and, from layer 2,
 * at) the pixel through a 1 x k kernel. Together they cover every earlier pixel: no blind spot.
 * Per layer l, with F features and the gate split in two halves a, b:
 * <pre>
 *   vc      = conv_vertical(v_l)                           v_{l+1} = tanh(a(vc) + e_v[y]) * sigmoid(b(vc) + e_v'[y])
 *   hc      = conv_{1 x k}(h_l) + conv1x1(shiftDown(vc))   g = tanh(a(hc) + e_h[y]) * sigmoid(b(hc) + e_h'[y])
 *             (+ the {@link Border} term at l = 0: where the image's edges are)
 *   h_{l+1} = conv1x1(g) + h_l  (no residual at l = 0)
 *   logits  = conv1x1(relu(conv1x1(relu(h_L))))
 * </pre>
 * The horizontal kernel is mask A at l = 0 and mask B after, with R -> G -> B channel groups
 * ({@link MaskedConv2d}); the vertical stack only reaches the horizontal one through rows above,
 * so it needs no channel mask. With {@code conditional=true} a learned embedding of the class label
 * y (one vector per layer and stack) is added inside the gates; the model then implements
 * {@link Conditional}, trains on p(x | y), and its {@link #logProb} is the exact marginal
 * log (1/K) sum_y p(x | y) under a uniform label prior.
 *
 * <p><b>Fast sampling.</b> The horizontal stack at (r, c) needs only the current row's earlier
 * outputs and the vertical stack's row r - 1: the sampler computes every horizontal layer at one
 * pixel per step, and the vertical stack one whole row at a time after the row's last pixel is
 * drawn. Total work: about one full network pass per image.
 */
public class GatedPixelCnn extends PixelModel {

  /**
   * Settings.
   *
   * @param levels values per sub-pixel: 2 for binary images (Bernoulli), up to 256 (softmax)
   * @param features F, gated features per layer (a multiple of the colour channels)
   * @param layers gated layers
   * @param kernel size of the vertical (k x k) and horizontal (1 x k) kernels, odd
   * @param conditional whether the model takes a class label (p(x | y))
   * @param classes number of class labels when conditional
   */
  public record Config(int levels, int features, int layers, int kernel, boolean conditional,
      int classes) {
    public Config {
      if (features < 1 || layers < 1 || kernel < 1 || kernel % 2 == 0 || classes < 1) {
        throw new IllegalArgumentException("gated-pixelcnn: features, layers and classes must be"
            + " positive and kernel odd, got features=" + features + ", layers=" + layers
            + ", kernel=" + kernel + ", classes=" + classes);
      }
    }

    /** The paper's kernel size (5 here, as their released models use) with 128 features. */
    public static Config defaults() {
      return new Config(2, 128, 15, 5, false, 10);
    }
  }

  /** The class-conditional model, p(x | y), built when {@code conditional=true}. */
  public static final class Labelled extends GatedPixelCnn implements Conditional {
    Labelled(NDManager manager, int[] itemShape, Config config, long seed) {
      super(manager, itemShape, config, seed);
    }

    @Override
    public int classes() {
      return config().classes();
    }

    @Override
    public NDArray sampleGiven(NDManager out, NDArray labels) {
      return draw(out, (int) labels.getShape().get(0), labels, FAST);
    }

    /** Trains p(x | y) on the batch's labels. */
    @Override
    public NDArray trainingLogProb(Batch batch, long step) {
      return logProb(batch.x(), batch.requireLabels("gated-pixelcnn with conditional=true"));
    }

    /** The marginal log p(x) = log (1/K) sum_y p(x | y), K passes. */
    @Override
    public NDArray logProb(NDArray x) {
      int n = (int) x.getShape().get(0);
      NDManager m = x.getManager();
      NDArray[] perClass = new NDArray[classes()];
      for (int y = 0; y < classes(); y++) {
        int[] labels = new int[n];
        java.util.Arrays.fill(labels, y);
        perClass[y] = logProb(x, m.create(labels));
      }
      return TensorMath.logMeanExp(
          ai.djl.ndarray.NDArrays.stack(new ai.djl.ndarray.NDList(perClass), 1), 1);
    }

    /**
     * Completes without a label: draws y from p(y | x_observed) ∝ p(x_observed | y) (the product
     * of the observed sub-pixels' conditionals, exact when they precede the rest), then the rest
     * from p(x | y).
     */
    @Override
    public NDArray chainRuleComplete(NDArray x, NDArray observed) {
      int n = (int) x.getShape().get(0);
      try (NDManager m = x.getManager().newSubManager()) {
        NDArray keep = (observed.getShape().dimension() == 1
            ? observed.reshape(1, dimension).broadcast(x.getShape()) : observed)
            .toType(DataType.FLOAT32, false);
        NDArray[] perClass = new NDArray[classes()];
        for (int y = 0; y < classes(); y++) {
          int[] labels = new int[n];
          java.util.Arrays.fill(labels, y);
          NDArray lp = subPixelLogProb(conditionalLogits(x, m.create(labels)), x); // (N, D)
          perClass[y] = lp.mul(keep).sum(new int[] {1});
        }
        NDArray logPosterior = ai.djl.ndarray.NDArrays.stack(
            new ai.djl.ndarray.NDList(perClass), 1); // (N, K)
        NDArray y = io.dgm4j.distributions.Categorical.sample(logPosterior)
            .toType(DataType.INT32, false);
        NDArray result = chainRuleComplete(x, observed, y);
        result.attach(x.getManager());
        return result;
      }
    }

    /** Draws from the marginal: a uniform label per sample, then x ~ p(x | y). */
    @Override
    protected NDArray draw(NDManager out, int n, NDArray labels, String sampler) {
      NDArray y = labels != null ? labels : out.randomInteger(0, classes(), new Shape(n),
          DataType.INT32);
      return super.draw(out, n, y, sampler);
    }
  }

  /** Builds the unconditional model, or {@link Labelled} when {@code conditional=true}. */
  public static GatedPixelCnn create(NDManager manager, int[] itemShape, Config config,
      long seed) {
    return config.conditional() ? new Labelled(manager, itemShape, config, seed)
        : new GatedPixelCnn(manager, itemShape, config, seed);
  }

  private final Config config;
  private final int f;
  private final MaskedConv2d[] vertical;
  private final MaskedConv2d[] horizontal;
  private final MaskedConv2d[] link;
  private final MaskedConv2d[] residual;
  private final NDArray[] verticalEmbedding; // (classes, 2F) per layer, when conditional
  private final NDArray[] horizontalEmbedding;
  private final MaskedConv2d head;
  private final MaskedConv2d output;
  private final Border border; // into the first horizontal layer's gates

  GatedPixelCnn(NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, itemShape, config.levels(), seed, "gated-pixelcnn");
    this.config = config;
    this.f = config.features();
    if (f % channels != 0) {
      throw new IllegalArgumentException("gated-pixelcnn: features=" + f + " cannot be split"
          + " into " + channels + " colour groups; use a multiple of " + channels
          + " (--set features=" + (f / channels + 1) * channels + ")");
    }
    int layers = config.layers();
    int k = config.kernel();
    vertical = new MaskedConv2d[layers];
    horizontal = new MaskedConv2d[layers];
    link = new MaskedConv2d[layers];
    residual = new MaskedConv2d[layers];
    verticalEmbedding = new NDArray[layers];
    horizontalEmbedding = new NDArray[layers];
    for (int l = 0; l < layers; l++) {
      int in = l == 0 ? channels : f;
      vertical[l] = new MaskedConv2d(parameters, "layer" + l + ".vertical", in, 2 * f, k, k,
          Type.VERTICAL, channels);
      horizontal[l] = new MaskedConv2d(parameters, "layer" + l + ".horizontal", in, 2 * f, 1, k,
          l == 0 ? Type.HORIZONTAL_A : Type.HORIZONTAL_B, channels);
      link[l] = new MaskedConv2d(parameters, "layer" + l + ".link", 2 * f, 2 * f, 1, 1,
          Type.VERTICAL, channels);
      residual[l] = new MaskedConv2d(parameters, "layer" + l + ".residual", f, f, 1, 1, Type.B,
          channels);
      if (config.conditional()) {
        verticalEmbedding[l] = parameters.normal("layer" + l + ".vertical.label", 0.01,
            config.classes(), 2 * f);
        horizontalEmbedding[l] = parameters.normal("layer" + l + ".horizontal.label", 0.01,
            config.classes(), 2 * f);
      }
    }
    head = new MaskedConv2d(parameters, "head", f, f, 1, 1, Type.B, channels);
    output = new MaskedConv2d(parameters, "output", f, channels * outputs, 1, 1, Type.B,
        channels);
    border = new Border(parameters, "border", 2 * f, k, height, width);
  }

  /**
   * tanh(a) * sigmoid(b) of a (N, 2F, H', W') pre-activation plus the label's embedding. The 2F
   * maps are laid out (C groups, 2 halves, F/C), so that gated feature j keeps the colour group
   * its two inputs had.
   */
  private NDArray gate(NDArray pre, NDArray embedding, NDArray labels) {
    Shape s = pre.getShape();
    long n = s.get(0);
    if (embedding != null) {
      NDArray e = labels.toType(DataType.INT64, false).oneHot(config.classes())
          .matMul(embedding); // (N, 2F)
      pre = pre.add(e.reshape(n, 2L * f, 1, 1));
    }
    NDArray split = pre.reshape(n, channels, 2, f / channels, s.get(2), s.get(3));
    NDArray a = split.get(new NDIndex(":, :, 0"));
    NDArray b = split.get(new NDIndex(":, :, 1"));
    return a.tanh().mul(Activation.sigmoid(b)).reshape(n, f, s.get(2), s.get(3));
  }

  @Override
  protected NDArray logits(NDArray image, NDArray labels) {
    NDArray v = image;
    NDArray h = image;
    for (int l = 0; l < config.layers(); l++) {
      NDArray vc = vertical[l].forward(v); // (N, 2F, H, W)
      NDArray shifted = vc.pad(new Shape(0, 0, 1, 0), 0)
          .get(new NDIndex(":, :, 0:{}, :", height)); // row r holds vc's row r - 1
      NDArray hc = horizontal[l].forward(h).add(link[l].forward(shifted));
      if (l == 0) {
        hc = hc.add(border.map(image.getManager()));
      }
      NDArray g = gate(hc, horizontalEmbedding[l], labels);
      NDArray next = residual[l].forward(g);
      h = l == 0 ? next : h.add(next);
      v = gate(vc, verticalEmbedding[l], labels);
    }
    NDArray out = output.forward(Activation.relu(head.forward(Activation.relu(h))));
    return out.reshape(image.getShape().get(0), channels, outputs, height, width);
  }

  @Override
  protected Incremental incremental(NDManager m, NDArray image, NDArray labels) {
    return new Rows(m, image, labels);
  }

  /** The fast sampler's caches; see the class comment. */
  private final class Rows implements Incremental {
    private final int p = config.kernel() / 2;
    private final int k = config.kernel();
    private final long n;
    private final NDArray labels;
    private final NDArray[] verticalIn; // v_l, padded by p on every side: (N, in, H+2p, W+2p)
    private final NDArray[] horizontalIn; // h_l, current row only, padded: (N, in, 1, W+2p)
    private final NDArray[] previousRow; // vc_l of the row above: (N, 2F, 1, W)
    private final NDArray borderMap; // (1, 2F, H, W)

    Rows(NDManager m, NDArray image, NDArray labels) {
      n = image.getShape().get(0);
      this.labels = labels;
      borderMap = border.map(m);
      int layers = config.layers();
      verticalIn = new NDArray[layers];
      horizontalIn = new NDArray[layers + 1];
      previousRow = new NDArray[layers];
      verticalIn[0] = image.pad(new Shape(p, p, p, p), 0);
      verticalIn[0].attach(m);
      for (int l = 0; l < layers; l++) {
        long in = l == 0 ? channels : f;
        if (l > 0) {
          verticalIn[l] = m.zeros(new Shape(n, f, height + 2L * p, width + 2L * p));
        }
        horizontalIn[l] = m.zeros(new Shape(n, in, 1, width + 2L * p));
        previousRow[l] = m.zeros(new Shape(n, 2L * f, 1, width));
      }
      horizontalIn[layers] = m.zeros(new Shape(n, f, 1, width + 2L * p));
      // row 0's first-layer input: the image's row 0 as given (observed values, zeros elsewhere)
      horizontalIn[0].set(new NDIndex(":, :, 0, {}:{}", p, p + width),
          image.get(new NDIndex(":, :, 0, :")));
    }

    @Override
    public NDArray logitsAt(int row, int col, int ch) {
      NDArray h = null;
      for (int l = 0; l < config.layers(); l++) {
        NDArray window = horizontalIn[l].get(new NDIndex(":, :, :, {}:{}", col, col + k));
        NDArray above = previousRow[l].get(new NDIndex(":, :, :, {}:{}", col, col + 1));
        NDArray hc = horizontal[l].at(window).add(link[l].forward(above)); // (N, 2F, 1, 1)
        if (l == 0) {
          hc = hc.add(Border.at(borderMap, row, col));
        }
        NDArray next = residual[l].forward(gate(hc, horizontalEmbedding[l], labels));
        h = l == 0 ? next : horizontalIn[l].get(new NDIndex(":, :, :, {}", col + p))
            .reshape(n, f, 1, 1).add(next);
        horizontalIn[l + 1].set(new NDIndex(":, :, 0, {}", col + p), h.reshape(n, f));
      }
      NDArray out = output.forward(Activation.relu(head.forward(Activation.relu(h))));
      return out.reshape(n, channels, outputs).get(new NDIndex(":, {}, :", ch));
    }

    @Override
    public void write(int row, int col, int ch, NDArray value) {
      verticalIn[0].set(new NDIndex(":, {}, {}, {}", ch, row + p, col + p), value);
      horizontalIn[0].set(new NDIndex(":, {}, 0, {}", ch, col + p), value);
      if (col == width - 1 && ch == channels - 1) {
        finishRow(row);
      }
    }

    /** The vertical stack over row {@code row}, now complete; primes the next row. */
    private void finishRow(int row) {
      for (int l = 0; l < config.layers(); l++) {
        NDArray window = verticalIn[l].get(new NDIndex(":, :, {}:{}, :", row, row + k));
        NDArray vc = vertical[l].at(window); // (N, 2F, 1, W)
        previousRow[l].set(new NDIndex(":, :, :, :"), vc);
        if (l + 1 < config.layers()) {
          verticalIn[l + 1].set(new NDIndex(":, :, {}, {}:{}", row + p, p, p + width),
              gate(vc, verticalEmbedding[l], labels).reshape(n, f, width));
        }
      }
      if (row + 1 < height) {
        horizontalIn[0].set(new NDIndex(":, :, 0, {}:{}", p, p + width),
            verticalIn[0].get(new NDIndex(":, :, {}, {}:{}", row + 1 + p, p, p + width)));
      }
    }
  }

  @Override
  public long parameterCount() {
    long count = head.freeParameters() + output.freeParameters() + border.freeParameters();
    for (int l = 0; l < config.layers(); l++) {
      count += vertical[l].freeParameters() + horizontal[l].freeParameters()
          + link[l].freeParameters() + residual[l].freeParameters();
      if (config.conditional()) {
        count += 4L * config.classes() * f;
      }
    }
    return count;
  }

  @Override
  public String family() {
    return "gated-pixelcnn";
  }

  @Override
  public Config config() {
    return config;
  }
}
