package io.dgm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressListenerTest {
  @Test
  void durationsReadInTheirNaturalUnit() {
    assertThat(ProgressListener.duration(0.4)).isEqualTo("0 s");
    assertThat(ProgressListener.duration(40)).isEqualTo("40 s");
    assertThat(ProgressListener.duration(89)).isEqualTo("89 s");
    assertThat(ProgressListener.duration(90)).isEqualTo("2 min");
    assertThat(ProgressListener.duration(12 * 60)).isEqualTo("12 min");
    assertThat(ProgressListener.duration(89 * 60)).isEqualTo("89 min");
    assertThat(ProgressListener.duration(3.4 * 3600)).isEqualTo("3.4 h");
    assertThat(ProgressListener.duration(41.75 * 3600)).isEqualTo("41.8 h");
  }

  @Test
  void contentionIsNotedOnlyWhenThreadsAndOtherLoadExceedTheCores() {
    // 2 cores: another job on one core and this run on one thread fit; on two they do not
    assertThat(ProgressListener.contention(1.0, 1, 2)).isNull();
    assertThat(ProgressListener.contention(0.3, 2, 2)).isNull();
    assertThat(ProgressListener.contention(0.0, 2, 2)).isNull();
    assertThat(ProgressListener.contention(1.0, 2, 2))
        .contains("1.0 of the 2 cores", "2 engine threads", "--threads 1");
    assertThat(ProgressListener.contention(0.9, 4, 4))
        .contains("--threads 3");
    // already on one thread, or no core left for it: the advice is about the other jobs
    assertThat(ProgressListener.contention(2.0, 1, 2))
        .contains("one after another").doesNotContain("Give this run");
    assertThat(ProgressListener.contention(2.0, 2, 2))
        .contains("one after another").doesNotContain("Give this run");
  }
}
