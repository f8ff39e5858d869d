package io.dgm4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process at a time trains into a run folder. */
class RunDirectoryClaimTest {

  @Test
  void aFolderClaimedByAnotherProcessIsRefusedUntilThatProcessEnds(@TempDir Path dir)
      throws Exception {
    Path folder = dir.resolve("run");
    Process holder = ClaimHolder.start(folder);
    try {

      assertThatThrownBy(() -> new RunDirectory(folder).claim())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(folder + " is in use by another dgm process")
          .hasMessageContaining("pid " + holder.pid())
          .hasMessageContaining("--out");

      // killed without a chance to clean up: the operating system releases the lock
      holder.destroyForcibly();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      try (RunDirectory.Claim claim = new RunDirectory(folder).claim()) {
        assertThat(Files.readString(folder.resolve(".lock")))
            .startsWith("pid " + ProcessHandle.current().pid() + ", since ");
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void aSecondClaimInTheSameProcessIsRefusedUntilTheFirstCloses(@TempDir Path dir) {
    RunDirectory run = new RunDirectory(dir);
    try (RunDirectory.Claim first = run.claim()) {
      assertThatThrownBy(run::claim).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use by another dgm process");
    }
    try (RunDirectory.Claim again = run.claim()) {
      assertThat(Files.exists(dir.resolve(".lock"))).isTrue();
    }
  }

  @Test
  void aFolderTheClaimCreatedIsRemovedWhenNothingWasWrittenIntoIt(@TempDir Path dir)
      throws Exception {
    Path fresh = dir.resolve("fresh");
    try (RunDirectory.Claim claim = new RunDirectory(fresh).claim()) {
      assertThat(Files.isDirectory(fresh)).isTrue();
    }
    assertThat(Files.exists(fresh)).isFalse();

    Path used = dir.resolve("used");
    try (RunDirectory.Claim claim = new RunDirectory(used).claim()) {
      Files.writeString(used.resolve("run.json"), "{}");
    }
    assertThat(used.resolve("run.json")).exists();
    assertThat(used.resolve(".lock")).exists().isEmptyFile(); // no stale holder is named
  }
}
