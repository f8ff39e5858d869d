package io.dgm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A GAN through the command line on a 2-D toy set: samples only, and the commands say so. */
class GanCliTest {
  @TempDir Path dir;

  private static final String[] SMALL = {"--model", "gan", "--data", "toy:eight-gaussians",
      "--limit", "600", "--set", "latent=4", "--set", "hidden=[16]", "--set",
      "discriminatorHidden=[16]", "--lr", "0.002", "--adam-betas", "0.5,0.999", "--quiet"};

  private CliTest.Run train(Path out, String... more) {
    String[] args = new String[SMALL.length + more.length + 3];
    args[0] = "train";
    System.arraycopy(SMALL, 0, args, 1, SMALL.length);
    System.arraycopy(more, 0, args, 1 + SMALL.length, more.length);
    args[args.length - 2] = "--out";
    args[args.length - 1] = out.toString();
    return CliTest.dgm(args);
  }

  @Test
  void ganTrainsResumesExactlySamplesAndIsEvaluatedByMmd() throws Exception {
    Path straight = dir.resolve("straight");
    CliTest.Run whole = train(straight, "--epochs", "2");
    assertThat(whole.code()).as(whole.err()).isZero();
    Path interrupted = dir.resolve("interrupted");
    CliTest.Run first = train(interrupted, "--epochs", "1");
    assertThat(first.code()).as(first.err()).isZero();
    CliTest.Run resumed = CliTest.dgm("train", "--resume", "--epochs", "2", "--out",
        interrupted.toString(), "--quiet");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    // the discriminator and both players' moments are in the checkpoint: the game continues
    // exactly, so the generators agree to the last bit
    CliTest.assertSameLastWeights(straight, interrupted);
    JsonNode lastEpoch = ModelRegistry.json().readTree(
        Files.readAllLines(straight.resolve("metrics.jsonl")).get(1));
    assertThat(lastEpoch.get("validationMetric").asText()).isEqualTo("mmd2");

    CliTest.Run eval = CliTest.dgm("eval", "--run", straight.toString(), "--json");
    assertThat(eval.code()).as(eval.err()).isZero();
    JsonNode figures = ModelRegistry.json().readTree(eval.out());
    assertThat(figures.get("has_likelihood").asBoolean()).isFalse();
    assertThat(figures.has("test_mmd2")).isTrue();
    assertThat(figures.has("test_nll_nats")).as("no likelihood is claimed").isFalse();
    assertThat(figures.get("mmd_batches").asInt()).isEqualTo(
        figures.get("examples").asInt() / 100);
    CliTest.Run text = CliTest.dgm("eval", "--run", straight.toString());
    assertThat(text.out()).contains("gan has no likelihood");

    Path samples = dir.resolve("s.csv");
    CliTest.Run sample = CliTest.dgm("sample", "--run", straight.toString(), "-n", "7",
        "--out", samples.toString());
    assertThat(sample.code()).as(sample.err()).isZero();
    assertThat(Files.readAllLines(samples)).hasSize(7);

    CliTest.Run score = CliTest.dgm("score", "--run", straight.toString(), "--data",
        "toy:eight-gaussians", "--out", dir.resolve("f.csv").toString());
    assertThat(score.code()).isEqualTo(2);
    assertThat(score.err()).contains("gan has no per-example score");
    assertThat(dir.resolve("f.csv")).doesNotExist();
  }

  @Test
  void objectivesThatDoNotFitAreUsageErrors() {
    CliTest.Run mle = train(dir.resolve("mle"), "--epochs", "1", "--objective", "mle");
    assertThat(mle.code()).isEqualTo(2);
    assertThat(mle.err()).contains("--objective mle does not train gan; it trains with gan");
    CliTest.Run made = CliTest.dgm("train", "--model", "made", "--objective", "gan", "--data",
        "toy:two-moons", "--epochs", "1", "--out", dir.resolve("made").toString(), "--quiet");
    assertThat(made.code()).isEqualTo(2);
    assertThat(made.err()).contains("--objective gan does not train made");
    CliTest.Run steps = train(dir.resolve("steps"), "--epochs", "1", "--set",
        "discriminatorSteps=0");
    assertThat(steps.code()).isEqualTo(2);
    assertThat(steps.err()).contains("discriminatorSteps must be at least 1");
  }
}
