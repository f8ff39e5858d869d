package io.dgm4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a kill -9 leaves behind is tidied when the run resumes. */
class RunDirectoryResumeTest {
  @TempDir Path dir;

  private static String line(int epoch) {
    return "{\"epoch\":" + epoch + ",\"step\":" + epoch * 10 + ",\"trainLoss\":" + (50 - epoch)
        + ",\"validationLoss\":" + (60 - epoch) + ",\"validationMetric\":\"nll\","
        + "\"learningRate\":0.001,\"seconds\":1.0,\"examplesPerSecond\":100.0,"
        + "\"improved\":true}";
  }

  @Test
  void metricsOfEpochsAfterTheCheckpointAndTemporaryFilesAreRemoved() throws Exception {
    RunDirectory run = new RunDirectory(dir);
    // killed after epoch 3's metrics line, before its checkpoint: the checkpoint is epoch 2
    Files.writeString(run.metricsFile(), line(1) + "\n" + line(2) + "\n" + line(3) + "\n");
    Files.writeString(dir.resolve(".checkpoint-last.zip.abc123.tmp"), "half a zip");
    Files.writeString(dir.resolve(".loss.png.xyz.tmp"), "half a png");
    Files.writeString(dir.resolve("notes.txt"), "a user's file");
    run.prepareResume(2);
    assertThat(run.readMetrics()).extracting(EpochResult::epoch).containsExactly(1, 2);
    assertThat(Files.readAllLines(run.metricsFile())).hasSize(2);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .containsExactlyInAnyOrder("metrics.jsonl", "notes.txt");
    }
    // epoch 3 again, as the resumed run writes it: one line per epoch
    run.appendMetrics(run.readMetrics().get(1));
    assertThat(Files.readAllLines(run.metricsFile())).hasSize(3);
  }

  @Test
  void anUnfinishedRunIsClearedButAFinishedOneIsNot() throws Exception {
    RunDirectory run = new RunDirectory(dir);
    Files.writeString(run.runFile(), "{}");
    Files.writeString(run.metricsFile(), "");
    run.clearUnfinished();
    assertThat(run.exists()).isFalse();
    Files.writeString(run.runFile(), "{}");
    Files.writeString(run.lastCheckpoint(), "zip");
    org.assertj.core.api.Assertions.assertThatThrownBy(run::clearUnfinished)
        .isInstanceOf(IllegalStateException.class);
    assertThat(List.of(run.runFile(), run.lastCheckpoint())).allMatch(Files::exists);
  }
}
