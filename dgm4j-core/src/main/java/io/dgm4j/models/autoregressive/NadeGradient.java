package io.dgm4j.models.autoregressive;

import io.dgm4j.engine.Workers;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * NADE's negative log-likelihood and its exact gradient, derived by hand and computed in one
 * sweep over the ordering per example, on plain float arrays with the JDK's vector API
 * (incubator module {@code jdk.incubator.vector}; {@link Nade} uses it only when the module is
 * present). See {@link Nade} for why this route was chosen.
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
 * example: the sweep keeps a, T and h (H each) and reads each V row once; the work is O(D H)
 * per example, about 8 D H flops plus D H exponentials, all in SIMD registers.
 *
 * <p>The hidden size is padded to a multiple of the vector length with zero weights: a padded
 * unit has a = 0, contributes V = 0 to every logit and so receives no gradient that is kept.
 * Examples are split over {@code threads} workers, each with its own gradient buffers, summed
 * at the end.
 */
final class NadeGradient {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private final int dimension;
  private final int hidden;
  private final int padded; // hidden rounded up to a multiple of the vector length
  private final List<Workspace> workspaces = new ArrayList<>();

  NadeGradient(int dimension, int hidden) {
    this.dimension = dimension;
    this.hidden = hidden;
    int lanes = SPECIES.length();
    this.padded = (hidden + lanes - 1) / lanes * lanes;
  }

  /**
   * The mean loss and mean gradients (written into the {@code grad*} arrays, unpadded layouts
   * like the parameters) of a batch.
   *
   * @param x (n, D) row-major, values 0/1 (any real values are handled exactly)
   * @param order the ordering o
   * @param w (D, H) row-major; {@code c} (H); {@code v} (D, H); {@code b} (D)
   * @return mean over the batch of -log p(x_n)
   */
  synchronized double meanLossAndGradient(float[] x, int n, int[] order, float[] w, float[] c,
      float[] v, float[] b, float[] gradW, float[] gradC, float[] gradV, float[] gradB,
      int threads) {
    float[] wp = pad(w);
    float[] vp = pad(v);
    float[] cp = java.util.Arrays.copyOf(c, padded);
    int workers = split(n, threads, (ws, from, to) -> ws.run(x, from, to, order, wp, cp, vp, b));
    float scale = 1f / n;
    double loss = 0;
    java.util.Arrays.fill(gradB, 0f);
    java.util.Arrays.fill(gradC, 0f);
    for (int t = 0; t < workers; t++) {
      Workspace ws = workspaces.get(t);
      loss += ws.loss;
      for (int d = 0; d < dimension; d++) {
        gradB[d] += ws.gb[d] * scale;
      }
      for (int k = 0; k < hidden; k++) {
        gradC[k] += ws.gc[k] * scale;
      }
    }
    for (int d = 0; d < dimension; d++) {
      for (int k = 0; k < hidden; k++) {
        float sw = 0;
        float sv = 0;
        for (int t = 0; t < workers; t++) {
          Workspace ws = workspaces.get(t);
          sw += ws.gw[d * padded + k];
          sv += ws.gv[d * padded + k];
        }
        gradW[d * hidden + k] = sw * scale;
        gradV[d * hidden + k] = sv * scale;
      }
    }
    return loss / n;
  }

  /**
   * Adds {@code values[i]} into the gradient of {@code parameters[i]} for each i, through views
   * of the gradients' memory, as a backward pass accumulates; false (and nothing added) when a
   * gradient does not exist yet (before the first backward pass) or is not in plain CPU memory,
   * e.g. on a GPU.
   */
  static boolean addToGradients(ai.djl.ndarray.NDArray[] parameters, float[][] values) {
    java.nio.ByteBuffer[] views = new java.nio.ByteBuffer[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      ai.djl.ndarray.NDArray buffer = io.dgm4j.engine.Autograd.gradientBuffer(parameters[i]);
      views[i] = buffer == null ? null : io.dgm4j.engine.SharedMemory.view(buffer);
      if (views[i] == null || views[i].capacity() != values[i].length * Float.BYTES) {
        return false;
      }
    }
    int lanes = SPECIES.length();
    java.nio.ByteOrder order = java.nio.ByteOrder.nativeOrder();
    for (int i = 0; i < parameters.length; i++) {
      java.nio.ByteBuffer view = views[i];
      float[] add = values[i];
      int bound = SPECIES.loopBound(add.length);
      int k = 0;
      for (; k < bound; k += lanes) {
        int at = k * Float.BYTES;
        FloatVector.fromByteBuffer(SPECIES, view, at, order)
            .add(FloatVector.fromArray(SPECIES, add, k)).intoByteBuffer(view, at, order);
      }
      for (; k < add.length; k++) {
        int at = k * Float.BYTES;
        view.putFloat(at, view.getFloat(at) + add[k]);
      }
    }
    return true;
  }

  /**
   * log p(x_n) of each example, the forward half of the sweep only (no gradient).
   *
   * @param out receives n values
   */
  synchronized void logProb(float[] x, int n, int[] order, float[] w, float[] c, float[] v,
      float[] b, int threads, float[] out) {
    float[] wp = pad(w);
    float[] vp = pad(v);
    float[] cp = java.util.Arrays.copyOf(c, padded);
    split(n, threads, (ws, from, to) -> ws.logProbs(x, from, to, order, wp, cp, vp, b, out));
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

  /** (D, H) to (D, padded) with zero columns. */
  private float[] pad(float[] m) {
    if (padded == hidden) {
      return m;
    }
    float[] p = new float[dimension * padded];
    for (int d = 0; d < dimension; d++) {
      System.arraycopy(m, d * hidden, p, d * padded, hidden);
    }
    return p;
  }

  /** One worker's buffers and sums over its examples. */
  private static final class Workspace {
    final int dimension;
    final int padded;
    final float[] a;
    final float[] h;
    final float[] total; // T, the running sum of delta
    final float[] gw;
    final float[] gv;
    final float[] gc;
    final float[] gb;
    final int[] nonzero;
    double loss;

    Workspace(int dimension, int padded) {
      this.dimension = dimension;
      this.padded = padded;
      a = new float[padded];
      h = new float[padded];
      total = new float[padded];
      gw = new float[dimension * padded];
      gv = new float[dimension * padded];
      gc = new float[padded];
      gb = new float[dimension];
      nonzero = new int[dimension];
    }

    /** Sums the loss and gradients of examples [from, to) into this workspace. */
    void run(float[] x, int from, int to, int[] order, float[] w, float[] c, float[] v,
        float[] b) {
      java.util.Arrays.fill(gw, 0f);
      java.util.Arrays.fill(gv, 0f);
      java.util.Arrays.fill(gc, 0f);
      java.util.Arrays.fill(gb, 0f);
      loss = 0;
      for (int e = from; e < to; e++) {
        loss += example(x, e * dimension, order, w, c, v, b);
      }
    }

    /** log p(x_e) for examples [from, to) into out[e]: the sweep's forward half. */
    void logProbs(float[] x, int from, int to, int[] order, float[] w, float[] c, float[] v,
        float[] b, float[] out) {
      int lanes = SPECIES.length();
      FloatVector one = FloatVector.broadcast(SPECIES, 1f);
      for (int e = from; e < to; e++) {
        int offset = e * dimension;
        System.arraycopy(c, 0, a, 0, padded);
        double logProb = 0;
        for (int i = 0; i < dimension; i++) {
          int d = order[i];
          int row = d * padded;
          double logit = hiddenAndLogit(row, v, b[d]);
          float xd = x[offset + d];
          logProb -= (logit > 0 ? logit + Math.log1p(Math.exp(-logit))
              : Math.log1p(Math.exp(logit))) - xd * logit;
          if (xd != 0f) {
            FloatVector xv = FloatVector.broadcast(SPECIES, xd);
            for (int k = 0; k < padded; k += lanes) {
              FloatVector.fromArray(SPECIES, w, row + k)
                  .fma(xv, FloatVector.fromArray(SPECIES, a, k)).intoArray(a, k);
            }
          }
        }
        out[e] = (float) logProb;
      }
    }

    /** h = sigmoid(a) into {@link #h}, and returns the logit bias + V_row . h. */
    private double hiddenAndLogit(int row, float[] v, float bias) {
      int lanes = SPECIES.length();
      FloatVector one = FloatVector.broadcast(SPECIES, 1f);
      FloatVector dot = FloatVector.zero(SPECIES);
      for (int k = 0; k < padded; k += lanes) {
        FloatVector hv = one.div(one.add(
            FloatVector.fromArray(SPECIES, a, k).neg().lanewise(VectorOperators.EXP)));
        hv.intoArray(h, k);
        dot = FloatVector.fromArray(SPECIES, v, row + k).fma(hv, dot);
      }
      return bias + dot.reduceLanes(VectorOperators.ADD);
    }

    /** One example's loss; adds its gradients. */
    private double example(float[] x, int offset, int[] order, float[] w, float[] c, float[] v,
        float[] b) {
      int lanes = SPECIES.length();
      System.arraycopy(c, 0, a, 0, padded);
      java.util.Arrays.fill(total, 0f);
      FloatVector one = FloatVector.broadcast(SPECIES, 1f);
      double loss = 0;
      int ones = 0;
      for (int i = 0; i < dimension; i++) {
        int d = order[i];
        int row = d * padded;
        double logit = hiddenAndLogit(row, v, b[d]);
        float xd = x[offset + d];
        // softplus(l) - x l, and its derivative sigmoid(l) - x
        loss += (logit > 0 ? logit + Math.log1p(Math.exp(-logit)) : Math.log1p(Math.exp(logit)))
            - xd * logit;
        float g = (float) (1 / (1 + Math.exp(-logit))) - xd;
        gb[d] += g;
        FloatVector gv8 = FloatVector.broadcast(SPECIES, g);
        if (xd == 0f) {
          for (int k = 0; k < padded; k += lanes) {
            FloatVector hv = FloatVector.fromArray(SPECIES, h, k);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, row + k);
            hv.fma(gv8, FloatVector.fromArray(SPECIES, gv, row + k)).intoArray(gv, row + k);
            gv8.mul(vv).mul(hv).mul(one.sub(hv))
                .add(FloatVector.fromArray(SPECIES, total, k)).intoArray(total, k);
          }
        } else {
          FloatVector xv = FloatVector.broadcast(SPECIES, xd);
          for (int k = 0; k < padded; k += lanes) {
            FloatVector hv = FloatVector.fromArray(SPECIES, h, k);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, row + k);
            hv.fma(gv8, FloatVector.fromArray(SPECIES, gv, row + k)).intoArray(gv, row + k);
            FloatVector t = gv8.mul(vv).mul(hv).mul(one.sub(hv))
                .add(FloatVector.fromArray(SPECIES, total, k));
            t.intoArray(total, k);
            // dL/dW_d = x_d (T_{D-1} - T_i): the -x_d T_i part now, the rest at the end
            t.neg().fma(xv, FloatVector.fromArray(SPECIES, gw, row + k)).intoArray(gw, row + k);
            FloatVector.fromArray(SPECIES, w, row + k)
                .fma(xv, FloatVector.fromArray(SPECIES, a, k)).intoArray(a, k);
          }
          nonzero[ones++] = d;
        }
      }
      for (int k = 0; k < padded; k += lanes) {
        FloatVector t = FloatVector.fromArray(SPECIES, total, k);
        t.add(FloatVector.fromArray(SPECIES, gc, k)).intoArray(gc, k);
      }
      for (int j = 0; j < ones; j++) {
        int d = nonzero[j];
        int row = d * padded;
        FloatVector xv = FloatVector.broadcast(SPECIES, x[offset + d]);
        for (int k = 0; k < padded; k += lanes) {
          FloatVector.fromArray(SPECIES, total, k)
              .fma(xv, FloatVector.fromArray(SPECIES, gw, row + k)).intoArray(gw, row + k);
        }
      }
      return loss;
    }
  }
}
