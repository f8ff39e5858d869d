package io.dgm4j.models.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.engine.VectorMath;
import io.dgm4j.engine.Workers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One maximum-likelihood step of the {@link MixtureOfBernoullis}, derived by hand: the two matrix
 * products on the engine, everything around them in single passes of plain Java with the JDK's
 * vector API (incubator module {@code jdk.incubator.vector}; the model uses this only when the
 * module is present and the tensors are in CPU memory).
 *
 * <p>With pixel logits L (K, D), mixing logits a (K), pi = softmax(a), s_k = sum_d
 * softplus(l_kd) and J_nk = (x_n L^T)_k + log pi_k - s_k, the loss is the mean negative
 * log-likelihood (1/N) sum_n -logSumExp_k J_nk. With the responsibilities r_nk = softmax_k
 * J_nk and R_k = sum_n r_nk:
 *
 * <pre>
 *   dLoss/da_k  = pi_k - R_k / N
 *   dLoss/dl_kd = (R_k sigmoid(l_kd) - (r^T x)_kd) / N
 * </pre>
 *
 * <p>Why by hand: autograd's step runs the same two products (x L^T forward, r^T x backward)
 * but around them a dozen engine operations, each a pass over (N, K) or (K, D) with its own
 * allocation: the softplus of every logit and its sum, the log-softmax of a, the broadcast adds,
 * the log-sum-exp, and the backward pass of each. Here they are three passes: one over L (the
 * softplus sums and the sigmoids, from one exp(-|l|) each), one over the (N, K) product (the
 * log-sum-exp of each row, the responsibilities written in place and summed by column), and one
 * over L again (the gradient added into its buffer).
 *
 * <p>Responsibilities below e^-60 of a row's largest are set to 0, as {@link
 * io.dgm4j.nn.TensorMath#logSumExp} leaves such terms out (at most K e^-60 of the sum): once the
 * components sharpen, most of r would otherwise be subnormal floats, on which the backward
 * product runs many times slower.
 */
final class MixtureGradient {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  /** Terms this far below a row's largest are left out of its log-sum-exp (as TensorMath's). */
  private static final float CUTOFF = -60f;

  private float[] sigmoids = new float[0]; // sigmoid(L), (K, D), kept across steps


  /**
   * The mean negative log-likelihood of the rows of x, its gradient added into the gradient
   * buffers.
   *
   * @param x (N, D), float32 in CPU memory
   * @param mixingLogits a, (K)
   * @param logits L, (K, D)
   * @param mixingGradient view of a's gradient buffer, added into
   * @param logitsGradient view of L's gradient buffer, added into
   * @return (1/N) sum_n -log p(x_n)
   */
  synchronized double meanLossAndGradient(NDArray x, NDArray mixingLogits, NDArray logits,
      ByteBuffer mixingGradient, ByteBuffer logitsGradient, int threads) {
    int n = (int) x.getShape().get(0);
    int k = (int) logits.getShape().get(0);
    int d = (int) logits.getShape().get(1);
    if (sigmoids.length != k * d) {
      sigmoids = new float[k * d];
    }
    ByteBuffer l = SharedMemory.view(logits);
    float[] offset = new float[k]; // log pi_k - s_k
    double[] pi = softmax(mixingLogits.toFloatArray());
    Workers.rows(k, threads, (part, first, end) -> {
      for (int c = first; c < end; c++) {
        offset[c] = (float) (Math.log(pi[c]) - softplusSumAndSigmoids(l, c * d, d, sigmoids));
      }
    });
    try (NDManager scope = x.getManager().newSubManager()) {
      NDArray weights = logits.stopGradient();
      weights.attach(scope);
      NDArray joint = x.matMul(weights.transpose()); // (N, D) x (D, K)
      joint.attach(scope);
      ByteBuffer j = SharedMemory.view(joint);
      double[] partLoss = new double[threads];
      float[][] columnSums = new float[threads][k];
      Workers.rows(n, threads, (part, first, end) -> {
        double loss = 0;
        for (int r = first; r < end; r++) {
          loss -= responsibilities(j, r * k, offset, columnSums[part]);
        }
        partLoss[part] = loss;
      });
      float[] total = new float[k];
      for (float[] part : columnSums) {
        for (int c = 0; c < k; c++) {
          total[c] += part[c];
        }
      }
      NDArray backward = joint.transpose().matMul(x); // (K, N) x (N, D): r^T x
      backward.attach(scope);
      ByteBuffer rx = SharedMemory.view(backward);
      float scale = 1f / n;
      Workers.rows(k, threads, (part, first, end) -> {
        for (int c = first; c < end; c++) {
          addLogitGradient(rx, sigmoids, c * d, d, total[c], scale, logitsGradient);
        }
      });
      for (int c = 0; c < k; c++) {
        int at = c * Float.BYTES;
        mixingGradient.putFloat(at, mixingGradient.getFloat(at)
            + (float) (pi[c] - total[c] * (double) scale));
      }
      double loss = 0;
      for (double p : partLoss) {
        loss += p;
      }
      return loss / n;
    }
  }

  /** softmax(a) in double precision. */
  private static double[] softmax(float[] a) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : a) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] p = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      p[i] = Math.exp(a[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < a.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /**
   * sum_d softplus(l_d) over one component's row of L (at float offset {@code from}), and
   * sigmoid(l_d) written into {@code sigmoids} at the same place; both from t = exp(-|l|):
   * softplus = max(l, 0) + log1p(t), sigmoid = 1 / (1 + t) for l ≥ 0, t / (1 + t) below.
   */
  private static double softplusSumAndSigmoids(ByteBuffer l, int from, int width,
      float[] sigmoids) {
    int lanes = FLOATS.length();
    int bound = FLOATS.loopBound(width);
    FloatVector one = FloatVector.broadcast(FLOATS, 1f);
    FloatVector total = FloatVector.zero(FLOATS);
    int i = 0;
    for (; i < bound; i += lanes) {
      FloatVector v = FloatVector.fromByteBuffer(FLOATS, l, (from + i) * Float.BYTES, NATIVE);
      FloatVector t = v.abs().neg().lanewise(VectorOperators.EXP);
      total = total.add(v.max(0f).add(VectorMath.log1p(t)));
      FloatVector sigmoid = one.div(one.add(t)); // sigmoid(|l|)
      sigmoid.blend(sigmoid.mul(t), v.lt(0f)).intoArray(sigmoids, from + i);
    }
    double sum = total.reduceLanes(VectorOperators.ADD);
    for (; i < width; i++) {
      float v = l.getFloat((from + i) * Float.BYTES);
      float t = (float) Math.exp(-Math.abs(v));
      sum += Math.max(v, 0f) + (float) Math.log1p(t);
      float sigmoid = 1f / (1f + t);
      sigmoids[from + i] = v < 0f ? sigmoid * t : sigmoid;
    }
    return sum;
  }

  /**
   * One row of the (N, K) product: J = product + offset, its log-sum-exp returned, and the row
   * replaced by the responsibilities softmax(J) (0 below e^-60 of the largest), added into
   * {@code sums}.
   */
  private static double responsibilities(ByteBuffer j, int from, float[] offset, float[] sums) {
    int width = offset.length;
    int lanes = FLOATS.length();
    int bound = FLOATS.loopBound(width);
    FloatVector maxima = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
    int c = 0;
    for (; c < bound; c += lanes) {
      int at = (from + c) * Float.BYTES;
      FloatVector v = FloatVector.fromByteBuffer(FLOATS, j, at, NATIVE)
          .add(FloatVector.fromArray(FLOATS, offset, c));
      v.intoByteBuffer(j, at, NATIVE);
      maxima = maxima.max(v);
    }
    float max = maxima.reduceLanes(VectorOperators.MAX);
    for (; c < width; c++) {
      int at = (from + c) * Float.BYTES;
      float v = j.getFloat(at) + offset[c];
      j.putFloat(at, v);
      max = Math.max(max, v);
    }
    FloatVector zero = FloatVector.zero(FLOATS);
    FloatVector total = zero;
    c = 0;
    for (; c < bound; c += lanes) {
      int at = (from + c) * Float.BYTES;
      FloatVector shifted = FloatVector.fromByteBuffer(FLOATS, j, at, NATIVE).sub(max);
      FloatVector e = zero.blend(shifted.lanewise(VectorOperators.EXP),
          shifted.compare(VectorOperators.GE, CUTOFF));
      e.intoByteBuffer(j, at, NATIVE);
      total = total.add(e);
    }
    double sum = total.reduceLanes(VectorOperators.ADD);
    for (; c < width; c++) {
      int at = (from + c) * Float.BYTES;
      float shifted = j.getFloat(at) - max;
      float e = shifted >= CUTOFF ? (float) Math.exp(shifted) : 0f;
      j.putFloat(at, e);
      sum += e;
    }
    float inverse = (float) (1 / sum);
    c = 0;
    for (; c < bound; c += lanes) {
      int at = (from + c) * Float.BYTES;
      FloatVector r = FloatVector.fromByteBuffer(FLOATS, j, at, NATIVE).mul(inverse);
      r.intoByteBuffer(j, at, NATIVE);
      r.add(FloatVector.fromArray(FLOATS, sums, c)).intoArray(sums, c);
    }
    for (; c < width; c++) {
      int at = (from + c) * Float.BYTES;
      float r = j.getFloat(at) * inverse;
      j.putFloat(at, r);
      sums[c] += r;
    }
    return max + Math.log(sum);
  }

  /**
   * gradient[l_kd] += (R_k sigmoid(l_kd) - (r^T x)_kd) / N over one component's row (at float
   * offset {@code from}).
   */
  private static void addLogitGradient(ByteBuffer rx, float[] sigmoids, int from, int width,
      float responsibility, float scale, ByteBuffer gradient) {
    int lanes = FLOATS.length();
    int bound = FLOATS.loopBound(width);
    int i = 0;
    for (; i < bound; i += lanes) {
      int at = (from + i) * Float.BYTES;
      FloatVector.fromArray(FLOATS, sigmoids, from + i).mul(responsibility)
          .sub(FloatVector.fromByteBuffer(FLOATS, rx, at, NATIVE)).mul(scale)
          .add(FloatVector.fromByteBuffer(FLOATS, gradient, at, NATIVE))
          .intoByteBuffer(gradient, at, NATIVE);
    }
    for (; i < width; i++) {
      int at = (from + i) * Float.BYTES;
      gradient.putFloat(at, gradient.getFloat(at)
          + (sigmoids[from + i] * responsibility - rx.getFloat(at)) * scale);
    }
  }
}
