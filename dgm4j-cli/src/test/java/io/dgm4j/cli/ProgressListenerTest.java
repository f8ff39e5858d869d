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
}
