package io.dgm4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** VectorMath against double precision. */
class VectorMathTest {

  /**
   * log1p over t from -0.999 to 1e6 and down to the smallest floats, where 1 + t rounds to 1
   * (the case the quotient form must hand back t itself): within 4e-7 relative of Math.log1p in
   * double precision.
   */
  @Test
  void log1pMatchesDoublePrecision() {
    Assumptions.assumeTrue(SharedMemory.VECTOR_API, "needs the vector API");
    VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
    java.util.List<Float> values = new java.util.ArrayList<>();
    for (double t = -0.999; t < 1e6; t = t < 0 ? t + 0.0137 : t * 1.07 + 1e-3) {
      values.add((float) t);
    }
    for (float t = 1e-3f; t > Float.MIN_NORMAL; t /= 3.7f) {
      values.add(t);
      values.add(-t);
    }
    values.add(0f);
    float[] t = new float[(values.size() / species.length() + 1) * species.length()];
    for (int i = 0; i < values.size(); i++) {
      t[i] = values.get(i);
    }
    float[] got = new float[t.length];
    for (int i = 0; i < t.length; i += species.length()) {
      VectorMath.log1p(FloatVector.fromArray(species, t, i)).intoArray(got, i);
    }
    double worst = 0;
    for (int i = 0; i < t.length; i++) {
      double want = Math.log1p(t[i]);
      double error = want == 0 ? Math.abs(got[i]) : Math.abs(got[i] - want) / Math.abs(want);
      worst = Math.max(worst, error);
      assertThat(error).as("log1p(%s): got %s, want %s", t[i], got[i], want).isLessThan(4e-7);
    }
    assertThat(worst).isGreaterThan(0); // float results, compared with double ones
  }
}
