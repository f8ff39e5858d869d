package io.dgm4j.training;

import io.dgm4j.evaluation.WindowedRate;
import java.util.List;

/**
 * How long the rest of a run will take, from the times of its recorded epochs: what the
 * training's progress line and {@code dgm runs} both say.
 *
 * <p>An epoch that validates can take much longer than one that does not (a 32-mask MADE
 * ensemble's validation doubled its epoch), and an epoch slowed by a pause or by another
 * process says little about the next. So the estimate is the median time of the recent epochs
 * that did not validate, for each epoch left, plus, for each validation left, the median extra
 * time of the recent epochs that did; medians, so that one slow epoch barely moves it. When
 * every epoch validates ({@code --validate-every 1}) it is the median of the recent epochs.
 */
public final class EpochPace {
  /** How many of the most recent epochs of each kind the medians look at. */
  static final int WINDOW = 10;

  private EpochPace() {}

  /**
   * Seconds the epochs after the last recorded one will take, up to {@code config.epochs()}.
   *
   * @param recorded the run's epochs so far, in order (possibly from several processes)
   * @return 0 when no epoch is left; NaN when none is recorded. A validation still to come is
   *     counted at no extra time while no validated epoch is recorded
   */
  public static double secondsLeft(List<EpochResult> recorded, TrainingConfig config) {
    int done = recorded.isEmpty() ? 0 : recorded.get(recorded.size() - 1).epoch();
    if (done >= config.epochs()) {
      return 0;
    }
    if (recorded.isEmpty()) {
      return Double.NaN;
    }
    double plain = median(recorded, false);
    double validated = median(recorded, true);
    double perEpoch = Double.isNaN(plain) ? validated : plain;
    double perValidation = Double.isNaN(validated) ? 0 : Math.max(0, validated - perEpoch);
    int validationsLeft = 0;
    for (int epoch = done + 1; epoch <= config.epochs(); epoch++) {
      if (config.validatesAfter(epoch)) {
        validationsLeft++;
      }
    }
    return (config.epochs() - done) * perEpoch + validationsLeft * perValidation;
  }

  /** The median seconds of the last {@link #WINDOW} epochs that validated or not; NaN if none. */
  private static double median(List<EpochResult> recorded, boolean validated) {
    double[] seconds = new double[WINDOW];
    int n = 0;
    for (int i = recorded.size() - 1; i >= 0 && n < WINDOW; i--) {
      EpochResult e = recorded.get(i);
      if (e.validationMetric().equals("skipped") != validated) {
        seconds[n++] = e.seconds();
      }
    }
    return n == 0 ? Double.NaN : WindowedRate.median(java.util.Arrays.copyOf(seconds, n));
  }
}
