package io.dgm4j.evaluation;

import java.util.Arrays;

/**
 * How well a score separates out-of-distribution (OOD) inputs from in-distribution ones. The OOD
 * set is the <em>positive</em> class and a higher score means "more anomalous"; every threshold
 * t flags the inputs with score ≥ t. Tied scores are flagged together: no measure here depends
 * on the order of equal scores.
 *
 * <ul>
 *   <li>{@code auroc}: the area under the ROC curve = P(s_ood &gt; s_in) + ½ P(s_ood = s_in)
 *       for a random pair (Mann–Whitney), 1 for perfect separation, 0.5 for chance;
 *   <li>{@code aupr}: the area under the precision–recall curve as average precision,
 *       Σ_k (R_k − R_{k−1}) P_k over the distinct thresholds from high to low (the step-wise
 *       form, which does not interpolate optimistically between points); the chance level is
 *       the OOD fraction;
 *   <li>{@code fprAt95Tpr}: the fraction of in-distribution inputs flagged at the highest
 *       threshold that flags at least 95% of the OOD inputs (lower is better).
 * </ul>
 *
 * @param auroc area under the ROC curve
 * @param aupr average precision, OOD as positive
 * @param fprAt95Tpr false-positive rate at 95% true-positive rate
 */
public record DetectionMetrics(double auroc, double aupr, double fprAt95Tpr) {

  /** The true-positive rate {@link #fprAt95Tpr} is measured at. */
  public static final double TPR = 0.95;

  /**
   * The three measures for scores of in-distribution inputs {@code in} and OOD inputs
   * {@code ood} (both non-empty, no NaN).
   */
  public static DetectionMetrics of(double[] in, double[] ood) {
    Curve c = Curve.of(in, ood);
    double auroc = 0;
    double averagePrecision = 0;
    double fpr95 = Double.NaN;
    double previousTpr = 0;
    double previousFpr = 0;
    for (int k = 0; k < c.tp.length; k++) {
      double tpr = c.tp[k] / (double) ood.length;
      double fpr = c.fp[k] / (double) in.length;
      auroc += (fpr - previousFpr) * (tpr + previousTpr) / 2; // trapezoid: ties count half
      averagePrecision += (tpr - previousTpr) * c.tp[k] / (double) (c.tp[k] + c.fp[k]);
      if (Double.isNaN(fpr95) && tpr >= TPR) {
        fpr95 = fpr;
      }
      previousTpr = tpr;
      previousFpr = fpr;
    }
    return new DetectionMetrics(auroc, averagePrecision, fpr95);
  }

  /**
   * The points of the ROC curve, one per distinct threshold from the highest score down:
   * {@code fpr[k]}, {@code tpr[k]} after flagging every input scored ≥ the k-th distinct score.
   */
  public static double[][] rocCurve(double[] in, double[] ood) {
    Curve c = Curve.of(in, ood);
    double[] fpr = new double[c.tp.length + 1];
    double[] tpr = new double[c.tp.length + 1];
    for (int k = 0; k < c.tp.length; k++) {
      fpr[k + 1] = c.fp[k] / (double) in.length;
      tpr[k + 1] = c.tp[k] / (double) ood.length;
    }
    return new double[][] {fpr, tpr};
  }

  /**
   * The threshold that keeps (does not flag) the fraction {@code keep} of {@code in}: inputs
   * scored strictly above it are flagged. It is the {@code keep}-quantile of the scores (the
   * ⌈keep·n⌉-th smallest), so at least {@code keep} of {@code in} are kept.
   */
  public static double thresholdKeeping(double[] in, double keep) {
    if (!(keep > 0 && keep <= 1)) {
      throw new IllegalArgumentException("fraction to keep must be in (0, 1], got " + keep);
    }
    double[] sorted = in.clone();
    Arrays.sort(sorted);
    int index = Math.max(0, (int) Math.ceil(keep * sorted.length - 1e-9) - 1);
    return sorted[index];
  }

  /** The fraction of {@code scores} strictly above {@code threshold}. */
  public static double fractionAbove(double[] scores, double threshold) {
    long above = Arrays.stream(scores).filter(s -> s > threshold).count();
    return above / (double) scores.length;
  }

  /** Cumulative true and false positives after each distinct threshold, high to low. */
  private record Curve(long[] tp, long[] fp) {
    static Curve of(double[] in, double[] ood) {
      if (in.length == 0 || ood.length == 0) {
        throw new IllegalArgumentException("need at least one in-distribution and one"
            + " out-of-distribution score, got " + in.length + " and " + ood.length);
      }
      int n = in.length + ood.length;
      double[] scores = new double[n];
      boolean[] positive = new boolean[n];
      for (int i = 0; i < n; i++) {
        scores[i] = i < in.length ? in[i] : ood[i - in.length];
        positive[i] = i >= in.length;
        if (Double.isNaN(scores[i])) {
          throw new IllegalArgumentException("score " + i + " is NaN");
        }
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
      long[] tp = new long[n];
      long[] fp = new long[n];
      int points = 0;
      long t = 0;
      long f = 0;
      for (int i = 0; i < n; i++) {
        int e = order[i];
        if (positive[e]) {
          t++;
        } else {
          f++;
        }
        boolean lastOfTie = i == n - 1 || scores[order[i + 1]] != scores[e];
        if (lastOfTie) {
          tp[points] = t;
          fp[points] = f;
          points++;
        }
      }
      return new Curve(Arrays.copyOf(tp, points), Arrays.copyOf(fp, points));
    }
  }
}
