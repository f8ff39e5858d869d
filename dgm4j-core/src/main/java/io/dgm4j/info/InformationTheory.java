package io.dgm4j.info;

/**
 * Entropy, cross-entropy, KL divergence and surprise of discrete distributions (seed 000), the
 * vocabulary of maximum-likelihood learning: minimising KL(p_data || p_theta) is maximising the
 * expected log-likelihood, because KL(p || q) = H(p, q) - H(p) and H(p) does not depend on q.
 *
 * <p>A distribution is a {@code double[]} of probabilities p_1..p_m. Every method checks its
 * arguments and throws {@link IllegalArgumentException} naming the argument when an entry is
 * NaN, infinite or negative, when the entries do not sum to 1 within {@code 1e-9 * m}, or when
 * two distributions have different lengths.
 *
 * <p>Conventions: 0 log 0 = 0 (an outcome of probability zero contributes nothing to H(p), and
 * nothing to H(p, q) or KL(p || q) when p_x = 0); -log 0 = +infinity, so the surprise of an
 * impossible outcome, H(p, q) and KL(p || q) are {@link Double#POSITIVE_INFINITY} when q_x = 0
 * for some x with p_x > 0 (q cannot explain an outcome p produces).
 *
 * <p>Every quantity comes in nats (natural logarithm, the unit of {@code logProb} everywhere in
 * dgm4j) by default, or in any {@link Unit}.
 */
public final class InformationTheory {
  private InformationTheory() {}

  /** The unit of information: the base of the logarithm. */
  public enum Unit {
    /** Natural logarithm, log_e. */
    NATS(1.0),
    /** Base-2 logarithm, log_2 = log_e / ln 2. */
    BITS(1.0 / Math.log(2.0));

    private final double perNat;

    Unit(double perNat) {
      this.perNat = perNat;
    }

    /** Converts a value in nats to this unit. */
    public double fromNats(double nats) {
      return nats * perNat;
    }
  }

  /**
   * Self-information (surprise) of one outcome of probability {@code probability}:
   * I(x) = log(1 / p(x)) = -log p(x). Zero for a certain outcome, +infinity for an impossible one.
   */
  public static double selfInformation(double probability, Unit unit) {
    checkProbability("probability", probability);
    return unit.fromNats(-Math.log(probability));
  }

  /**
   * Surprise of a sequence of independent outcomes drawn from {@code p}: the self-information of
   * their joint probability, -log prod_t p(x_t) = -sum_t log p(x_t). For a coin with P(H) = 0.9,
   * the sequence (H, H, T) has surprise log_2(1 / (0.9 * 0.9 * 0.1)) = 3.626 bits.
   *
   * @param p the distribution over outcomes 0..m-1
   * @param outcomes the observed outcomes, each an index into {@code p}
   */
  public static double surprise(double[] p, int[] outcomes, Unit unit) {
    checkDistribution("p", p);
    double nats = 0;
    for (int t = 0; t < outcomes.length; t++) {
      int x = outcomes[t];
      if (x < 0 || x >= p.length) {
        throw new IllegalArgumentException(
            "outcomes[" + t + "] = " + x + " is not an outcome of p (0.." + (p.length - 1) + ")");
      }
      nats -= Math.log(p[x]);
    }
    return unit.fromNats(nats);
  }

  /** Shannon entropy H(p) = -sum_x p(x) log p(x) in nats: the expected surprise under p. */
  public static double entropy(double[] p) {
    return entropy(p, Unit.NATS);
  }

  /**
   * Shannon entropy H(p) = E_{x~p}[-log p(x)] = -sum_x p(x) log p(x). A coin with P(H) = 0.9 has
   * 0.9 log_2(1/0.9) + 0.1 log_2(1/0.1) = 0.469 bits; a fair coin has 1 bit.
   */
  public static double entropy(double[] p, Unit unit) {
    checkDistribution("p", p);
    double nats = 0;
    for (double px : p) {
      if (px > 0) {
        nats -= px * Math.log(px);
      }
    }
    return unit.fromNats(nats);
  }

  /** Binary entropy of a Bernoulli(p): -p log p - (1 - p) log(1 - p), the BCE of p with itself. */
  public static double binaryEntropy(double p, Unit unit) {
    checkProbability("p", p);
    return entropy(new double[] {p, 1 - p}, unit);
  }

  /** Cross-entropy H(p, q) = -sum_x p(x) log q(x) in nats. */
  public static double crossEntropy(double[] p, double[] q) {
    return crossEntropy(p, q, Unit.NATS);
  }

  /**
   * Cross-entropy H(p, q) = E_{x~p}[-log q(x)] = -sum_x p(x) log q(x): the expected surprise of
   * outcomes of p under the model q. H(p, q) = H(p) + KL(p || q) >= H(p). Infinite when q(x) = 0
   * for some x with p(x) > 0.
   */
  public static double crossEntropy(double[] p, double[] q, Unit unit) {
    checkPair(p, q);
    double nats = 0;
    for (int x = 0; x < p.length; x++) {
      if (p[x] > 0) {
        nats -= p[x] * Math.log(q[x]);
      }
    }
    return unit.fromNats(nats);
  }

  /** KL divergence KL(p || q) = sum_x p(x) log(p(x) / q(x)) in nats. */
  public static double klDivergence(double[] p, double[] q) {
    return klDivergence(p, q, Unit.NATS);
  }

  /**
   * Kullback-Leibler divergence KL(p || q) = E_{x~p}[log(p(x) / q(x))] = sum_x p(x) log(p(x) /
   * q(x)) = H(p, q) - H(p).
   *
   * <p>Always >= 0, and 0 exactly when p = q (Gibbs' inequality); not symmetric, KL(p || q) !=
   * KL(q || p) in general, so it is not a distance. It is {@link Double#POSITIVE_INFINITY} when
   * q(x) = 0 for some x with p(x) > 0. Terms with p(x) = 0 contribute 0.
   */
  public static double klDivergence(double[] p, double[] q, Unit unit) {
    checkPair(p, q);
    double nats = 0;
    for (int x = 0; x < p.length; x++) {
      if (p[x] > 0) {
        if (q[x] == 0) {
          return Double.POSITIVE_INFINITY;
        }
        // log p - log q, not log(p / q): p / q overflows to infinity for a subnormal q
        nats += p[x] * (Math.log(p[x]) - Math.log(q[x]));
      }
    }
    // each term may be negative; the sum is >= 0 up to rounding, which must not show as -1e-17
    return unit.fromNats(Math.max(nats, 0.0));
  }

  /**
   * Checks that {@code p} is a probability vector: non-empty, every entry finite and in [0, 1],
   * summing to 1 within {@code 1e-9 * p.length}.
   *
   * @param name how the argument is called in the error message
   */
  public static void checkDistribution(String name, double[] p) {
    if (p == null || p.length == 0) {
      throw new IllegalArgumentException(name + " must hold at least one probability");
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      if (Double.isNaN(p[i]) || p[i] < 0 || p[i] > 1) {
        throw new IllegalArgumentException(
            name + "[" + i + "] = " + p[i] + " is not a probability (must be in [0, 1])");
      }
      sum += p[i];
    }
    double tolerance = 1e-9 * p.length;
    if (Math.abs(sum - 1) > tolerance) {
      throw new IllegalArgumentException(
          name + " sums to " + sum + ", not 1 (tolerance " + tolerance + ")");
    }
  }

  private static void checkPair(double[] p, double[] q) {
    checkDistribution("p", p);
    checkDistribution("q", q);
    if (p.length != q.length) {
      throw new IllegalArgumentException(
          "p and q must be over the same outcomes: p has " + p.length + ", q has " + q.length);
    }
  }

  private static void checkProbability(String name, double p) {
    if (Double.isNaN(p) || p < 0 || p > 1) {
      throw new IllegalArgumentException(name + " = " + p + " is not a probability");
    }
  }
}
