package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.engine.VectorMath;
import io.dgm4j.engine.Workers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * NADE's negative log-likelihood and its exact gradient, derived by hand and computed in one
 * sweep over the ordering, on plain float arrays with the JDK's vector API (incubator module
 * {@code jdk.incubator.vector}; {@link Nade} uses it only when the module is present). See
 * {@link Nade} for why this route was chosen.
 *
 * <p>With a_i = c + sum_{j < i} x_{o_j} W_{o_j}, h_i = sigmoid(a_i), l_i = b_{o_i} + V_{o_i} . h_i
 * and the loss L = sum_i [softplus(l_i) - x_{o_i} l_i] (one example), write g_i = dL/dl_i =
 * sigmoid(l_i) - x_{o_i}. Then
 *
 * <pre>
 *   dL/db_{o_i} = g_i            dL/dV_{o_i} = g_i h_i
 *   delta_i = dL/da_i (through l_i only) = g_i V_{o_i} * h_i * (1 - h_i)
 *   dL/dc = sum_i delta_i        dL/dW_{o_j} = x_{o_j} sum_{i > j} delta_i
 * </pre>
 *
 * Everything but the last line is known at step i of the forward sweep (l_i depends on no later
 * step). The last is the paper's backward recursion; with T_j = sum_{i <= j} delta_i it is
 * x_{o_j} (T_{D-1} - T_j), so the sweep subtracts x_{o_j} T_j as it passes j and, at the end,
 * adds x_{o_j} T_{D-1} to the rows with x_{o_j} != 0. Nothing of size D H is stored per
 * example.
 *
 * <p>Three things make the sweep fast (measured in {@link Nade}'s class comment):
 * <ul>
 *   <li><b>h changes only where x is not 0.</b> a_{i+1} = a_i + x_{o_i} W_{o_i}, so after a 0
 *       (about 87% of binarized MNIST's pixels) h and s = h (1 - h) stay as they are: the
 *       sigmoids are computed once per nonzero input, not once per step. For the same reason
 *       delta's factor s is constant between nonzero inputs, so the sweep adds g_i V_{o_i} into
 *       u and folds u s into T only when h is about to change (and at the end).
 *   <li><b>Blocks of examples.</b> The examples of a block (up to {@link #BLOCK}) take each step
 *       together: the step's rows of V and of dL/dV are read once per block, not once per
 *       example, and the row of dL/dV is summed in registers over the block, while each
 *       example's a, h, s, u and T (five rows of H) stay in the core's L2 cache. One example at
 *       a time streams V and dL/dV (3.2 MB) through the cache at every example.
 *   <li><b>No scalar maths per step:</b> the dot products V_{o_i} . h of four examples share each
 *       load of V, and the block's softplus and sigmoid are one vector operation.
 * </ul>
 *
 * <p>The hidden size is padded to a multiple of the vector length with zero weights: a padded
 * unit has a = 0, contributes V = 0 to every logit and so receives no gradient that is kept.
 * Examples are split over {@code threads} workers, each with its own gradient sums; the sums
 * are then added over workers, rows split over the same threads, straight into the parameters'
 * gradient buffers when those are in CPU memory.
 */
final class NadeGradient {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  /** Examples that sweep together; see the class comment and {@link Nade}. */
  static final int BLOCK = 8;

  private final int dimension;
  private final int hidden;
  private final int padded; // hidden rounded up to a multiple of the vector length
  private final List<Workspace> workspaces = new ArrayList<>();
  // the parameters in padded layout, refreshed from the tensors at every call
  private final float[] w;
  private final float[] c;
  private final float[] v;
  private final float[] b;

  NadeGradient(int dimension, int hidden) {
    this.dimension = dimension;
    this.hidden = hidden;
    int lanes = SPECIES.length();
    this.padded = (hidden + lanes - 1) / lanes * lanes;
    w = new float[dimension * padded];
    c = new float[padded];
    v = new float[dimension * padded];
    b = new float[dimension];
  }

  /**
   * The mean loss of a batch and its mean gradients. The gradients are added into
   * {@code gradientViews} (views of the four parameters' gradient buffers, as a backward pass
   * accumulates) when given, else written into {@code gradients} (unpadded layouts like the
   * parameters).
   *
   * @param x (n, D) row-major, values 0/1 (any real values are handled exactly)
   * @param order the ordering o
   * @param parameters W (D, H), c (H), V (D, H), b (D)
   * @param gradientViews null, or four native-order views of the gradient buffers
   * @param gradients four arrays, used when {@code gradientViews} is null
   * @return mean over the batch of -log p(x_n)
   */
  synchronized double meanLossAndGradient(float[] x, int n, int[] order, NDArray[] parameters,
      ByteBuffer[] gradientViews, float[][] gradients, int threads) {
    load(parameters);
    int workers = split(n, threads, (ws, from, to) -> ws.run(x, from, to, order, w, c, v, b));
    float scale = 1f / n;
    Workers.run(workers, t -> {
      for (int p : new int[] {0, 2}) { // W, then V
        ByteBuffer view = gradientViews == null ? null : gradientViews[p];
        float[] array = gradientViews == null ? gradients[p] : null;
        float[][] sums = new float[workers][];
        for (int u = 0; u < workers; u++) {
          sums[u] = p == 0 ? workspaces.get(u).gw : workspaces.get(u).gv;
        }
        for (int d = dimension * t / workers; d < dimension * (t + 1) / workers; d++) {
          sumRow(sums, d, scale, view, array);
        }
      }
    });
    double loss = 0;
    float[] gc = new float[hidden];
    float[] gb = new float[dimension];
    for (int t = 0; t < workers; t++) {
      Workspace ws = workspaces.get(t);
      loss += ws.loss;
      for (int d = 0; d < dimension; d++) {
        gb[d] += ws.gb[d] * scale;
      }
      for (int k = 0; k < hidden; k++) {
        gc[k] += ws.gc[k] * scale;
      }
    }
    if (gradientViews == null) {
      System.arraycopy(gc, 0, gradients[1], 0, hidden);
      System.arraycopy(gb, 0, gradients[3], 0, dimension);
    } else {
      addInto(gradientViews[1], gc);
      addInto(gradientViews[3], gb);
    }
    return loss / n;
  }

  /**
   * Row d of one (D, padded) gradient summed over the workers' {@code sums}, times
   * {@code scale}, added into {@code view} or written into {@code array} (unpadded).
   */
  private void sumRow(float[][] sums, int d, float scale, ByteBuffer view, float[] array) {
    int lanes = SPECIES.length();
    int full = SPECIES.loopBound(hidden);
    int row = d * padded;
    int at = d * hidden;
    for (int k = 0; k < full; k += lanes) {
      FloatVector sum = FloatVector.fromArray(SPECIES, sums[0], row + k);
      for (int t = 1; t < sums.length; t++) {
        sum = sum.add(FloatVector.fromArray(SPECIES, sums[t], row + k));
      }
      sum = sum.mul(scale);
      if (view != null) {
        int byteAt = (at + k) * Float.BYTES;
        FloatVector.fromByteBuffer(SPECIES, view, byteAt, NATIVE).add(sum)
            .intoByteBuffer(view, byteAt, NATIVE);
      } else {
        sum.intoArray(array, at + k);
      }
    }
    for (int k = full; k < hidden; k++) {
      float sum = 0;
      for (float[] worker : sums) {
        sum += worker[row + k];
      }
      sum *= scale;
      if (view != null) {
        int byteAt = (at + k) * Float.BYTES;
        view.putFloat(byteAt, view.getFloat(byteAt) + sum);
      } else {
        array[at + k] = sum;
      }
    }
  }

  /** view[i] += values[i]. */
  private static void addInto(ByteBuffer view, float[] values) {
    for (int i = 0; i < values.length; i++) {
      int at = i * Float.BYTES;
      view.putFloat(at, view.getFloat(at) + values[i]);
    }
  }

  /**
   * log p(x_n) of each example, the forward half of the sweep only (no gradient).
   *
   * @param out receives n values
   */
  synchronized void logProb(float[] x, int n, int[] order, NDArray[] parameters, int threads,
      float[] out) {
    load(parameters);
    split(n, threads, (ws, from, to) -> ws.logProbs(x, from, to, order, w, c, v, b, out));
  }

  /** Copies W, c, V, b into the padded arrays, from views of their memory where there are. */
  private void load(NDArray[] parameters) {
    float[][] targets = {w, c, v, b};
    for (int p = 0; p < 4; p++) {
      NDArray parameter = parameters[p];
      int rows = p == 1 || p == 3 ? 1 : dimension;
      int width = p == 3 ? dimension : hidden;
      int stride = p == 3 ? dimension : padded;
      ByteBuffer view = SharedMemory.view(parameter);
      java.nio.FloatBuffer floats = view != null ? view.asFloatBuffer()
          : java.nio.FloatBuffer.wrap(parameter.toFloatArray());
      for (int r = 0; r < rows; r++) {
        floats.get(r * width, targets[p], r * stride, width);
      }
    }
  }

  /** Work on examples [from, to) with one worker's buffers. */
  private interface Slice {
    void run(Workspace workspace, int from, int to);
  }

  /**
   * Splits n examples over min(threads, n) workers, the calling thread taking the first share,
   * and waits for all; returns the number of workers (their workspaces are 0 .. workers - 1).
   */
  private int split(int n, int threads, Slice slice) {
    int workers = Math.max(1, Math.min(threads, n));
    while (workspaces.size() < workers) {
      workspaces.add(new Workspace(dimension, padded));
    }
    Workers.run(workers, t -> slice.run(workspaces.get(t), n * t / workers,
        n * (t + 1) / workers));
    return workers;
  }

  /** One worker's buffers and sums over its examples. */
  private static final class Workspace {
    final int dimension;
    final int padded;
    // rows of {@code padded} per example of a block: the pre-activation a, h = sigmoid(a),
    // s = h (1 - h), u = the sum of g_i V_{o_i} since h last changed, T without u's part
    final float[] a;
    final float[] h;
    final float[] s;
    final float[] u;
    final float[] total;
    // per example of a block, at one step: the logit, the input, -log p and dL/dl
    final float[] logits = new float[BLOCK + SPECIES.length()];
    final float[] inputs = new float[BLOCK + SPECIES.length()];
    final float[] nll = new float[BLOCK + SPECIES.length()];
    final float[] g = new float[BLOCK + SPECIES.length()];
    final double[] logProbs = new double[BLOCK];
    // this worker's gradient sums
    final float[] gw;
    final float[] gv;
    final float[] gc;
    final float[] gb;
    double loss;

    Workspace(int dimension, int padded) {
      this.dimension = dimension;
      this.padded = padded;
      a = new float[BLOCK * padded];
      h = new float[BLOCK * padded];
      s = new float[BLOCK * padded];
      u = new float[BLOCK * padded];
      total = new float[BLOCK * padded];
      gw = new float[dimension * padded];
      gv = new float[dimension * padded];
      gc = new float[padded];
      gb = new float[dimension];
    }

    /** Sums the loss and gradients of examples [from, to) into this workspace. */
    void run(float[] x, int from, int to, int[] order, float[] w, float[] c, float[] v,
        float[] b) {
      java.util.Arrays.fill(gw, 0f);
      java.util.Arrays.fill(gv, 0f);
      java.util.Arrays.fill(gc, 0f);
      java.util.Arrays.fill(gb, 0f);
      loss = 0;
      for (int e = from; e < to; e += BLOCK) {
        sweep(x, e, Math.min(to, e + BLOCK), order, w, c, v, b, true, null);
      }
    }

    /** log p(x_e) for examples [from, to) into out[e]: the sweep's forward half. */
    void logProbs(float[] x, int from, int to, int[] order, float[] w, float[] c, float[] v,
        float[] b, float[] out) {
      for (int e = from; e < to; e += BLOCK) {
        sweep(x, e, Math.min(to, e + BLOCK), order, w, c, v, b, false, out);
      }
    }

    /**
     * One sweep over the ordering for the examples [from, to) (at most {@link #BLOCK}): with
     * {@code gradient}, adds their loss to {@link #loss} and their gradients to the sums; else
     * writes log p(x_e) to {@code out[e]}.
     */
    private void sweep(float[] x, int from, int to, int[] order, float[] w, float[] c,
        float[] v, float[] b, boolean gradient, float[] out) {
      int count = to - from;
      for (int e = 0; e < count; e++) {
        int at = e * padded;
        System.arraycopy(c, 0, a, at, padded);
        activate(at, gradient);
        java.util.Arrays.fill(u, at, at + padded, 0f);
        java.util.Arrays.fill(total, at, at + padded, 0f);
        logProbs[e] = 0;
      }
      for (int i = 0; i < dimension; i++) {
        int d = order[i];
        int row = d * padded;
        for (int e = 0; e < count; e++) {
          inputs[e] = x[(from + e) * dimension + d];
        }
        dots(row, count, v);
        lossAndSlopes(count, b[d]);
        for (int e = 0; e < count; e++) {
          logProbs[e] -= nll[e];
        }
        if (gradient) {
          float sum = 0;
          for (int e = 0; e < count; e++) {
            sum += g[e];
          }
          gb[d] += sum;
          outputGradient(row, count, v);
        }
        for (int e = 0; e < count; e++) {
          float xd = inputs[e];
          if (xd != 0f) { // else a, and so h, stay as they are
            int at = e * padded;
            if (gradient) {
              fold(at, row, xd);
            }
            advance(at, row, xd, w);
            activate(at, gradient);
          }
        }
      }
      for (int e = 0; e < count; e++) {
        if (!gradient) {
          out[from + e] = (float) logProbs[e];
          continue;
        }
        loss -= logProbs[e];
        int at = e * padded;
        fold(at, -1, 0f); // T_{D-1}
        addRow(total, at, gc, 0, 1f);
        int offset = (from + e) * dimension;
        for (int d = 0; d < dimension; d++) {
          if (x[offset + d] != 0f) {
            addRow(total, at, gw, d * padded, x[offset + d]);
          }
        }
      }
    }

    /**
     * logits[e] = V_row . h_e for the block's examples, four examples sharing each load of V
     * (and four independent sums, so no sum waits on the one before).
     */
    private void dots(int row, int count, float[] v) {
      int lanes = SPECIES.length();
      int e = 0;
      for (; e + 4 <= count; e += 4) {
        int a0 = e * padded;
        int a1 = a0 + padded;
        int a2 = a1 + padded;
        int a3 = a2 + padded;
        FloatVector d0 = FloatVector.zero(SPECIES);
        FloatVector d1 = d0;
        FloatVector d2 = d0;
        FloatVector d3 = d0;
        for (int k = 0; k < padded; k += lanes) {
          FloatVector vv = FloatVector.fromArray(SPECIES, v, row + k);
          d0 = FloatVector.fromArray(SPECIES, h, a0 + k).fma(vv, d0);
          d1 = FloatVector.fromArray(SPECIES, h, a1 + k).fma(vv, d1);
          d2 = FloatVector.fromArray(SPECIES, h, a2 + k).fma(vv, d2);
          d3 = FloatVector.fromArray(SPECIES, h, a3 + k).fma(vv, d3);
        }
        logits[e] = d0.reduceLanes(VectorOperators.ADD);
        logits[e + 1] = d1.reduceLanes(VectorOperators.ADD);
        logits[e + 2] = d2.reduceLanes(VectorOperators.ADD);
        logits[e + 3] = d3.reduceLanes(VectorOperators.ADD);
      }
      for (; e < count; e++) {
        int a0 = e * padded;
        FloatVector d0 = FloatVector.zero(SPECIES);
        for (int k = 0; k < padded; k += lanes) {
          d0 = FloatVector.fromArray(SPECIES, h, a0 + k)
              .fma(FloatVector.fromArray(SPECIES, v, row + k), d0);
        }
        logits[e] = d0.reduceLanes(VectorOperators.ADD);
      }
    }

    /**
     * With l = logits + bias: nll = softplus(l) - x l = -log p(x | l) and g = sigmoid(l) - x,
     * its derivative in l, for the whole block at once (exp(-|l|) keeps both stable).
     */
    private void lossAndSlopes(int count, float bias) {
      FloatVector one = FloatVector.broadcast(SPECIES, 1f);
      for (int e = 0; e < count; e += SPECIES.length()) {
        FloatVector l = FloatVector.fromArray(SPECIES, logits, e).add(bias);
        FloatVector xv = FloatVector.fromArray(SPECIES, inputs, e);
        FloatVector t = l.abs().neg().lanewise(VectorOperators.EXP);
        l.max(0f).add(VectorMath.log1p(t)).sub(xv.mul(l)).intoArray(nll, e);
        FloatVector sigmoid = one.div(one.add(t)); // sigmoid(|l|)
        sigmoid.blend(sigmoid.mul(t), l.lt(0f)).sub(xv).intoArray(g, e);
      }
    }

    /**
     * dL/dV_row += sum_e g_e h_e, the row's sum held in two registers across the block, and
     * u_e += g_e V_row.
     */
    private void outputGradient(int row, int count, float[] v) {
      for (int k = 0; k < padded; k += SPECIES.length()) {
        FloatVector vv = FloatVector.fromArray(SPECIES, v, row + k);
        FloatVector acc0 = FloatVector.fromArray(SPECIES, gv, row + k);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int e = 0;
        for (; e + 2 <= count; e += 2) {
          int at = e * padded + k;
          FloatVector g0 = FloatVector.broadcast(SPECIES, g[e]);
          FloatVector g1 = FloatVector.broadcast(SPECIES, g[e + 1]);
          acc0 = FloatVector.fromArray(SPECIES, h, at).fma(g0, acc0);
          acc1 = FloatVector.fromArray(SPECIES, h, at + padded).fma(g1, acc1);
          vv.fma(g0, FloatVector.fromArray(SPECIES, u, at)).intoArray(u, at);
          vv.fma(g1, FloatVector.fromArray(SPECIES, u, at + padded)).intoArray(u, at + padded);
        }
        if (e < count) {
          int at = e * padded + k;
          FloatVector g0 = FloatVector.broadcast(SPECIES, g[e]);
          acc0 = FloatVector.fromArray(SPECIES, h, at).fma(g0, acc0);
          vv.fma(g0, FloatVector.fromArray(SPECIES, u, at)).intoArray(u, at);
        }
        acc0.add(acc1).intoArray(gv, row + k);
      }
    }

    /**
     * Folds u into T (T += u s, u = 0), so T is T_i, before h changes; with {@code xd} != 0
     * also does dL/dW_row -= xd T_i, the first part of x_{o_i} (T_{D-1} - T_i).
     */
    private void fold(int at, int row, float xd) {
      FloatVector minusX = FloatVector.broadcast(SPECIES, -xd);
      for (int k = 0; k < padded; k += SPECIES.length()) {
        FloatVector t = FloatVector.fromArray(SPECIES, u, at + k)
            .fma(FloatVector.fromArray(SPECIES, s, at + k),
                FloatVector.fromArray(SPECIES, total, at + k));
        t.intoArray(total, at + k);
        FloatVector.zero(SPECIES).intoArray(u, at + k);
        if (xd != 0f) {
          t.fma(minusX, FloatVector.fromArray(SPECIES, gw, row + k)).intoArray(gw, row + k);
        }
      }
    }

    /** a_e += xd W_row. */
    private void advance(int at, int row, float xd, float[] w) {
      addRow(w, row, a, at, xd);
    }

    /** to[toAt ..] += scale from[fromAt ..], one padded row. */
    private void addRow(float[] from, int fromAt, float[] to, int toAt, float scale) {
      FloatVector factor = FloatVector.broadcast(SPECIES, scale);
      for (int k = 0; k < padded; k += SPECIES.length()) {
        FloatVector.fromArray(SPECIES, from, fromAt + k)
            .fma(factor, FloatVector.fromArray(SPECIES, to, toAt + k)).intoArray(to, toAt + k);
      }
    }

    /** h = sigmoid(a) and, for the gradient, s = h (1 - h), of the row at {@code at}. */
    private void activate(int at, boolean gradient) {
      FloatVector one = FloatVector.broadcast(SPECIES, 1f);
      for (int k = at; k < at + padded; k += SPECIES.length()) {
        FloatVector hv = one.div(one.add(
            FloatVector.fromArray(SPECIES, a, k).neg().lanewise(VectorOperators.EXP)));
        hv.intoArray(h, k);
        if (gradient) {
          hv.mul(one.sub(hv)).intoArray(s, k);
        }
      }
    }
  }
}
