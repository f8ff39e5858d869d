package io.dgm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Energy models and score networks through the command line, on a 2-D toy set. */
class EnergyCliTest {
  @TempDir Path dir;

  @Test
  void energyModelOnAToyTrainsEvaluatesByQuadratureSamplesScoresAndResumes() throws Exception {
    Path run = dir.resolve("pcd");
    CliTest.Run train = CliTest.dgm("train", "--model", "ebm", "--objective", "pcd",
        "--data", "toy:two-moons", "--limit", "400", "--epochs", "1", "--set", "hidden=[16]",
        "--set", "k=5", "--set", "sampleSteps=20", "--set", "stepSize=0.02", "--out",
        run.toString(), "--quiet");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(run.resolve("density.png")).exists();
    // a key the model (its sampler) and the objective (the training chains) both have sets both
    JsonNode recorded = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(recorded.at("/model/config/stepSize").asDouble()).isEqualTo(0.02);
    assertThat(recorded.at("/objective/config/stepSize").asDouble()).isEqualTo(0.02);
    CliTest.Run resumed = CliTest.dgm("train", "--resume", "--epochs", "2", "--out",
        run.toString(), "--quiet");
    assertThat(resumed.code()).as(resumed.err()).isZero();

    CliTest.Run eval = CliTest.dgm("eval", "--run", run.toString(), "--json");
    assertThat(eval.code()).as(eval.err()).isZero();
    JsonNode figures = ModelRegistry.json().readTree(eval.out());
    for (String key : List.of("test_nll_nats", "log_z_quadrature",
        "gaussian_baseline_nll_nats", "density_png")) {
      assertThat(figures.has(key)).as(key).isTrue();
    }
    assertThat(figures.get("nll_method").asText()).isEqualTo("quadrature");
    assertThat(figures.has("kl_truth_to_model_nats")).as("two-moons has no closed form")
        .isFalse();

    Path samples = dir.resolve("s.csv");
    CliTest.Run sample = CliTest.dgm("sample", "--run", run.toString(), "-n", "5", "--out",
        samples.toString(), "--sampler", "mala", "--steps", "10");
    assertThat(sample.code()).as(sample.err()).isZero();
    assertThat(sample.out()).contains("acceptance_rate");
    // the replay buffer the pcd run saved, continued for a few steps
    Path continued = dir.resolve("c.csv");
    CliTest.Run fromBuffer = CliTest.dgm("sample", "--run", run.toString(), "-n", "6", "--out",
        continued.toString(), "--continue-chains", "--steps", "3", "--checkpoint", "last");
    assertThat(fromBuffer.code()).as(fromBuffer.err()).isZero();
    assertThat(fromBuffer.out()).contains("continued from 6 of the run's");
    assertThat(Files.readAllLines(continued)).hasSize(6);

    Path scores = dir.resolve("f.csv");
    CliTest.Run score = CliTest.dgm("score", "--run", run.toString(), "--data",
        "toy:two-moons", "--out", scores.toString());
    assertThat(score.code()).as(score.err()).isZero();
    assertThat(score.out()).contains("unnormalized");
    assertThat(Files.readAllLines(scores).get(0)).isEqualTo(
        "index,unnormalized_log_density");
    assertThat(Files.readAllLines(scores)).hasSize(5_001);
  }

  @Test
  void settingsThatDoNotFitTheDataAreUsageErrors() {
    // a convolutional score network needs images: toy:rings is 2-D points
    CliTest.Run conv = CliTest.dgm("train", "--model", "ncsn", "--data", "toy:rings",
        "--limit", "300", "--epochs", "1", "--set", "network=conv",
        "--out", dir.resolve("conv").toString(), "--quiet");
    assertThat(conv.code()).as(conv.err()).isEqualTo(2);
    assertThat(conv.err()).contains("--model ncsn on --data toy:rings")
        .contains("network=conv needs images");
    // an objective the model cannot be trained with
    CliTest.Run cd = CliTest.dgm("train", "--model", "ncsn", "--objective", "cd", "--data",
        "toy:rings", "--limit", "300", "--epochs", "1", "--out", dir.resolve("cd").toString(),
        "--quiet");
    assertThat(cd.code()).as(cd.err()).isEqualTo(2);
    assertThat(cd.err()).contains("--objective cd");
  }

  @Test
  void scoreNetworkSamplesButRefusesToScore() throws Exception {
    Path run = dir.resolve("ncsn");
    CliTest.Run train = CliTest.dgm("train", "--model", "ncsn", "--data", "toy:rings",
        "--limit", "300", "--epochs", "1", "--set", "hidden=[16]", "--set", "levels=3",
        "--set", "stepsPerLevel=5", "--out", run.toString(), "--quiet");
    assertThat(train.code()).as(train.err()).isZero();
    CliTest.Run sample = CliTest.dgm("sample", "--run", run.toString(), "-n", "4", "--out",
        dir.resolve("n.csv").toString());
    assertThat(sample.code()).as(sample.err()).isZero();
    // 2-D points as a picture: a scatter plot (720 x 640), not a grid of 1 x 2 images
    Path picture = dir.resolve("n.png");
    CliTest.Run png = CliTest.dgm("sample", "--run", run.toString(), "-n", "50", "--out",
        picture.toString());
    assertThat(png.code()).as(png.err()).isZero();
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(picture.toFile());
    assertThat(image.getWidth()).isEqualTo(720);
    assertThat(image.getHeight()).isEqualTo(640);
    CliTest.Run score = CliTest.dgm("score", "--run", run.toString(), "--data", "toy:rings",
        "--out", dir.resolve("x.csv").toString());
    assertThat(score.code()).isEqualTo(2);
    assertThat(score.err()).contains("ncsn has no per-example score: neither a log-likelihood");
    CliTest.Run noChains = CliTest.dgm("sample", "--run", run.toString(), "-n", "4", "--out",
        dir.resolve("nc.csv").toString(), "--continue-chains");
    assertThat(noChains.code()).isEqualTo(2);
    assertThat(noChains.err()).contains("--continue-chains").contains("keeps no persistent chains")
        .contains("--objective pcd");
    CliTest.Run eval = CliTest.dgm("eval", "--run", run.toString());
    assertThat(eval.code()).isNotZero();
    assertThat(eval.err()).contains("ncsn has no");
  }
}
