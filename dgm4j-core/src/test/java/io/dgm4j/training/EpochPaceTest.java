package io.dgm4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.dgm4j.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The time left of a run, against sums worked out by hand for each case. */
class EpochPaceTest {

  private static TrainingConfig config(int epochs, int validateEvery) {
    return new TrainingConfig(epochs, 100, 1e-3, "cosine", 0, 0, 1, 0, validateEvery,
        Adam.Settings.defaults());
  }

  private static EpochResult epoch(int epoch, double seconds, boolean validated) {
    return new EpochResult(epoch, epoch * 10L, 90, validated ? 88 : Double.NaN,
        validated ? "nll" : "skipped", 1e-3, seconds, 100, false, 0.0);
  }

  @Test
  void validationsAreCountedApartAndOnePausedEpochBarelyMovesTheFigure() {
    // 30 epochs, validating after 10, 20 and 30; 12 recorded: plain epochs of 100 s, one of
    // them paused (900 s), epoch 10 validated in 400 s
    List<EpochResult> recorded = new ArrayList<>();
    for (int e = 1; e <= 12; e++) {
      recorded.add(epoch(e, e == 10 ? 400 : e == 7 ? 900 : 100, e == 10));
    }
    // 18 epochs at 100 s, and two validations (after 20 and 30) at 400 - 100 s more each
    assertThat(EpochPace.secondsLeft(recorded, config(30, 10))).isEqualTo(18 * 100 + 2 * 300);
    // every 7: after 14, 21, 28, and after the last (30), whatever --validate-every says
    assertThat(EpochPace.secondsLeft(recorded, config(30, 7))).isEqualTo(18 * 100 + 4 * 300);
  }

  @Test
  void whenEveryEpochValidatesItIsTheMedianOfTheRecentEpochs() {
    List<EpochResult> recorded = List.of(epoch(1, 5, true), epoch(2, 7, true),
        epoch(3, 100, true), epoch(4, 6, true));
    assertThat(EpochPace.secondsLeft(recorded, config(10, 1))).isEqualTo(6 * 6.5);
  }

  @Test
  void onlyTheLastTenEpochsOfAKindCount() {
    // 5 slow epochs (1,000 s), then 10 fast ones (100 s): the slow ones are out of the window
    List<EpochResult> recorded = new ArrayList<>();
    for (int e = 1; e <= 15; e++) {
      recorded.add(epoch(e, e <= 5 ? 1000 : 100, false));
    }
    assertThat(EpochPace.secondsLeft(recorded, config(100, 50))).isEqualTo(85 * 100);
  }

  @Test
  void unknownBeforeTheFirstEpochAndZeroAfterTheLast() {
    assertThat(EpochPace.secondsLeft(List.of(), config(5, 1))).isNaN();
    assertThat(EpochPace.secondsLeft(List.of(epoch(1, 3, true), epoch(2, 3, true)),
        config(2, 1))).isZero();
    // no validated epoch recorded yet: the validations to come cost nothing extra
    assertThat(EpochPace.secondsLeft(List.of(epoch(1, 50, false), epoch(2, 70, false)),
        config(10, 10))).isEqualTo(8 * 60);
  }
}
