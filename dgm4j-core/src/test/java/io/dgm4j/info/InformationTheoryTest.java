package io.dgm4j.info;

import static io.dgm4j.info.InformationTheory.Unit.BITS;
import static io.dgm4j.info.InformationTheory.Unit.NATS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class InformationTheoryTest {
  private static final double[] COIN = {0.9, 0.1}; // seed 000: 90 heads in 100 throws
  private static final int H = 0;
  private static final int T = 1;

  @Test
  void surpriseOfHeadsHeadsTailsIsThreePointSixTwoSixBits() {
    double bits = InformationTheory.surprise(COIN, new int[] {H, H, T}, BITS);
    assertThat(bits).isCloseTo(3.626, within(5e-4));
    assertThat(bits).isCloseTo(-Math.log(0.9 * 0.9 * 0.1) / Math.log(2), within(1e-12));
    assertThat(InformationTheory.surprise(COIN, new int[] {H, H, T}, NATS))
        .isCloseTo(-Math.log(0.081), within(1e-12));
  }

  @Test
  void selfInformationOfEachFaceOfTheCoin() {
    assertThat(InformationTheory.selfInformation(0.9, BITS)).isCloseTo(0.152, within(5e-4));
    assertThat(InformationTheory.selfInformation(0.1, BITS)).isCloseTo(3.322, within(5e-4));
    assertThat(InformationTheory.selfInformation(1.0, BITS)).isZero();
    assertThat(InformationTheory.selfInformation(0.0, BITS)).isInfinite();
  }

  @Test
  void entropyOfTheBiasedCoinIsZeroPointFourSixNineBits() {
    assertThat(InformationTheory.entropy(COIN, BITS)).isCloseTo(0.469, within(5e-4));
    assertThat(InformationTheory.binaryEntropy(0.9, BITS)).isCloseTo(0.469, within(5e-4));
    // nats and bits differ by ln 2
    assertThat(InformationTheory.entropy(COIN))
        .isCloseTo(InformationTheory.entropy(COIN, BITS) * Math.log(2), within(1e-12));
  }

  @Test
  void entropyKnownValuesAndZeroLogZero() {
    assertThat(InformationTheory.entropy(new double[] {0.5, 0.5}, BITS)).isCloseTo(1, within(1e-12));
    assertThat(InformationTheory.entropy(new double[] {0.25, 0.25, 0.25, 0.25}, BITS))
        .isCloseTo(2, within(1e-12));
    assertThat(InformationTheory.entropy(new double[] {1, 0, 0})).isZero();
    assertThat(InformationTheory.entropy(new double[] {0.5, 0, 0.5}, BITS))
        .isCloseTo(1, within(1e-12));
  }

  @Test
  void klOfADistributionWithItselfIsZero() {
    assertThat(InformationTheory.klDivergence(COIN, COIN)).isZero();
    double[] p = {0.2, 0.3, 0.5};
    assertThat(InformationTheory.klDivergence(p, p, BITS)).isCloseTo(0, within(1e-15));
  }

  @Test
  void klIsNonNegativeAndAsymmetric() {
    double[] p = {0.9, 0.1};
    double[] q = {0.5, 0.5};
    double pq = InformationTheory.klDivergence(p, q);
    double qp = InformationTheory.klDivergence(q, p);
    // hand computed: 0.9 ln 1.8 + 0.1 ln 0.2 and 0.5 ln(5/9) + 0.5 ln 5
    assertThat(pq).isCloseTo(0.9 * Math.log(1.8) + 0.1 * Math.log(0.2), within(1e-12));
    assertThat(qp).isCloseTo(0.5 * Math.log(5.0 / 9) + 0.5 * Math.log(5), within(1e-12));
    assertThat(pq).isCloseTo(0.368064, within(1e-6));
    assertThat(qp).isCloseTo(0.510826, within(1e-6));
    assertThat(pq).isPositive();
    assertThat(qp).isPositive();
    assertThat(pq).isNotCloseTo(qp, within(0.1));
  }

  @Test
  void crossEntropyIsEntropyPlusKl() {
    double[][] pairs = {{0.9, 0.1}, {0.5, 0.5}, {0.2, 0.8}, {0.99, 0.01}};
    for (double[] p : pairs) {
      for (double[] q : pairs) {
        for (InformationTheory.Unit u : InformationTheory.Unit.values()) {
          assertThat(InformationTheory.crossEntropy(p, q, u))
              .isCloseTo(InformationTheory.entropy(p, u) + InformationTheory.klDivergence(p, q, u),
                  within(1e-12));
        }
      }
    }
    double[] p = {0.1, 0.6, 0.3};
    double[] q = {0.3, 0.3, 0.4};
    assertThat(InformationTheory.crossEntropy(p, q))
        .isCloseTo(-(0.1 * Math.log(0.3) + 0.6 * Math.log(0.3) + 0.3 * Math.log(0.4)),
            within(1e-12));
  }

  @Test
  void klAndCrossEntropyAreInfiniteWhereQMissesSupportOfP() {
    double[] p = {0.5, 0.5};
    double[] q = {1.0, 0.0};
    assertThat(InformationTheory.klDivergence(p, q)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(InformationTheory.crossEntropy(p, q)).isEqualTo(Double.POSITIVE_INFINITY);
    // the other way round is finite: p = 0 terms contribute nothing
    assertThat(InformationTheory.klDivergence(q, p)).isCloseTo(Math.log(2), within(1e-12));
  }

  @Test
  void rejectsInvalidDistributionsWithClearMessages() {
    assertThatThrownBy(() -> InformationTheory.entropy(new double[] {1.2, -0.2}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p[0]");
    assertThatThrownBy(() -> InformationTheory.entropy(new double[] {0.5, -0.0001, 0.5001}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p[1]");
    assertThatThrownBy(() -> InformationTheory.entropy(new double[] {Double.NaN, 1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    assertThatThrownBy(() -> InformationTheory.entropy(new double[] {0.5, 0.4}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sums to");
    assertThatThrownBy(() -> InformationTheory.klDivergence(COIN, new double[] {0.5, 0.6}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q sums to");
    assertThatThrownBy(() -> InformationTheory.klDivergence(COIN, new double[] {0.2, 0.3, 0.5}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same outcomes");
    assertThatThrownBy(() -> InformationTheory.crossEntropy(new double[0], new double[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InformationTheory.surprise(COIN, new int[] {0, 2}, BITS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outcomes[1]");
    assertThatThrownBy(() -> InformationTheory.selfInformation(-0.1, BITS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sumToleranceIsOneBillionthPerOutcome() {
    double[] p = new double[10];
    java.util.Arrays.fill(p, 0.1);
    p[0] += 5e-9; // within 1e-9 * 10
    assertThat(InformationTheory.entropy(p)).isCloseTo(Math.log(10), within(1e-7));
    p[0] += 1e-8; // now 1.5e-8 off: outside
    assertThatThrownBy(() -> InformationTheory.entropy(p))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void klStaysFiniteForATinyButPositiveQ() {
    // p / q = 0.5 / 1e-320 overflows a double; the divergence itself is a modest number:
    // 0.5 ln(0.5 / 1e-320) + 0.5 ln(0.5 / 1) = 160 ln 10 - ln 2
    double[] p = {0.5, 0.5};
    double[] q = {1e-320, 1.0};
    assertThat(InformationTheory.klDivergence(p, q))
        .isCloseTo(160 * Math.log(10) - Math.log(2), within(1e-4)); // 1e-320 is subnormal
  }
}
