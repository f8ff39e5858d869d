package io.dgm4j.optim;

import io.dgm4j.engine.Workers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam's update of one parameter in a single pass over its memory, on the JDK's vector API:
 * reads θ, g, m, v once and writes θ, m, v once, where the tensor form reads and writes about
 * thirteen times and allocates four temporaries. Same operations in the same order as
 * {@link Adam#step}'s tensor form, so the same floats (checked in {@code AdamTest}).
 *
 * <p>A parameter of at least {@link #PER_THREAD} values is split into contiguous ranges over up
 * to {@code threads} threads ({@link Workers}): each value's update is independent, so the floats
 * do not depend on the split, and a one-thread pass would leave the other cores idle while the
 * engine's products around it run on all of them.
 */
final class FusedAdam {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  /** Values per thread below which a pass is not split (a hand-off costs tens of µs). */
  static final int PER_THREAD = 1 << 16;
  private static final int BLOCK = 1024;

  private FusedAdam() {}

  /** How many ranges to split n values into with up to {@code threads} threads. */
  static int parts(int n, int threads) {
    return Math.max(1, Math.min(threads, n / PER_THREAD));
  }

  /**
   * θ -= stepSize · m / (sqrt(v) + epsHat) after the moment updates; buffers in native order;
   * over up to {@code threads} threads.
   */
  static void update(ByteBuffer theta, ByteBuffer gradient, ByteBuffer first, ByteBuffer second,
      double betaOne, double betaTwo, float stepSize, float epsHat, int threads) {
    int n = theta.capacity() / Float.BYTES;
    int parts = parts(n, threads);
    int blocks = (n + BLOCK - 1) / BLOCK;
    Workers.run(parts, part -> update(theta, gradient, first, second, betaOne, betaTwo,
        stepSize, epsHat, Math.min(n, blocks * part / parts * BLOCK),
        Math.min(n, blocks * (part + 1) / parts * BLOCK)));
  }

  /** The update of values [from, to). */
  private static void update(ByteBuffer theta, ByteBuffer gradient, ByteBuffer first,
      ByteBuffer second, double betaOne, double betaTwo, float stepSize, float epsHat, int from,
      int to) {
    // rounded to float from double, as the tensor form's scalars are
    float beta1 = (float) betaOne;
    float beta2 = (float) betaTwo;
    float oneMinusBeta1 = (float) (1 - betaOne);
    float oneMinusBeta2 = (float) (1 - betaTwo);
    int lanes = SPECIES.length();
    int bound = from + SPECIES.loopBound(to - from);
    int i = from;
    for (; i < bound; i += lanes) {
      int at = i * Float.BYTES;
      FloatVector g = FloatVector.fromByteBuffer(SPECIES, gradient, at, ORDER);
      FloatVector m = FloatVector.fromByteBuffer(SPECIES, first, at, ORDER).mul(beta1)
          .add(g.mul(oneMinusBeta1));
      FloatVector v = FloatVector.fromByteBuffer(SPECIES, second, at, ORDER).mul(beta2)
          .add(g.mul(g).mul(oneMinusBeta2));
      m.intoByteBuffer(first, at, ORDER);
      v.intoByteBuffer(second, at, ORDER);
      FloatVector p = FloatVector.fromByteBuffer(SPECIES, theta, at, ORDER);
      p.sub(m.div(v.sqrt().add(epsHat)).mul(stepSize)).intoByteBuffer(theta, at, ORDER);
    }
    for (; i < to; i++) {
      int at = i * Float.BYTES;
      float g = gradient.getFloat(at);
      float m = first.getFloat(at) * beta1 + g * oneMinusBeta1;
      float v = second.getFloat(at) * beta2 + g * g * oneMinusBeta2;
      first.putFloat(at, m);
      second.putFloat(at, v);
      theta.putFloat(at, theta.getFloat(at) - m / ((float) Math.sqrt(v) + epsHat) * stepSize);
    }
  }

  /**
   * Sum of squares of a float buffer in one read pass: float lanes over blocks of 1,024 values,
   * each block's sum added in double, in block order whatever the number of threads (so the
   * same double for any split). NaN or infinite when any value is.
   */
  static double sumOfSquares(ByteBuffer values, int threads) {
    int n = values.capacity() / Float.BYTES;
    int blocks = (n + BLOCK - 1) / BLOCK;
    double[] sums = new double[blocks];
    int parts = parts(n, threads);
    Workers.run(parts, part -> {
      for (int block = blocks * part / parts; block < blocks * (part + 1) / parts; block++) {
        sums[block] = blockSumOfSquares(values, block * BLOCK, Math.min(n, (block + 1) * BLOCK));
      }
    });
    double total = 0;
    for (double s : sums) {
      total += s;
    }
    return total;
  }

  private static double blockSumOfSquares(ByteBuffer values, int from, int to) {
    int lanes = SPECIES.length();
    int bound = from + SPECIES.loopBound(to - from);
    FloatVector acc = FloatVector.zero(SPECIES);
    int i = from;
    for (; i < bound; i += lanes) {
      FloatVector g = FloatVector.fromByteBuffer(SPECIES, values, i * Float.BYTES, ORDER);
      acc = g.fma(g, acc);
    }
    double total = acc.reduceLanes(VectorOperators.ADD);
    for (; i < to; i++) {
      double g = values.getFloat(i * Float.BYTES);
      total += g * g;
    }
    return total;
  }
}
