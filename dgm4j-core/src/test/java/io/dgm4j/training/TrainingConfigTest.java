package io.dgm4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The learning-rate schedules against their closed forms in plain double arithmetic. */
class TrainingConfigTest {

  @Test
  void theCosineFallsFromTheRateToAHundredthOfItOverEveryStepOfTheRun() {
    TrainingConfig cosine = new TrainingConfig(8, 100, 3e-4, "cosine", 0, 0, 1);
    int batches = 250; // 2,000 steps in all
    for (long step : new long[] {0, 1, 500, 1000, 1377, 1999, 2000, 5000}) {
      double t = Math.min(step, 2000) / 2000.0;
      double expected = 3e-6 + (3e-4 - 3e-6) * (1 + Math.cos(Math.PI * t)) / 2;
      assertThat(cosine.learningRateAt(step, batches)).as("step " + step)
          .isCloseTo(expected, within(expected * 1e-6));
    }
    TrainingConfig constant = new TrainingConfig(8, 100, 3e-4, "constant", 0, 0, 1);
    assertThat(constant.learningRateAt(1377, batches)).isEqualTo(3e-4);
  }
}
