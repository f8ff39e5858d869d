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
 * PixelRNN's Row LSTM (van den Oord, Kalchbrenner and Kavukcuoglu, "Pixel Recurrent Neural
 * Networks", ICML 2016, section 3.1): an LSTM that runs down the image one row at a time,
 * computing a whole row's states at once. Factorization and outputs as in {@link PixelModel}.
 *
 * <p><b>Layer.</b> With F features, for rows r = 0 .. H-1:
 * <pre>
 *   [o, f, i, g]_r = K_is (*) h_r  +  K_ss (*) s_{r-1}      (4F gate maps of row r)
 *   c_r = sigmoid(f) * c_{r-1} + sigmoid(i) * tanh(g),   s_r = sigmoid(o) * tanh(c_r)
 *   h'  = h + conv1x1_B(s)
 * </pre>
 * K_is is a 1 x k convolution of the layer's input row, masked (mask B: the pixel and those left
 * of it; R -> G -> B channel groups); K_ss a 1 x k convolution of the previous row's state, not
 * masked (the row above is all past). The whole model is a 7x7 mask-A convolution (plus the
 * {@link Border} term, which tells pixels near the edges where they are), the Row LSTM
 * layers with residual connections, and two 1x1 mask-B layers (ReLU) to the logits.
 *
 * <p><b>Receptive field.</b> s_r at column c sees s_{r-1} at c - k/2 .. c + k/2, so the field
 * above a pixel is a triangle widening by k/2 columns per row upwards; pixels above and far to the
 * right of the triangle are never seen (tests assert the exact field).
 *
 * <p><b>Fast sampling.</b> The state of pixel (r, c) needs the layer's inputs at (r, c - k/2 .. c)
 * and the previous row's states: the sampler computes every layer at one pixel per step, and
 * each layer's K_ss (*) s_r once when row r is complete, carrying the LSTM state down the image.
 */
public final class RowLstm extends PixelModel {

  /**
   * Settings.
   *
   * @param levels values per sub-pixel: 2 for binary images (Bernoulli), up to 256 (softmax)
   * @param features F, LSTM state size (a multiple of the colour channels)
   * @param layers Row LSTM layers
   * @param firstKernel size of the first (mask A) convolution, odd
   * @param kernel width k of the input-to-state and state-to-state convolutions, odd
   */
  public record Config(int levels, int features, int layers, int firstKernel, int kernel) {
    public Config {
      if (features < 1 || layers < 1 || firstKernel < 1 || firstKernel % 2 == 0 || kernel < 1
          || kernel % 2 == 0) {
        throw new IllegalArgumentException("row-lstm: features and layers must be positive and"
            + " kernels odd, got features=" + features + ", layers=" + layers + ", firstKernel="
            + firstKernel + ", kernel=" + kernel);
      }
    }

    /** The paper's shape: 7x7 mask-A input layer, 3-wide kernels; 7 layers of 32 features. */
    public static Config defaults() {
      return new Config(2, 32, 7, 7, 3);
    }
  }

  private final Config config;
  private final int f;
  private final MaskedConv2d first;
  private final MaskedConv2d[] inputToState;
  private final MaskedConv2d[] stateToState;
  private final MaskedConv2d[] residual;
  private final MaskedConv2d head;
  private final MaskedConv2d output;
  private final Border border;

  public RowLstm(NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, itemShape, config.levels(), seed, "row-lstm");
    this.config = config;
    this.f = config.features();
    if (f % channels != 0) {
      throw new IllegalArgumentException("row-lstm: features=" + f + " cannot be split into "
          + channels + " colour groups; use a multiple of " + channels + " (--set features="
          + (f / channels + 1) * channels + ")");
    }
    int k = config.kernel();
    first = new MaskedConv2d(parameters, "first", channels, f, config.firstKernel(),
        config.firstKernel(), Type.A, channels);
    inputToState = new MaskedConv2d[config.layers()];
    stateToState = new MaskedConv2d[config.layers()];
    residual = new MaskedConv2d[config.layers()];
    for (int l = 0; l < config.layers(); l++) {
      inputToState[l] = new MaskedConv2d(parameters, "layer" + l + ".inputToState", f, 4 * f, 1,
          k, Type.HORIZONTAL_B, channels);
      stateToState[l] = new MaskedConv2d(parameters, "layer" + l + ".stateToState", f, 4 * f, 1,
          k, Type.VERTICAL, channels);
      residual[l] = new MaskedConv2d(parameters, "layer" + l + ".residual", f, f, 1, 1, Type.B,
          channels);
    }
    head = new MaskedConv2d(parameters, "head", f, f, 1, 1, Type.B, channels);
    output = new MaskedConv2d(parameters, "output", f, channels * outputs, 1, 1, Type.B,
        channels);
    border = new Border(parameters, "border", f, config.firstKernel(), height, width);
  }

  @Override
  protected NDArray logits(NDArray image, NDArray labels) {
    NDManager m = image.getManager();
    long n = image.getShape().get(0);
    NDArray h = first.forward(image).add(border.map(m)); // (N, F, H, W)
    for (int l = 0; l < config.layers(); l++) {
      NDArray is = inputToState[l].forward(h); // (N, 4F, H, W)
      NDArray state = m.zeros(new Shape(n, f, 1, width));
      NDArray cell = m.zeros(new Shape(n, f, 1, width));
      NDList rows = new NDList(height);
      for (int r = 0; r < height; r++) {
        NDArray pre = is.get(new NDIndex(":, :, {}:{}, :", r, r + 1))
            .add(stateToState[l].forward(state));
        NDArray[] next = LstmGates.step(pre, cell, channels);
        state = next[0];
        cell = next[1];
        rows.add(state);
      }
      h = h.add(residual[l].forward(TensorMath.concat(rows, 2)));
    }
    NDArray out = output.forward(Activation.relu(head.forward(Activation.relu(h))));
    return out.reshape(n, channels, outputs, height, width);
  }

  @Override
  protected Incremental incremental(NDManager m, NDArray image, NDArray labels) {
    return new Rows(m, image);
  }

  /** The fast sampler's carried state; see the class comment. */
  private final class Rows implements Incremental {
    private final int a = config.firstKernel() / 2;
    private final int p = config.kernel() / 2;
    private final long n;
    private final NDArray input; // (N, C, H + 2a, W + 2a)
    private final NDArray[] layerInput; // h_l on the current row, padded: (N, F, 1, W + 2p)
    private final NDArray[] fromAbove; // K_ss (*) s_{r-1}: (N, 4F, 1, W)
    private final NDArray[] cellAbove; // c_{r-1}: (N, F, 1, W)
    private final NDArray[] state; // s_r so far: (N, F, 1, W)
    private final NDArray[] cell; // c_r so far: (N, F, 1, W)
    private final NDArray borderMap; // (1, F, H, W)

    Rows(NDManager m, NDArray image) {
      n = image.getShape().get(0);
      input = image.pad(new Shape(a, a, a, a), 0);
      input.attach(m);
      borderMap = border.map(m);
      int layers = config.layers();
      layerInput = new NDArray[layers];
      fromAbove = new NDArray[layers];
      cellAbove = new NDArray[layers];
      state = new NDArray[layers];
      cell = new NDArray[layers];
      for (int l = 0; l < layers; l++) {
        layerInput[l] = m.zeros(new Shape(n, f, 1, width + 2L * p));
        state[l] = m.zeros(new Shape(n, f, 1, width));
        cell[l] = m.zeros(new Shape(n, f, 1, width));
        cellAbove[l] = m.zeros(new Shape(n, f, 1, width));
        fromAbove[l] = stateToState[l].forward(state[l]);
        fromAbove[l].attach(m);
      }
    }

    @Override
    public NDArray logitsAt(int row, int col, int ch) {
      int w0 = config.firstKernel();
      NDArray h = first.at(input.get(new NDIndex(":, :, {}:{}, {}:{}", row, row + w0, col,
          col + w0))).add(Border.at(borderMap, row, col)); // (N, F, 1, 1)
      NDIndex column = new NDIndex(":, :, :, {}:{}", col, col + 1);
      for (int l = 0; l < config.layers(); l++) {
        layerInput[l].set(new NDIndex(":, :, 0, {}", col + p), h.reshape(n, f));
        NDArray pre = inputToState[l].at(layerInput[l].get(new NDIndex(":, :, :, {}:{}", col,
            col + config.kernel()))).add(fromAbove[l].get(column));
        NDArray[] next = LstmGates.step(pre, cellAbove[l].get(column), channels);
        state[l].set(column, next[0]);
        cell[l].set(column, next[1]);
        h = h.add(residual[l].forward(next[0]));
      }
      NDArray out = output.forward(Activation.relu(head.forward(Activation.relu(h))));
      return out.reshape(n, channels, outputs).get(new NDIndex(":, {}, :", ch));
    }

    @Override
    public void write(int row, int col, int ch, NDArray value) {
      input.set(new NDIndex(":, {}, {}, {}", ch, row + a, col + a), value);
      if (col == width - 1 && ch == channels - 1) {
        NDIndex all = new NDIndex(":, :, :, :");
        for (int l = 0; l < config.layers(); l++) {
          fromAbove[l].set(all, stateToState[l].forward(state[l]));
          cellAbove[l].set(all, cell[l]);
        }
      }
    }
  }

  @Override
  public long parameterCount() {
    long count = first.freeParameters() + border.freeParameters() + head.freeParameters()
        + output.freeParameters();
    for (int l = 0; l < config.layers(); l++) {
      count += inputToState[l].freeParameters() + stateToState[l].freeParameters()
          + residual[l].freeParameters();
    }
    return count;
  }

  @Override
  public String family() {
    return "row-lstm";
  }

  @Override
  public Config config() {
    return config;
  }
}
