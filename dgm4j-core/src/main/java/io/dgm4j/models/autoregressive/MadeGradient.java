package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.engine.VectorMath;
import io.dgm4j.engine.Workers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One maximum-likelihood step of MADE under one mask set, derived by hand: the matrix products
 * on the engine, everything around them in single passes of plain Java over the tensors' own
 * memory with the JDK's vector API (incubator module {@code jdk.incubator.vector}; {@link Made}
 * uses this only when the module is present and the tensors are in CPU memory).
 *
 * <p>With masked weights W'_l = W_l ∘ M_l, h_0 = x, a_l = h_{l-1} W'_l + b_l, h_l = relu(a_l)
 * (l = 1..L), logits z = h_L V' + c [+ x D'] and the mean loss
 * L = (1/N) sum_n sum_d [softplus(z_nd) - x_nd z_nd]:
 *
 * <pre>
 *   g = dL/dz = (sigmoid(z) - x) / N          dL/dc = sum_n g_n
 *   dL/dV = (h_L^T g) ∘ M_out                  dL/dD = (x^T g) ∘ M_direct
 *   delta_L = (g V'^T) ∘ [h_L &gt; 0]
 *   dL/db_l = sum_n delta_l,n                  dL/dW_l = (h_{l-1}^T delta_l) ∘ M_l
 *   delta_{l-1} = (delta_l W'_l^T) ∘ [h_{l-1} &gt; 0]
 * </pre>
 *
 * ([h &gt; 0] is [a &gt; 0]: relu's derivative, 0 at a = 0 as autograd takes it.)
 *
 * <p>Why by hand: autograd's step runs the same products but surrounds them with a dozen
 * elementwise passes of the engine, each a separate operation over (N, D), (N, H) or a weight
 * matrix: the mask built from the degrees and multiplied into every weight, the bias adds,
 * ReLU, the Bernoulli terms, their backward passes, the gradients' masks and their addition
 * into the gradient buffers. Here each is one pass fused with its neighbours: the masked
 * weights are written into buffers kept across steps, each mask computed in registers from
 * the units' degrees (no mask is stored, which for 2 x 8,000 units and 32 sets would be 9.8 GB
 * of floats); the bias and ReLU are one pass over the product in place; the loss, the signal g
 * and dL/dc are one pass; the gradient products are masked as they are added into the
 * gradient buffers. {@link Made} uses it for large weight matrices, where it measured faster.
 *
 * <p>Work is split over {@code threads} workers by rows; column sums (the bias gradients) are
 * kept per worker and added at the end.
 */
final class MadeGradient {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  /** The most entries of a weight-gradient product formed at once (32 MB of floats). */
  private static final long BLOCK_ENTRIES = 1L << 23;

  private final NDArray[] masked; // W'_l = W_l ∘ M_l per link, kept across steps, no gradient
  private final ByteBuffer[] maskedViews;

  /**
   * Buffers for the masked copies of {@code weights} (one per link), in {@code manager} (the
   * model's: they live as long as it).
   */
  MadeGradient(NDManager manager, NDArray[] weights) {
    masked = new NDArray[weights.length];
    maskedViews = new ByteBuffer[weights.length];
    for (int l = 0; l < masked.length; l++) {
      masked[l] = manager.zeros(weights[l].getShape());
      NDScope.unregister(masked[l]);
      maskedViews[l] = SharedMemory.view(masked[l]);
    }
  }

  /**
   * W_l ∘ M_l for each link of a mask set, written into this object's buffers and returned:
   * they stay this object's (callers must not close them) and hold the set until the next call.
   */
  synchronized NDArray[] masked(MadeMasks.Link[] links, NDArray[] weights, int threads) {
    for (int l = 0; l < links.length; l++) {
      ByteBuffer from = SharedMemory.view(weights[l]);
      MadeMasks.Link link = links[l];
      ByteBuffer to = maskedViews[l];
      float[] degrees = asFloats(link.to());
      Workers.rows(link.from().length, threads, (part, first, end) -> {
        for (int i = first; i < end; i++) {
          maskRow(link, degrees, i, from, i, to, null);
        }
      });
    }
    return masked.clone();
  }

  /**
   * The mean negative log-likelihood of the rows of x under the mask set whose links are
   * {@code links}, its gradient added into the gradient buffers.
   *
   * @param x (N, D), float32 in CPU memory
   * @param links the set's links: hidden layers, output, then the direct connection if any
   * @param weights one per link, (in, out)
   * @param biases the hidden layers' and the output's, one per link but the direct one
   * @param weightGradients views of the weights' gradient buffers, added into
   * @param biasGradients views of the biases' gradient buffers, added into
   * @return (1/N) sum_n -log p(x_n)
   */
  synchronized double meanLossAndGradient(NDArray x, MadeMasks.Link[] links, NDArray[] weights,
      NDArray[] biases, ByteBuffer[] weightGradients, ByteBuffer[] biasGradients, int threads) {
    int layers = biases.length - 1;
    boolean direct = links.length > layers + 1;
    int n = (int) x.getShape().get(0);
    int dimension = (int) x.getShape().get(1);
    masked(links, weights, threads);
    try (NDManager scope = x.getManager().newSubManager()) {
      ByteBuffer view = SharedMemory.view(x);
      NDArray input = view != null ? x : scope.create(x.toFloatArray(), x.getShape());
      ByteBuffer xs = view != null ? view : SharedMemory.view(input);
      NDArray[] h = new NDArray[layers + 1];
      h[0] = input;
      for (int l = 0; l < layers; l++) {
        h[l + 1] = h[l].matMul(masked[l]); // (N, in) x (in, out)
        h[l + 1].attach(scope);
        float[] bias = biases[l].toFloatArray();
        ByteBuffer a = SharedMemory.view(h[l + 1]);
        int width = bias.length;
        Workers.rows(n, threads, (part, first, end) -> {
          for (int r = first; r < end; r++) {
            biasRelu(a, r * width, bias);
          }
        });
      }
      NDArray z = h[layers].matMul(masked[layers]);
      z.attach(scope);
      ByteBuffer extra = null;
      if (direct) {
        NDArray fromInput = input.matMul(masked[layers + 1]);
        fromInput.attach(scope);
        extra = SharedMemory.view(fromInput);
      }
      float[] c = biases[layers].toFloatArray();
      ByteBuffer zs = SharedMemory.view(z);
      ByteBuffer directLogits = extra;
      float scale = 1f / n;
      double[] partLoss = new double[threads];
      float[][] columnSums = new float[threads][dimension];
      Workers.rows(n, threads, (part, first, end) -> {
        double loss = 0;
        for (int r = first; r < end; r++) {
          loss += lossAndSignal(zs, directLogits, xs, r * dimension, c, scale, columnSums[part]);
        }
        partLoss[part] = loss;
      });
      addColumnSums(columnSums, biasGradients[layers]);
      addMaskedProduct(h[layers], z, links[layers], weightGradients[layers], threads);
      if (direct) {
        addMaskedProduct(input, z, links[layers + 1], weightGradients[layers + 1], threads);
      }
      NDArray delta = z;
      for (int l = layers - 1; l >= 0; l--) {
        NDArray back = delta.matMul(masked[l + 1].transpose()); // (N, out_{l+1}) -> (N, in)
        back.attach(scope);
        ByteBuffer d = SharedMemory.view(back);
        ByteBuffer act = SharedMemory.view(h[l + 1]);
        int width = (int) back.getShape().get(1);
        float[][] sums = new float[threads][width];
        Workers.rows(n, threads, (part, first, end) -> {
          for (int r = first; r < end; r++) {
            reluBackward(d, act, r * width, width, sums[part]);
          }
        });
        addColumnSums(sums, biasGradients[l]);
        addMaskedProduct(h[l], back, links[l], weightGradients[l], threads);
        delta = back;
      }
      double loss = 0;
      for (double p : partLoss) {
        loss += p;
      }
      return loss / n;
    }
  }

  /**
   * gradient += (a^T b) ∘ M for a (N, in) and b (N, out), the product formed a block of its rows
   * at a time (at most {@link #BLOCK_ENTRIES} entries) and each block masked into the gradient
   * while it is fresh. The whole (in, out) product at once would be a new allocation per step
   * (256 MB for 8,000 x 8,000) that the C library maps afresh and the product then faults in
   * page by page: 200 ms for that product alone at one thread, against 80 for its arithmetic.
   * Blocks of at most 32 MB are reused from the C library's heap.
   */
  private static void addMaskedProduct(NDArray a, NDArray b, MadeMasks.Link link,
      ByteBuffer gradient, int threads) {
    float[] to = asFloats(link.to());
    int in = link.from().length;
    int width = to.length;
    int blockRows = (int) Math.max(1, Math.min(in, BLOCK_ENTRIES / width));
    for (int first = 0; first < in; first += blockRows) {
      int end = Math.min(in, first + blockRows);
      int offset = first;
      try (NDArray columns = a.get(new NDIndex(":, {}:{}", first, end));
          NDArray product = columns.transpose().matMul(b)) { // (end - first, out)
        ByteBuffer p = SharedMemory.view(product);
        Workers.rows(end - first, threads, (part, from, until) -> {
          for (int r = from; r < until; r++) {
            maskRow(link, to, offset + r, p, r, gradient, gradient);
          }
        });
      }
    }
  }

  /**
   * Row i of a link's (in, out) matrix masked: out[i, j] = in[inRow, j] M[i, j] (+ add[i, j]
   * when {@code add} is given), M[i, j] = [to[j] &gt;= from[i]] or, strict, [to[j] &gt; from[i]],
   * i.e. [to[j] &gt;= from[i] + 1]. The degrees are compared as floats (exact below 2^24), so the
   * comparison's mask is already the float vectors' and one constant comparison serves both
   * kinds of link: the vector API compiles an operation to vector instructions only when its
   * operator is a constant and no mask changes species (with the operator chosen at run time
   * and an int comparison cast to floats, the masking of 2 x 8,000 units' weights took 350 ms
   * instead of 53).
   */
  private static void maskRow(MadeMasks.Link link, float[] to, int i, ByteBuffer in,
      int inRow, ByteBuffer out, ByteBuffer add) {
    int width = to.length;
    float degree = link.from()[i] + (link.strict() ? 1 : 0);
    FloatVector zero = FloatVector.zero(FLOATS);
    int lanes = FLOATS.length();
    int bound = FLOATS.loopBound(width);
    int source = inRow * width * Float.BYTES;
    int target = i * width * Float.BYTES;
    int j = 0;
    for (; j < bound; j += lanes) {
      VectorMask<Float> m = FloatVector.fromArray(FLOATS, to, j).compare(VectorOperators.GE,
          degree);
      int at = j * Float.BYTES;
      FloatVector v = zero.blend(FloatVector.fromByteBuffer(FLOATS, in, source + at, NATIVE), m);
      if (add != null) {
        v = v.add(FloatVector.fromByteBuffer(FLOATS, add, target + at, NATIVE));
      }
      v.intoByteBuffer(out, target + at, NATIVE);
    }
    for (; j < width; j++) {
      int at = j * Float.BYTES;
      float v = to[j] >= degree ? in.getFloat(source + at) : 0f;
      out.putFloat(target + at, add == null ? v : v + add.getFloat(target + at));
    }
  }

  private static float[] asFloats(int[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = values[i];
    }
    return f;
  }

  /** a[from .. from + b.length) = max(a + b, 0), in place. */
  private static void biasRelu(ByteBuffer a, int from, float[] b) {
    int lanes = FLOATS.length();
    int bound = FLOATS.loopBound(b.length);
    int k = 0;
    for (; k < bound; k += lanes) {
      int at = (from + k) * Float.BYTES;
      FloatVector.fromByteBuffer(FLOATS, a, at, NATIVE).add(FloatVector.fromArray(FLOATS, b, k))
          .max(0f).intoByteBuffer(a, at, NATIVE);
    }
    for (; k < b.length; k++) {
      int at = (from + k) * Float.BYTES;
      a.putFloat(at, Math.max(a.getFloat(at) + b[k], 0f));
    }
  }

  /**
   * One row: z = z (+ extra) + c, the row's loss sum_d [softplus(z) - x z] returned, and z
   * replaced by g = (sigmoid(z) - x) scale, added into {@code sums}. exp(-|z|) keeps both stable.
   */
  private static double lossAndSignal(ByteBuffer z, ByteBuffer extra, ByteBuffer x, int from,
      float[] c, float scale, float[] sums) {
    int lanes = FLOATS.length();
    int width = c.length;
    int bound = FLOATS.loopBound(width);
    FloatVector one = FloatVector.broadcast(FLOATS, 1f);
    FloatVector total = FloatVector.zero(FLOATS);
    int d = 0;
    for (; d < bound; d += lanes) {
      int at = (from + d) * Float.BYTES;
      FloatVector l = FloatVector.fromByteBuffer(FLOATS, z, at, NATIVE)
          .add(FloatVector.fromArray(FLOATS, c, d));
      if (extra != null) {
        l = l.add(FloatVector.fromByteBuffer(FLOATS, extra, at, NATIVE));
      }
      FloatVector xv = FloatVector.fromByteBuffer(FLOATS, x, at, NATIVE);
      FloatVector t = l.abs().neg().lanewise(VectorOperators.EXP);
      total = total.add(l.max(0f).add(VectorMath.log1p(t)).sub(xv.mul(l)));
      FloatVector sigmoid = one.div(one.add(t)); // sigmoid(|l|)
      FloatVector g = sigmoid.blend(sigmoid.mul(t), l.lt(0f)).sub(xv).mul(scale);
      g.intoByteBuffer(z, at, NATIVE);
      g.add(FloatVector.fromArray(FLOATS, sums, d)).intoArray(sums, d);
    }
    double loss = total.reduceLanes(VectorOperators.ADD);
    for (; d < width; d++) {
      int at = (from + d) * Float.BYTES;
      float l = z.getFloat(at) + c[d] + (extra != null ? extra.getFloat(at) : 0f);
      float xv = x.getFloat(at);
      float t = (float) Math.exp(-Math.abs(l));
      loss += Math.max(l, 0f) + (float) Math.log1p(t) - xv * l;
      float sigmoid = 1f / (1f + t);
      float g = ((l < 0f ? sigmoid * t : sigmoid) - xv) * scale;
      z.putFloat(at, g);
      sums[d] += g;
    }
    return loss;
  }

  /** One row of width: delta = delta [h &gt; 0] in place, added into {@code sums}. */
  private static void reluBackward(ByteBuffer delta, ByteBuffer h, int from, int width,
      float[] sums) {
    int lanes = FLOATS.length();
    int bound = FLOATS.loopBound(width);
    FloatVector zero = FloatVector.zero(FLOATS);
    int k = 0;
    for (; k < bound; k += lanes) {
      int at = (from + k) * Float.BYTES;
      FloatVector d = zero.blend(FloatVector.fromByteBuffer(FLOATS, delta, at, NATIVE),
          FloatVector.fromByteBuffer(FLOATS, h, at, NATIVE).compare(VectorOperators.GT, 0f));
      d.intoByteBuffer(delta, at, NATIVE);
      d.add(FloatVector.fromArray(FLOATS, sums, k)).intoArray(sums, k);
    }
    for (; k < width; k++) {
      int at = (from + k) * Float.BYTES;
      float d = h.getFloat(at) > 0f ? delta.getFloat(at) : 0f;
      delta.putFloat(at, d);
      sums[k] += d;
    }
  }

  /** gradient[j] += sum over workers of sums[w][j]. */
  private static void addColumnSums(float[][] sums, ByteBuffer gradient) {
    for (int j = 0; j < sums[0].length; j++) {
      float total = 0;
      for (float[] part : sums) {
        total += part[j];
      }
      int at = j * Float.BYTES;
      gradient.putFloat(at, gradient.getFloat(at) + total);
    }
  }
}
