package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuLoadTest {
  // Two readings of a 2-CPU machine 10 s apart (100 ticks/s: 2,000 ticks in all), in the
  // formats of Linux's /proc/stat and /proc/self/stat.
  private static final String STAT_BEFORE = """
      cpu  34830 0 4207 45717 245 0 36 20 0 0
      cpu0 16558 0 1901 23985 48 0 7 11 0 0
      cpu1 18271 0 2306 21731 197 0 28 9 0 0
      intr 123 0 0
      ctxt 456
      """;
  // +1,500 user, +100 system, +300 idle, +50 iowait, +10 softirq, +40 steal: 2,000 ticks,
  // of which 1,650 busy (user, system, softirq, steal).
  private static final String STAT_AFTER = """
      cpu  36330 0 4307 46017 295 0 46 60 0 0
      cpu0 17300 0 1950 24135 73 0 12 31 0 0
      cpu1 19030 0 2357 21882 222 0 34 29 0 0
      intr 789 0 0
      """;
  // The command name holds a space and a ')' on purpose: fields count after the last ')'.
  private static final String SELF_BEFORE =
      "4242 (java (main) x) S 1 4242 1 0 -1 4194304 102 0 0 0 500 120 0 0 20 0 31 0 42743 "
          + "3133440 384 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
  // +900 user, +50 system: this process kept 0.95 cores busy
  private static final String SELF_AFTER =
      "4242 (java (main) x) S 1 4242 1 0 -1 4194304 102 0 0 0 1400 170 0 0 20 0 31 0 42743 "
          + "3133440 384 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

  @Test
  void machineTicksSumTheFirstEightFieldsAndCountIdleAndIowaitAsNotBusy() {
    long[] ticks = CpuLoad.machineTicks(STAT_BEFORE);
    long total = 34830 + 4207 + 45717 + 245 + 36 + 20;
    assertThat(ticks[1]).isEqualTo(total);
    assertThat(ticks[0]).isEqualTo(total - 45717 - 245);
  }

  @Test
  void processTicksAreUserPlusSystemTimeEvenWithParenthesesInTheName() {
    assertThat(CpuLoad.processTicks(SELF_BEFORE)).isEqualTo(620);
    assertThat(CpuLoad.processTicks("7 (a) R 1 1 1 0 -1 0 0 0 0 0 3 4 0")).isEqualTo(7);
  }

  @Test
  void readingCountsTheCpus() {
    assertThat(CpuLoad.reading(STAT_BEFORE, SELF_BEFORE).cpus()).isEqualTo(2);
  }

  @Test
  void otherCoresIsTheBusyTimeNotSpentByThisProcess() {
    CpuLoad.Reading before = CpuLoad.reading(STAT_BEFORE, SELF_BEFORE);
    CpuLoad.Reading after = CpuLoad.reading(STAT_AFTER, SELF_AFTER);
    // 1,650 busy ticks of 2,000, 950 of them ours: 700 / 2,000 of 2 CPUs = 0.7 cores
    assertThat(CpuLoad.otherCores(before, after)).isCloseTo(0.7, within(1e-12));
  }

  @Test
  void unknownOrEmptyIntervalsGiveNaN() {
    CpuLoad.Reading r = CpuLoad.reading(STAT_BEFORE, SELF_BEFORE);
    assertThat(CpuLoad.otherCores(null, r)).isNaN();
    assertThat(CpuLoad.otherCores(r, r)).isNaN();
  }

  @Test
  void malformedInputIsRejected() {
    assertThatThrownBy(() -> CpuLoad.machineTicks("intr 1 2\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CpuLoad.processTicks("no name here"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void liveReadingOnLinuxIsConsistent() {
    CpuLoad.Reading r = CpuLoad.read();
    if (r != null) {
      assertThat(r.total()).isGreaterThanOrEqualTo(r.busy());
      assertThat(r.busy()).isGreaterThanOrEqualTo(0);
      assertThat(r.cpus()).isPositive();
    }
  }
}
