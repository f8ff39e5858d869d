package io.dgm4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged run files are reported by file, place and fix, without the JSON library's text. */
class RunDirectoryFilesTest {

  @Test
  void aTruncatedRunFileSaysWhereItBreaksAndWhatToDo(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("run.json"), "{\n  \"model\" : {\n    \"family\" : \"made");
    assertThatThrownBy(() -> new RunDirectory(dir).readInfo())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(dir.resolve("run.json") + ": corrupt run file: not valid JSON at line 3")
        .hasMessageContaining("--out")
        .hasMessageNotContainingAny("com.fasterxml", "Source:", "Unexpected", "RunInfo");
  }

  @Test
  void aRunFileWithAWrongFieldNamesTheField(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("run.json"), "{\"model\": 7}");
    assertThatThrownBy(() -> new RunDirectory(dir).readInfo())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the field 'model'")
        .hasMessageNotContainingAny("com.fasterxml", "Source:", "ModelSpec", "RunInfo");
  }

  @Test
  void aDamagedMetricsLineIsNamedWithItsFix(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\":1,\"step\":5,\"trainLoss\":1.5}\n"
        + "{\"epoch\":2,\"st\n");
    assertThatThrownBy(() -> new RunDirectory(dir).readMetrics())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(dir.resolve("metrics.jsonl") + ": corrupt metrics line: not valid JSON")
        .hasMessageContaining("delete the damaged line")
        .hasMessageNotContainingAny("com.fasterxml", "Source:", "EpochResult");
  }

  @Test
  void metricsWrittenBeforeTheLoadWasRecordedReadWithTheLoadUnknown(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\":1,\"step\":5,\"trainLoss\":1.5,"
        + "\"validationLoss\":1.4,\"validationMetric\":\"nll\",\"learningRate\":0.01,"
        + "\"seconds\":2.0,\"examplesPerSecond\":250.0,\"improved\":true}\n"
        + "{\"epoch\":2,\"step\":10,\"trainLoss\":1.3,\"validationLoss\":1.2,"
        + "\"validationMetric\":\"nll\",\"learningRate\":0.01,\"seconds\":2.0,"
        + "\"examplesPerSecond\":250.0,\"improved\":true,\"otherCores\":0.75}\n");
    List<EpochResult> metrics = new RunDirectory(dir).readMetrics();
    assertThat(metrics.get(0).otherCores()).isNull();
    assertThat(metrics.get(1).otherCores()).isEqualTo(0.75);
  }
}
