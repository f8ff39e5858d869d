package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dgm4j.evaluation.WindowedRate.Window;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowedRateTest {
  @Test
  void medianMinMaxAndSpreadOfAnOddCount() {
    // rates 100, 300, 200 units/s
    WindowedRate r = new WindowedRate(List.of(
        new Window(10, 1_000, 0.0), new Window(20, 6_000, 0.5), new Window(10, 2_000, 0.1)));
    assertThat(r.median()).isEqualTo(200.0);
    assertThat(r.min()).isEqualTo(100.0);
    assertThat(r.max()).isEqualTo(300.0);
    assertThat(r.relativeSpread()).isCloseTo(1.0, within(1e-12));
    assertThat(r.disturbedWindows()).isEqualTo(1); // only 0.5 > 0.2 cores
    assertThat(r.maxOtherCores()).isEqualTo(0.5);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(WindowedRate.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(WindowedRate.median(new double[] {7})).isEqualTo(7.0);
  }

  @Test
  void scalingMultipliesEveryRate() {
    WindowedRate r = new WindowedRate(List.of(new Window(2, 10, 0), new Window(4, 40, 0)))
        .scaled(3);
    assertThat(r.min()).isEqualTo(15.0);
    assertThat(r.max()).isEqualTo(30.0);
  }

  @Test
  void unknownLoadIsNeverDisturbed() {
    assertThat(new Window(1, 1, Double.NaN).disturbed()).isFalse();
  }

  @Test
  void measureRunsEachWindowForAtLeastItsLength() {
    int[] calls = {0};
    WindowedRate r = WindowedRate.measure(() -> {
      calls[0]++;
      long until = System.nanoTime() + 2_000_000; // 2 ms of work, 5 units
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      return 5;
    }, 3, 0.05);
    assertThat(r.windows()).hasSize(3);
    double units = 0;
    for (Window w : r.windows()) {
      assertThat(w.seconds()).isGreaterThanOrEqualTo(0.05);
      assertThat(w.units() % 5).isZero();
      units += w.units();
      // each step takes at least 2 ms: no window can report more than 5 units per 2 ms
      assertThat(w.rate()).isLessThanOrEqualTo(2_500.0 + 1e-9);
    }
    assertThat(units).isEqualTo(5.0 * calls[0]);
  }
}
