package io.dgm4j.optim;

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
 */
final class FusedAdam {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private FusedAdam() {}

  /** θ -= stepSize · m / (sqrt(v) + epsHat) after the moment updates; buffers in native order. */
  static void update(ByteBuffer theta, ByteBuffer gradient, ByteBuffer first, ByteBuffer second,
      double betaOne, double betaTwo, float stepSize, float epsHat) {
    int n = theta.capacity() / Float.BYTES;
    // rounded to float from double, as the tensor form's scalars are
    float beta1 = (float) betaOne;
    float beta2 = (float) betaTwo;
    float oneMinusBeta1 = (float) (1 - betaOne);
    float oneMinusBeta2 = (float) (1 - betaTwo);
    int lanes = SPECIES.length();
    int bound = SPECIES.loopBound(n);
    int i = 0;
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
    for (; i < n; i++) {
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
   * each block's sum added in double. NaN or infinite when any value is.
   */
  static double sumOfSquares(ByteBuffer values) {
    int n = values.capacity() / Float.BYTES;
    int lanes = SPECIES.length();
    double total = 0;
    int i = 0;
    while (i < SPECIES.loopBound(n)) {
      int end = Math.min(SPECIES.loopBound(n), i + 1024);
      FloatVector acc = FloatVector.zero(SPECIES);
      for (; i < end; i += lanes) {
        FloatVector g = FloatVector.fromByteBuffer(SPECIES, values, i * Float.BYTES, ORDER);
        acc = g.fma(g, acc);
      }
      total += acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < n; i++) {
      double g = values.getFloat(i * Float.BYTES);
      total += g * g;
    }
    return total;
  }
}
