package io.dgm4j.info;

import java.math.BigInteger;

/**
 * How many free parameters it takes to represent a distribution over n discrete variables under
 * each structural assumption (seed 002). Counts are {@link BigInteger}: the full joint over the
 * 784 binary pixels of a 28x28 image needs 2^784 - 1 (about 10^236) parameters.
 *
 * <p>A distribution over m outcomes has m - 1 free parameters (the last is fixed by summing to
 * 1). With n variables of k values each:
 *
 * <ul>
 *   <li>full joint: k^n outcomes, k^n - 1 parameters (binary: 2^n - 1; an RGB pixel, three
 *       256-valued channels: 256^3 - 1);
 *   <li>fully independent: n (k - 1) (binary: n), tractable but blind to how pixels co-vary;
 *   <li>chain rule p(x_1) p(x_2 | x_1) ... p(x_n | x_1..x_{n-1}) with full conditional tables:
 *       x_i has one distribution per setting of its k^{i-1} predecessors, so sum_{i=1..n}
 *       k^{i-1} (k - 1) = k^n - 1 — exact, and no saving (binary: 1 + 2 + ... + 2^{n-1});
 *   <li>Markov assumption of order 1, p(x_i | x_1..x_{i-1}) = p(x_i | x_{i-1}): (k - 1) + (n - 1)
 *       k (k - 1) (binary: 2n - 1).
 * </ul>
 *
 * Autoregressive models keep the chain rule but replace the tables by learned functions
 * (logistic regression in FVSBN, a shared hidden layer in NADE), which is how they escape both
 * the 2^n - 1 of the tables and the blindness of independence.
 */
public final class ParameterCounts {
  private ParameterCounts() {}

  /** Bernoulli (a biased coin): 1 parameter, P(heads). */
  public static BigInteger bernoulli() {
    return BigInteger.ONE;
  }

  /** Categorical over m outcomes (an m-sided die): m - 1 parameters. */
  public static BigInteger categorical(int m) {
    require(m >= 1, "number of outcomes m", m, ">= 1");
    return BigInteger.valueOf(m - 1L);
  }

  /** Full joint over n binary variables: 2^n - 1. */
  public static BigInteger fullJoint(int n) {
    return fullJoint(n, 2);
  }

  /** Full joint over n variables of k values each: k^n - 1. */
  public static BigInteger fullJoint(int n, int k) {
    check(n, k);
    return BigInteger.valueOf(k).pow(n).subtract(BigInteger.ONE);
  }

  /** n independent binary variables: n. */
  public static BigInteger independent(int n) {
    return independent(n, 2);
  }

  /** n independent variables of k values each: n (k - 1). */
  public static BigInteger independent(int n, int k) {
    check(n, k);
    return BigInteger.valueOf(n).multiply(BigInteger.valueOf(k - 1L));
  }

  /** Chain rule with full conditional tables over n binary variables: 1 + 2 + ... + 2^{n-1}. */
  public static BigInteger chainRule(int n) {
    return chainRule(n, 2);
  }

  /**
   * Chain rule with full conditional tables over n variables of k values: sum_{i=1..n} k^{i-1}
   * (k - 1), summed term by term (it equals {@link #fullJoint(int, int)}, which tests check).
   */
  public static BigInteger chainRule(int n, int k) {
    check(n, k);
    BigInteger perTable = BigInteger.valueOf(k - 1L);
    BigInteger settings = BigInteger.ONE; // k^{i-1}: settings of the predecessors of x_i
    BigInteger total = BigInteger.ZERO;
    for (int i = 1; i <= n; i++) {
      total = total.add(settings.multiply(perTable));
      settings = settings.multiply(BigInteger.valueOf(k));
    }
    return total;
  }

  /** Markov assumption of order 1 over n binary variables: 1 + 2 (n - 1) = 2n - 1. */
  public static BigInteger markov(int n) {
    return markov(n, 2);
  }

  /**
   * Markov assumption of order 1 over n variables of k values: (k - 1) for p(x_1), then k (k - 1)
   * for each of the n - 1 tables p(x_i | x_{i-1}).
   */
  public static BigInteger markov(int n, int k) {
    check(n, k);
    BigInteger perTable = BigInteger.valueOf(k - 1L);
    return perTable.add(
        BigInteger.valueOf(n - 1L).multiply(BigInteger.valueOf(k)).multiply(perTable));
  }

  private static void check(int n, int k) {
    require(n >= 1, "number of variables n", n, ">= 1");
    require(k >= 2, "values per variable k", k, ">= 2");
  }

  private static void require(boolean ok, String what, int value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(what + " must be " + rule + ", got " + value);
    }
  }
}
