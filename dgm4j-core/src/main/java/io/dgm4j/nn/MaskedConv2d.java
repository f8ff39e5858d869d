package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;

/**
 * A 2-D convolution whose kernel is multiplied by a fixed 0/1 mask so that an output at pixel
 * (r, c) sees only pixels before (r, c) in raster order (van den Oord et al., "Pixel Recurrent
 * Neural Networks", ICML 2016, section 3.4), and, within a pixel, only earlier colour channels.
 *
 * <p><b>Spatial mask.</b> For a kh x kw kernel centred at (kh/2, kw/2): taps in rows above the
 * centre, and taps left of the centre in the centre row, are 1; taps right of the centre and in
 * rows below are 0. {@link Type#VERTICAL} keeps the rows above the centre and the centre row
 * (Gated PixelCNN's vertical stack, whose output is shifted down a row before use); a {@code 1 x
 * k} kernel with {@link Type#HORIZONTAL} keeps the centre and the taps to its left.
 *
 * <p><b>Channel groups (R -> G -> B).</b> With C colour channels, the feature channels of every
 * layer are split into C contiguous groups of equal size: group g is "about" colour g. At the
 * centre tap, an output in group g sees inputs in groups < g (mask A, the first layer: R sees
 * nothing of its own pixel, G sees R, B sees R and G) or in groups <= g (mask B, every later
 * layer). With C = 1, mask A zeroes the centre tap and mask B keeps it.
 *
 * <p>Weights are stored (out, in, kh, kw) as DJL/PyTorch expect; the masked entries are still
 * parameters (zero gradient) but are not counted by {@link #freeParameters()}.
 */
public final class MaskedConv2d {

  /** Which centre and future taps the kernel keeps. */
  public enum Type {
    /** Strictly causal: no centre tap except from earlier channel groups (first layer). */
    A,
    /** Causal with the centre tap from the same and earlier channel groups (later layers). */
    B,
    /** Rows above the centre and the whole centre row, every channel (vertical stack). */
    VERTICAL,
    /** Rows above are zero: taps left of the centre and the centre (mask-B channel rule). */
    HORIZONTAL_B,
    /** As {@link #HORIZONTAL_B} but the centre only from earlier channel groups. */
    HORIZONTAL_A,
    /**
     * Every tap: only for inputs that carry no data, such as the constant map of where the image
     * is (a data input would let outputs see the future).
     */
    FULL
  }

  private final NDArray weight; // (out, in, kh, kw)
  private final NDArray bias; // (out)
  private final NDArray mask; // (out, in, kh, kw), 0/1
  private final int kh;
  private final int kw;
  private final long free;

  /**
   * Creates the parameters {@code name.weight} and {@code name.bias} in {@code parameters}.
   *
   * @param groups the number of colour channels C whose order the mask enforces (1: none)
   */
  /**
   * As the constructor, with the weights and bias {@linkplain Parameters#addedLater added later}
   * (zero when a checkpoint lacks them): for a convolution whose output a model adds to a term it
   * had before, so that checkpoints written before it existed load and compute as they did.
   */
  public static MaskedConv2d addedLater(Parameters parameters, String name, int in, int out,
      int kh, int kw, Type type, int groups) {
    MaskedConv2d conv = new MaskedConv2d(parameters, name, in, out, kh, kw, type, groups);
    parameters.addedLater(name + ".weight");
    parameters.addedLater(name + ".bias");
    return conv;
  }

  public MaskedConv2d(Parameters parameters, String name, int in, int out, int kh, int kw,
      Type type, int groups) {
    if (in % groups != 0 || out % groups != 0) {
      throw new IllegalArgumentException(name + ": " + in + " -> " + out
          + " channels cannot be split into " + groups + " colour groups");
    }
    this.kh = kh;
    this.kw = kw;
    float[] m = mask(in, out, kh, kw, type, groups);
    long kept = 0;
    for (float v : m) {
      kept += (long) v;
    }
    double bound = Math.sqrt(6.0 / (Math.max(1.0, kept / (double) out) + kept / (double) in));
    this.weight = parameters.uniform(name + ".weight", bound, out, in, kh, kw);
    this.bias = parameters.zeros(name + ".bias", out);
    this.mask = parameters.manager().create(m, new Shape(out, in, kh, kw));
    this.free = kept + out;
  }

  /**
   * The 0/1 mask, flat in (out, in, kh, kw) order; see the class comment.
   */
  public static float[] mask(int in, int out, int kh, int kw, Type type, int groups) {
    float[] m = new float[out * in * kh * kw];
    int cy = kh / 2;
    int cx = kw / 2;
    for (int o = 0; o < out; o++) {
      int go = o / (out / groups);
      for (int i = 0; i < in; i++) {
        int gi = i / (in / groups);
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            boolean keep = switch (type) {
              case VERTICAL -> y <= cy;
              case FULL -> true;
              case A, B, HORIZONTAL_A, HORIZONTAL_B -> {
                boolean centreRowOnly = type == Type.HORIZONTAL_A || type == Type.HORIZONTAL_B;
                boolean strict = type == Type.A || type == Type.HORIZONTAL_A;
                if (y < cy) {
                  yield !centreRowOnly;
                } else if (y > cy || x > cx) {
                  yield false;
                } else if (x < cx) {
                  yield true;
                } else {
                  yield strict ? go > gi : go >= gi;
                }
              }
            };
            m[((o * in + i) * kh + y) * kw + x] = keep ? 1f : 0f;
          }
        }
      }
    }
    return m;
  }

  /**
   * The convolution over a whole image, zero-padded so the output has the input's size.
   *
   * @param x shape (N, in, H, W)
   * @return shape (N, out, H, W)
   */
  public NDArray forward(NDArray x) {
    return convolve(x, new Shape(kh / 2, kw / 2));
  }

  /**
   * The output at one pixel from the kh x kw window of (already padded) input around it.
   *
   * @param window shape (N, in, kh, kw)
   * @return shape (N, out, 1, 1)
   */
  public NDArray at(NDArray window) {
    return convolve(window, new Shape(0, 0));
  }

  private NDArray convolve(NDArray x, Shape padding) {
    return convolve(x, weight.mul(mask), bias, padding);
  }

  private static NDArray convolve(NDArray x, NDArray w, NDArray b, Shape padding) {
    return Conv2d.conv2d(x, w, b, new Shape(1, 1), padding, new Shape(1, 1), 1)
        .singletonOrThrow();
  }

  /**
   * This convolution with its masked kernel formed once, in {@code owner}, for many calls while
   * the weights do not change (a sampler's thousands of one-pixel steps). The kernel is also kept
   * as a matrix (out, in·kh·kw), so that the output at one pixel is one fully connected layer on
   * the flattened window: the engine's convolution, called on a window the kernel's size, cost
   * about 4x the product (400 against 100 µs for 188 maps, 4 images, one thread, 2026-11-22),
   * most of a fast sampler's time. The product and the bias are one engine call (a linear
   * layer, PyTorch's addmm), not two: a sampler's time is mostly per-call overhead.
   */
  public Frozen freeze(NDManager owner) {
    NDArray w = weight.mul(mask);
    w.attach(owner);
    long out = w.getShape().get(0);
    NDArray matrix = w.reshape(out, -1).duplicate(); // (out, in·kh·kw)
    matrix.attach(owner);
    float[] m = mask.toFloatArray();
    List<int[]> open = new ArrayList<>();
    NDList blocks = new NDList();
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        boolean any = false;
        for (int i = 0; i < m.length && !any; i += kh * kw) {
          any = m[i + y * kw + x] != 0f;
        }
        if (any) {
          open.add(new int[] {y - kh / 2, x - kw / 2});
          blocks.add(w.get(new NDIndex(":, :, {}, {}", y, x))); // (out, in)
        }
      }
    }
    NDArray taps = TensorMath.concat(blocks, 1);
    taps.attach(owner);
    blocks.close();
    return new Frozen(w, bias, kh, kw, matrix, List.copyOf(open), taps);
  }

  /**
   * A {@link MaskedConv2d} whose masked kernel is fixed; see {@link #freeze}.
   *
   * @param matrix the masked kernel as (out, in·kh·kw), a window flattened channel-major
   * @param openTaps the taps some mask entry lets through, in raster order, as (row, column)
   *     offsets from the output pixel (e.g. (−1, −1) .. (0, 0) for mask B of 3 x 3)
   * @param tapMatrix the kernel at the open taps only, (out, T·in): columns t·in .. t·in + in − 1
   *     are tap t's (out, in) weights
   */
  public record Frozen(NDArray maskedWeight, NDArray bias, int kh, int kw, NDArray matrix,
      List<int[]> openTaps, NDArray tapMatrix) {
    /** As {@link MaskedConv2d#forward}. */
    public NDArray forward(NDArray x) {
      if (kh == 1 && kw == 1) {
        return at(x); // a 1x1 kernel needs no padding: its output anywhere is at()'s
      }
      return convolve(x, maskedWeight, bias, new Shape(kh / 2, kw / 2));
    }

    /**
     * As {@link MaskedConv2d#at}: one matrix product when the window is the kernel's size (the
     * output at one pixel), else a convolution (a window wider than the kernel gives a row of
     * outputs).
     */
    public NDArray at(NDArray window) {
      Shape s = window.getShape();
      if (s.get(2) == kh && s.get(3) == kw) {
        long n = s.get(0);
        return Linear.linear(window.reshape(n, -1), matrix, bias).singletonOrThrow()
            .reshape(n, -1, 1, 1);
      }
      return convolve(window, maskedWeight, bias, new Shape(0, 0));
    }

    /**
     * The output at one pixel from the input vectors at the open taps only (zeros where a tap
     * falls outside the image): the masked taps are neither gathered nor multiplied.
     *
     * @param inputs one (N, in) array per entry of {@link #openTaps()}, in that order
     * @return shape (N, out)
     */
    public NDArray atTaps(NDList inputs) {
      if (inputs.size() != openTaps.size()) {
        throw new IllegalArgumentException("expected " + openTaps.size() + " tap inputs, got "
            + inputs.size());
      }
      NDArray x = inputs.size() == 1 ? inputs.head() : TensorMath.concat(inputs, 1);
      return Linear.linear(x, tapMatrix, bias).singletonOrThrow();
    }
  }

  /** Weights some mask tap lets through, plus the biases. */
  public long freeParameters() {
    return free;
  }

  public int kernelHeight() {
    return kh;
  }

  public int kernelWidth() {
    return kw;
  }

  /** Shape (out, in, kh, kw); for tests. */
  public NDArray maskArray(NDManager owner) {
    NDArray copy = mask.duplicate();
    copy.attach(owner);
    return copy;
  }
}
