package io.dgm4j.models.pixel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.nn.MaskedConv2d;
import io.dgm4j.nn.MaskedConv2d.Type;
import io.dgm4j.nn.TensorMath;

/**
 * PixelRNN's Diagonal BiLSTM (van den Oord, Kalchbrenner and Kavukcuoglu, "Pixel Recurrent
 * Neural Networks", ICML 2016, section 3.2): two LSTMs that sweep the image along diagonals, one
 * from each side, so that every pixel sees the whole past. Factorization and outputs as in
 * {@link PixelModel}.
 *
 * <p><b>Skewing.</b> Row r of a feature map is shifted right by r, giving an H x (W + H - 1) map
 * whose column j holds the anti-diagonal {(r, j - r)}. An LSTM runs along the columns; its
 * state-to-state part is a 2 x 1 convolution of the previous column's states at rows r - 1 and
 * r, i.e. of pixels (r - 1, c) and (r, c - 1) in the unskewed image, with the cell carried from
 * (r, c - 1). Its input-to-state part is a 1x1 mask-B convolution. States at the skewed map's
 * padding are kept at zero, so the border behaves as an all-zero past. The state at (r, c) thus
 * sees every pixel (r', c') with r' <= r and c' <= c.
 *
 * <p><b>Two directions.</b> The second LSTM runs on the horizontally mirrored map (it sees r' <= r,
 * c' >= c, including the future of row r), so its output is shifted down one row before the two
 * are added: the output at (r, c) then sees all rows above and row r up to c, no blind spot.
 * Per layer: h' = h + conv1x1_B(s_left + shiftDown(s_right)). The model is a 7x7 mask-A
 * convolution (plus the {@link Border} term, which tells pixels near the edges where they are),
 * the layers, and two 1x1 mask-B layers (ReLU) to the logits.
 *
 * <p><b>One addition to the paper.</b> In the first layer the right-to-left LSTM also reads the
 * image itself (a 1x1 convolution of x at the same pixel), which its one-row shift makes legal.
 * Without it the last pixel of each row would be invisible to the start of the next row: the
 * mask-A input map h_0 at (r, W-1) excludes x(r, W-1) by construction, the left-to-right LSTM
 * never looks right, and the first convolution's row-above taps reach only k/2 columns (a blind
 * spot at (r - 1, W - 1) for every (r, c) with c < W - 1 - k/2, which the tests found).
 *
 * <p><b>Fast sampling.</b> The left-to-right state at (r, c) needs only (r - 1, c) and (r, c - 1):
 * it is computed pixel by pixel in raster order. The right-to-left states of row r are swept once
 * the row is complete (right to left, from the row above's), and feed row r + 1. The LSTM state
 * is carried instead of recomputing the image.
 */
public final class DiagonalBiLstm extends PixelModel {

  /**
   * Settings.
   *
   * @param levels values per sub-pixel: 2 for binary images (Bernoulli), up to 256 (softmax)
   * @param features F, LSTM state size per direction (a multiple of the colour channels)
   * @param layers Diagonal BiLSTM layers
   * @param firstKernel size of the first (mask A) convolution, odd
   */
  public record Config(int levels, int features, int layers, int firstKernel) {
    public Config {
      if (features < 1 || layers < 1 || firstKernel < 1 || firstKernel % 2 == 0) {
        throw new IllegalArgumentException("diagonal-bilstm: features and layers must be"
            + " positive and firstKernel odd, got features=" + features + ", layers=" + layers
            + ", firstKernel=" + firstKernel);
      }
    }

    /** The paper's shape: 7x7 mask-A input layer; 7 layers of 32 features. */
    public static Config defaults() {
      return new Config(2, 32, 7, 7);
    }
  }

  private static final int LEFT = 0;
  private static final int RIGHT = 1;

  private final Config config;
  private final int f;
  private final MaskedConv2d first;
  private final MaskedConv2d[][] inputToState; // [layer][direction]
  private final MaskedConv2d[][] stateToState; // 2 x 1 kernels over (r - 1, r)
  private final MaskedConv2d[] residual;
  private final MaskedConv2d rightImage; // x -> first right-to-left LSTM's gates, 1x1
  private final MaskedConv2d head;
  private final MaskedConv2d output;
  private final Border border;

  public DiagonalBiLstm(NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, itemShape, config.levels(), seed, "diagonal-bilstm");
    this.config = config;
    this.f = config.features();
    if (f % channels != 0) {
      throw new IllegalArgumentException("diagonal-bilstm: features=" + f + " cannot be split"
          + " into " + channels + " colour groups; use a multiple of " + channels
          + " (--set features=" + (f / channels + 1) * channels + ")");
    }
    first = new MaskedConv2d(parameters, "first", channels, f, config.firstKernel(),
        config.firstKernel(), Type.A, channels);
    int layers = config.layers();
    inputToState = new MaskedConv2d[layers][2];
    stateToState = new MaskedConv2d[layers][2];
    residual = new MaskedConv2d[layers];
    for (int l = 0; l < layers; l++) {
      for (int d = 0; d < 2; d++) {
        String name = "layer" + l + (d == LEFT ? ".left" : ".right");
        inputToState[l][d] = new MaskedConv2d(parameters, name + ".inputToState", f, 4 * f, 1,
            1, Type.B, channels);
        stateToState[l][d] = new MaskedConv2d(parameters, name + ".stateToState", f, 4 * f, 2,
            1, Type.VERTICAL, channels);
      }
      residual[l] = new MaskedConv2d(parameters, "layer" + l + ".residual", f, f, 1, 1, Type.B,
          channels);
    }
    rightImage = new MaskedConv2d(parameters, "layer0.right.imageToState", channels, 4 * f, 1,
        1, Type.VERTICAL, channels);
    head = new MaskedConv2d(parameters, "head", f, f, 1, 1, Type.B, channels);
    output = new MaskedConv2d(parameters, "output", f, channels * outputs, 1, 1, Type.B,
        channels);
    border = new Border(parameters, "border", f, config.firstKernel(), height, width);
  }

  @Override
  protected NDArray logits(NDArray image, NDArray labels) {
    long n = image.getShape().get(0);
    NDArray h = first.forward(image).add(border.map(image.getManager())); // (N, F, H, W)
    for (int l = 0; l < config.layers(); l++) {
      NDArray left = diagonal(h, null, l, LEFT);
      NDArray fromImage = l == 0 ? rightImage.forward(image).flip(3) : null;
      NDArray right = diagonal(h.flip(3), fromImage, l, RIGHT).flip(3);
      NDArray rightShifted = right.pad(new Shape(0, 0, 1, 0), 0)
          .get(new NDIndex(":, :, 0:{}, :", height)); // row r holds row r - 1
      h = h.add(residual[l].forward(left.add(rightShifted)));
    }
    NDArray out = output.forward(Activation.relu(head.forward(Activation.relu(h))));
    return out.reshape(n, channels, outputs, height, width);
  }

  /**
   * One direction's LSTM over the skewed map of {@code h} (N, F, H, W) -> states (N, F, H, W);
   * {@code extra} (N, 4F, H, W) or null is added to the input-to-state term.
   */
  private NDArray diagonal(NDArray h, NDArray extra, int l, int direction) {
    NDManager m = h.getManager();
    long n = h.getShape().get(0);
    int skewedWidth = width + height - 1;
    NDArray is = inputToState[l][direction].forward(h); // (N, 4F, H, W)
    if (extra != null) {
      is = is.add(extra);
    }
    NDList rows = new NDList(height);
    for (int r = 0; r < height; r++) { // skew: row r shifted right by r
      rows.add(is.get(new NDIndex(":, :, {}:{}, :", r, r + 1))
          .pad(new Shape(r, height - 1 - r, 0, 0), 0));
    }
    NDArray skewed = TensorMath.concat(rows, 2); // (N, 4F, H, W + H - 1)
    NDArray state = m.zeros(new Shape(n, f, height, 1));
    NDArray cell = m.zeros(new Shape(n, f, height, 1));
    NDList columns = new NDList(skewedWidth);
    for (int j = 0; j < skewedWidth; j++) {
      NDArray above = state.pad(new Shape(0, 0, 1, 0), 0); // (N, F, H + 1, 1): rows r-1, r
      NDArray pre = skewed.get(new NDIndex(":, :, :, {}:{}", j, j + 1))
          .add(stateToState[l][direction].at(above));
      NDArray[] next = LstmGates.step(pre, cell, channels);
      NDArray valid = m.create(validRows(j), new Shape(1, 1, height, 1));
      state = next[0].mul(valid);
      cell = next[1].mul(valid);
      columns.add(state);
    }
    NDArray states = TensorMath.concat(columns, 3); // (N, F, H, W + H - 1)
    NDList unskewed = new NDList(height);
    for (int r = 0; r < height; r++) {
      unskewed.add(states.get(new NDIndex(":, :, {}:{}, {}:{}", r, r + 1, r, r + width)));
    }
    return TensorMath.concat(unskewed, 2);
  }

  /** 1 where skewed column j holds a pixel of row r (r <= j < r + W), else 0. */
  private float[] validRows(int j) {
    float[] v = new float[height];
    for (int r = 0; r < height; r++) {
      v[r] = j >= r && j < r + width ? 1f : 0f;
    }
    return v;
  }

  @Override
  protected Incremental incremental(NDManager m, NDArray image, NDArray labels) {
    return new Sweeps(m, image);
  }

  /** The fast sampler's carried states; see the class comment. */
  private final class Sweeps implements Incremental {
    private final int a = config.firstKernel() / 2;
    private final long n;
    private final NDArray zero; // (N, F, 1, 1)
    private final NDArray input; // (N, C, H + 2a, W + 2a)
    private final NDArray[] layerInput; // h_l: (N, F, H, W)
    private final NDArray[] leftState; // (N, F, H, W)
    private final NDArray[] leftCell;
    private final NDArray[] rightAbove; // right-to-left states of the row above: (N, F, 1, W)
    private final NDArray[] rightRow; // being swept: (N, F, 1, W)
    private final NDArray[] rightCell;
    private final NDArray borderMap; // (1, F, H, W)

    Sweeps(NDManager m, NDArray image) {
      n = image.getShape().get(0);
      zero = m.zeros(new Shape(n, f, 1, 1));
      input = image.pad(new Shape(a, a, a, a), 0);
      input.attach(m);
      borderMap = border.map(m);
      int layers = config.layers();
      layerInput = new NDArray[layers];
      leftState = new NDArray[layers];
      leftCell = new NDArray[layers];
      rightAbove = new NDArray[layers];
      rightRow = new NDArray[layers];
      rightCell = new NDArray[layers];
      for (int l = 0; l < layers; l++) {
        layerInput[l] = m.zeros(new Shape(n, f, height, width));
        leftState[l] = m.zeros(new Shape(n, f, height, width));
        leftCell[l] = m.zeros(new Shape(n, f, height, width));
        rightAbove[l] = m.zeros(new Shape(n, f, 1, width));
        rightRow[l] = m.zeros(new Shape(n, f, 1, width));
        rightCell[l] = m.zeros(new Shape(n, f, 1, width));
      }
    }

    private NDArray at(NDArray map, int row, int col) {
      return map.get(new NDIndex(":, :, {}:{}, {}:{}", row, row + 1, col, col + 1));
    }

    @Override
    public NDArray logitsAt(int row, int col, int ch) {
      int w0 = config.firstKernel();
      NDArray h = first.at(input.get(new NDIndex(":, :, {}:{}, {}:{}", row, row + w0, col,
          col + w0))).add(Border.at(borderMap, row, col)); // (N, F, 1, 1)
      NDIndex pixel = new NDIndex(":, :, {}:{}, {}:{}", row, row + 1, col, col + 1);
      for (int l = 0; l < config.layers(); l++) {
        layerInput[l].set(pixel, h);
        NDArray up = row > 0 ? at(leftState[l], row - 1, col) : zero;
        NDArray left = col > 0 ? at(leftState[l], row, col - 1) : zero;
        NDArray cellLeft = col > 0 ? at(leftCell[l], row, col - 1) : zero;
        NDArray pre = inputToState[l][LEFT].forward(h)
            .add(stateToState[l][LEFT].at(up.concat(left, 2)));
        NDArray[] next = LstmGates.step(pre, cellLeft, channels);
        leftState[l].set(pixel, next[0]);
        leftCell[l].set(pixel, next[1]);
        NDArray fromRight = rightAbove[l].get(new NDIndex(":, :, :, {}:{}", col, col + 1));
        h = h.add(residual[l].forward(next[0].add(fromRight)));
      }
      NDArray out = output.forward(Activation.relu(head.forward(Activation.relu(h))));
      return out.reshape(n, channels, outputs).get(new NDIndex(":, {}, :", ch));
    }

    @Override
    public void write(int row, int col, int ch, NDArray value) {
      input.set(new NDIndex(":, {}, {}, {}", ch, row + a, col + a), value);
      if (col == width - 1 && ch == channels - 1) {
        for (int l = 0; l < config.layers(); l++) {
          sweepRight(l, row);
        }
      }
    }

    /** Right-to-left states of the now complete row {@code row} of layer l. */
    private void sweepRight(int l, int row) {
      for (int c = width - 1; c >= 0; c--) {
        NDArray h = at(layerInput[l], row, c);
        NDArray up = at(rightAbove[l], 0, c);
        NDArray right = c < width - 1 ? at(rightRow[l], 0, c + 1) : zero;
        NDArray cellRight = c < width - 1 ? at(rightCell[l], 0, c + 1) : zero;
        NDArray pre = inputToState[l][RIGHT].forward(h)
            .add(stateToState[l][RIGHT].at(up.concat(right, 2)));
        if (l == 0) {
          pre = pre.add(rightImage.forward(at(input, row + a, c + a)));
        }
        NDArray[] next = LstmGates.step(pre, cellRight, channels);
        NDIndex column = new NDIndex(":, :, :, {}:{}", c, c + 1);
        rightRow[l].set(column, next[0]);
        rightCell[l].set(column, next[1]);
      }
      rightAbove[l].set(new NDIndex(":, :, :, :"), rightRow[l]);
    }
  }

  @Override
  public long parameterCount() {
    long count = first.freeParameters() + border.freeParameters() + head.freeParameters()
        + output.freeParameters() + rightImage.freeParameters();
    for (int l = 0; l < config.layers(); l++) {
      count += residual[l].freeParameters();
      for (int d = 0; d < 2; d++) {
        count += inputToState[l][d].freeParameters() + stateToState[l][d].freeParameters();
      }
    }
    return count;
  }

  @Override
  public String family() {
    return "diagonal-bilstm";
  }

  @Override
  public Config config() {
    return config;
  }
}
