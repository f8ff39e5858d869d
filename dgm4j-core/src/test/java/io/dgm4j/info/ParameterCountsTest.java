package io.dgm4j.info;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ParameterCountsTest {

  @Test
  void binaryImageOf28By28() {
    BigInteger full = ParameterCounts.fullJoint(784);
    assertThat(full).isEqualTo(BigInteger.TWO.pow(784).subtract(BigInteger.ONE));
    assertThat(full.bitLength()).isEqualTo(784);
    // about 10^236 (seed 000): 2^784 has 237 decimal digits
    assertThat(full.toString()).hasSize(237);
    assertThat(ParameterCounts.independent(784)).isEqualTo(BigInteger.valueOf(784));
    assertThat(ParameterCounts.chainRule(784)).isEqualTo(full);
    assertThat(ParameterCounts.markov(784)).isEqualTo(BigInteger.valueOf(2 * 784 - 1));
  }

  @Test
  void rgbPixelHas256CubedMinusOne() {
    assertThat(ParameterCounts.fullJoint(3, 256)).isEqualTo(BigInteger.valueOf(16_777_215));
    assertThat(ParameterCounts.independent(3, 256)).isEqualTo(BigInteger.valueOf(3 * 255));
  }

  @Test
  void smallCasesByHand() {
    assertThat(ParameterCounts.bernoulli()).isEqualTo(BigInteger.ONE);
    assertThat(ParameterCounts.categorical(6)).isEqualTo(BigInteger.valueOf(5));
    assertThat(ParameterCounts.categorical(1)).isEqualTo(BigInteger.ZERO);
    // n = 3 binary: chain rule 1 + 2 + 4 = 7 = 2^3 - 1; Markov 1 + 2 + 2 = 5
    assertThat(ParameterCounts.fullJoint(3)).isEqualTo(BigInteger.valueOf(7));
    assertThat(ParameterCounts.chainRule(3)).isEqualTo(BigInteger.valueOf(7));
    assertThat(ParameterCounts.markov(3)).isEqualTo(BigInteger.valueOf(5));
    assertThat(ParameterCounts.independent(3)).isEqualTo(BigInteger.valueOf(3));
    // n = 2 ternary: Markov 2 + 3 * 2 = 8 = 3^2 - 1 (with two variables Markov is the full joint)
    assertThat(ParameterCounts.markov(2, 3)).isEqualTo(BigInteger.valueOf(8));
    assertThat(ParameterCounts.fullJoint(2, 3)).isEqualTo(BigInteger.valueOf(8));
    // a single binary variable is a Bernoulli under every assumption
    assertThat(ParameterCounts.fullJoint(1)).isEqualTo(ParameterCounts.bernoulli());
    assertThat(ParameterCounts.markov(1)).isEqualTo(ParameterCounts.bernoulli());
    assertThat(ParameterCounts.independent(1)).isEqualTo(ParameterCounts.bernoulli());
  }

  @Test
  void chainRuleWithTablesSavesNothingForAnyK() {
    for (int k = 2; k <= 5; k++) {
      for (int n = 1; n <= 12; n++) {
        assertThat(ParameterCounts.chainRule(n, k)).as("n=%d k=%d", n, k)
            .isEqualTo(ParameterCounts.fullJoint(n, k));
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> ParameterCounts.fullJoint(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("variables n");
    assertThatThrownBy(() -> ParameterCounts.markov(5, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("values per variable k");
    assertThatThrownBy(() -> ParameterCounts.categorical(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outcomes m");
  }
}
