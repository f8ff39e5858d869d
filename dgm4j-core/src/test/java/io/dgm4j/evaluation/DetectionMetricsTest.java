package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every figure here was worked out by hand (or by brute force over pairs), not by the class. */
class DetectionMetricsTest {

  @Test
  void tinyListWithTies() {
    // in {1, 2, 2, 4}, ood {2, 3, 5}. Pairs (ood beats in, ties half): 2 -> 1 + 0.5 + 0.5,
    // 3 -> 3, 5 -> 4: 9 of 12 = 0.75. Precision/recall at thresholds 5, 4, 3, 2, 1:
    // R 1/3 P 1; R 1/3; R 2/3 P 2/3; R 1 P 3/6 -> AP = 1/3 + 1/3*2/3 + 1/3*1/2 = 13/18.
    // 95% of ood first flagged at threshold 2, which flags 3 of 4 in-distribution inputs.
    DetectionMetrics m = DetectionMetrics.of(new double[] {1, 2, 2, 4}, new double[] {2, 3, 5});
    assertThat(m.auroc()).isCloseTo(0.75, within(1e-12));
    assertThat(m.aupr()).isCloseTo(13.0 / 18, within(1e-12));
    assertThat(m.fprAt95Tpr()).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void extremes() {
    DetectionMetrics perfect = DetectionMetrics.of(new double[] {0, 0}, new double[] {1, 1});
    assertThat(perfect).isEqualTo(new DetectionMetrics(1, 1, 0));
    DetectionMetrics allTied = DetectionMetrics.of(new double[] {1, 1}, new double[] {1, 1});
    assertThat(allTied).isEqualTo(new DetectionMetrics(0.5, 0.5, 1));
    // reversed: thresholds 4, 3 flag only in; 2: R 1/2 P 1/3; 1: R 1 P 1/2 -> AP 1/6 + 1/4
    DetectionMetrics reversed = DetectionMetrics.of(new double[] {3, 4}, new double[] {1, 2});
    assertThat(reversed.auroc()).isZero();
    assertThat(reversed.aupr()).isCloseTo(5.0 / 12, within(1e-12));
    assertThat(reversed.fprAt95Tpr()).isEqualTo(1.0);
  }

  @Test
  void fprAt95TprUsesTheThresholdFlagging19Of20() {
    double[] ood = new double[20];
    for (int i = 0; i < 20; i++) {
      ood[i] = i + 1; // 1..20: 19 of 20 flagged at threshold 2
    }
    double[] in = {0.5, 1.5, 2.5, 10.5};
    assertThat(DetectionMetrics.of(in, ood).fprAt95Tpr()).isEqualTo(0.5);
  }

  @Test
  void aurocEqualsThePairCountOnRandomScoresWithTies() {
    SplittableRandom r = new SplittableRandom(4);
    double[] in = new double[300];
    double[] ood = new double[200];
    for (int i = 0; i < in.length; i++) {
      in[i] = r.nextInt(20);
    }
    for (int i = 0; i < ood.length; i++) {
      ood[i] = r.nextInt(25);
    }
    double wins = 0;
    for (double o : ood) {
      for (double v : in) {
        wins += o > v ? 1 : o == v ? 0.5 : 0;
      }
    }
    assertThat(DetectionMetrics.of(in, ood).auroc())
        .isCloseTo(wins / (in.length * ood.length), within(1e-12));
  }

  @Test
  void thresholdKeepingAFractionOfInputs() {
    double[] in = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    double t = DetectionMetrics.thresholdKeeping(in, 0.9);
    assertThat(t).isEqualTo(9.0);
    assertThat(DetectionMetrics.fractionAbove(in, t)).isCloseTo(0.1, within(1e-12));
    assertThat(DetectionMetrics.fractionAbove(new double[] {8, 9.5, 11, 20}, t)).isEqualTo(0.75);
  }

  @Test
  void rocCurveRunsFromOriginToOne() {
    double[][] roc = DetectionMetrics.rocCurve(new double[] {1, 2, 2, 4}, new double[] {2, 3, 5});
    assertThat(roc[0]).containsExactly(0, 0, 0.25, 0.25, 0.75, 1);
    assertThat(roc[1]).containsExactly(0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1, 1);
  }
}
