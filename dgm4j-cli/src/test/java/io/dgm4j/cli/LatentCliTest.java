package io.dgm4j.cli;

import static io.dgm4j.cli.CliTest.dgm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.IdxWriter;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latent-variable commands end to end on tiny generated 8x8 bars (16 labels). */
class LatentCliTest {
  @TempDir static Path dir;
  static Path images;

  @BeforeAll
  static void writeData() {
    images = dir.resolve("bars");
    Dataset train = CliTest.bars(800, 1, 8);
    Dataset test = CliTest.bars(160, 2, 8);
    IdxWriter.writeImages(images.resolve("train-images-idx3-ubyte"), train);
    IdxWriter.writeLabels(images.resolve("train-labels-idx1-ubyte"), train.labels());
    IdxWriter.writeImages(images.resolve("t10k-images-idx3-ubyte"), test);
    IdxWriter.writeLabels(images.resolve("t10k-labels-idx1-ubyte"), test.labels());
  }

  private static Path train(String name, String... extra) {
    Path run = dir.resolve("run-" + name);
    List<String> args = new java.util.ArrayList<>(List.of("train", "--data", images.toString(),
        "--epochs", "3", "--lr", "0.01", "--validation", "100", "--out", run.toString(),
        "--quiet"));
    args.addAll(List.of(extra));
    CliTest.Run r = dgm(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    return run;
  }

  /** An IWAE run validates, picks its best checkpoint and prints by its own k-sample bound. */
  @Test
  void iwaeRunsAreValidatedOnTheirBound() throws Exception {
    Path run = dir.resolve("run-iwae5");
    CliTest.Run r = dgm("train", "--data", images.toString(), "--model", "iwae", "--set",
        "latent=2", "--set", "hidden=[16]", "--set", "samples=5", "--epochs", "2", "--lr", "0.01",
        "--validation", "100", "--out", run.toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("validation -IWAE-5 bound").doesNotContain("-ELBO");
    List<String> lines = java.nio.file.Files.readAllLines(run.resolve("metrics.jsonl"));
    assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(
        ModelRegistry.json().readTree(line).get("validationMetric").asText())
        .isEqualTo("neg_iwae_bound_k5"));

    // a run recorded when IWAE runs were validated on the -ELBO: resumed, it says the best
    // checkpoint is chosen anew
    java.nio.file.Files.writeString(run.resolve("metrics.jsonl"),
        String.join("\n", lines).replace("neg_iwae_bound_k5", "neg_elbo") + "\n");
    CliTest.Run resumed = dgm("train", "--out", run.toString(), "--resume", "--epochs", "3",
        "--quiet");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("validation now reports the -IWAE-5 bound, where the"
        + " recorded epochs report the -ELBO: the best checkpoint is chosen anew from epoch 3");
  }

  @Test
  void vaeEvalScoreEmbedProbeAndPictures() throws Exception {
    Path run = train("vae", "--model", "vae", "--set", "latent=2", "--set", "hidden=[32]");
    CliTest.Run eval = dgm("eval", "--run", run.toString(), "--importance-samples", "50",
        "--json");
    assertThat(eval.code()).as(eval.err()).isZero();
    JsonNode json = ModelRegistry.json().readTree(eval.out());
    for (String key : List.of("test_nll_nats", "importance_samples", "test_neg_elbo_nats",
        "kl_nats", "reconstruction_nats", "active_units")) {
      assertThat(json.has(key)).as(key).isTrue();
    }
    assertThat(json.get("importance_samples").asInt()).isEqualTo(50);
    assertThat(json.get("test_neg_elbo_nats").asDouble())
        .isGreaterThan(json.get("test_nll_nats").asDouble());
    assertThat(json.get("test_neg_elbo_nats").asDouble()).isCloseTo(
        json.get("kl_nats").asDouble() + json.get("reconstruction_nats").asDouble(),
        org.assertj.core.api.Assertions.within(1e-3));
    assertThat(dgm("eval", "--run", run.toString()).out())
        .contains("importance-weighted (IWAE) estimate with k = 1000");
    // the estimate is random; the same command (same --seed) gives the same figures
    JsonNode again = ModelRegistry.json().readTree(dgm("eval", "--run", run.toString(),
        "--importance-samples", "50", "--json").out());
    assertThat(again.get("test_nll_nats").asDouble())
        .isEqualTo(json.get("test_nll_nats").asDouble());
    assertThat(again.get("test_neg_elbo_nats").asDouble())
        .isEqualTo(json.get("test_neg_elbo_nats").asDouble());
    JsonNode otherSeed = ModelRegistry.json().readTree(dgm("eval", "--run", run.toString(),
        "--importance-samples", "50", "--json", "--seed", "2").out());
    assertThat(otherSeed.get("test_nll_nats").asDouble())
        .isNotEqualTo(json.get("test_nll_nats").asDouble());

    Path scores = dir.resolve("vae-scores.csv");
    CliTest.Run score = dgm("score", "--run", run.toString(), "--data", images.toString(),
        "--out", scores.toString());
    assertThat(score.code()).as(score.err()).isZero();
    assertThat(score.out()).contains("importance-sampled estimate").contains("k = 100");
    assertThat(Files.readAllLines(scores).get(0)).contains("log_prob_estimate_nats");
    Path scoresAgain = dir.resolve("vae-scores-again.csv");
    assertThat(dgm("score", "--run", run.toString(), "--data", images.toString(),
        "--out", scoresAgain.toString()).code()).isZero();
    assertThat(Files.readAllLines(scoresAgain)).isEqualTo(Files.readAllLines(scores));

    Path features = dir.resolve("features.csv");
    CliTest.Run embed = dgm("embed", "--run", run.toString(), "--data", images.toString(),
        "--out", features.toString());
    assertThat(embed.code()).as(embed.err()).isZero();
    List<String> lines = Files.readAllLines(features);
    assertThat(lines.get(0)).isEqualTo("index,label,z0,z1");
    assertThat(lines).hasSize(161);

    CliTest.Run probe = dgm("probe", "--run", run.toString(), "--data", images.toString(),
        "--labels", "32", "--steps", "200", "--json");
    assertThat(probe.code()).as(probe.err()).isZero();
    JsonNode p = ModelRegistry.json().readTree(probe.out());
    assertThat(p.get("labels").asInt()).isEqualTo(32);
    assertThat(p.get("pixel_accuracy").asDouble()).isBetween(0.0, 1.0);
    assertThat(p.get("feature_accuracy").asDouble()).isBetween(0.0, 1.0);
    assertThat(dgm("probe", "--run", run.toString(), "--data", images.toString(), "--labels",
        "33").code()).isEqualTo(2);

    for (String kind : List.of("reconstructions", "interpolations", "scatter")) {
      Path png = dir.resolve(kind + ".png");
      CliTest.Run r = dgm("pictures", "--run", run.toString(), "--data", images.toString(),
          "--kind", kind, "-n", "3", "--out", png.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isGreaterThan(20);
    }
    Path grid = dir.resolve("manifold.png");
    assertThat(dgm("sample", "--run", run.toString(), "--grid", "manifold", "-n", "16",
        "--out", grid.toString()).code()).isZero();
    assertThat(javax.imageio.ImageIO.read(grid.toFile()).getWidth()).isGreaterThan(4 * 8 * 3);
    CliTest.Run label = dgm("sample", "--run", run.toString(), "--label", "3", "--out",
        dir.resolve("x.png").toString());
    assertThat(label.code()).isEqualTo(2);
    assertThat(label.err()).contains("trained without labels");
  }

  @Test
  void cvaeSamplesAGivenLabelAndAutoencoderSaysWhatItLacks() throws Exception {
    Path cvae = train("cvae", "--model", "cvae", "--set", "classes=16", "--set", "hidden=[16]",
        "--set", "latent=3");
    CliTest.Run sample = dgm("sample", "--run", cvae.toString(), "--label", "7", "-n", "4",
        "--out", dir.resolve("sevens.png").toString());
    assertThat(sample.code()).as(sample.err()).isZero();
    assertThat(dgm("sample", "--run", cvae.toString(), "--grid", "manifold", "--out",
        dir.resolve("m.png").toString()).code()).isEqualTo(2);

    Path ae = train("ae", "--model", "autoencoder", "--set", "latent=4", "--set",
        "hidden=[16]");
    CliTest.Run eval = dgm("eval", "--run", ae.toString());
    assertThat(eval.code()).as(eval.err()).isZero();
    assertThat(eval.out()).contains("no likelihood").contains("reconstruction error");
    CliTest.Run sample2 = dgm("sample", "--run", ae.toString(), "--out",
        dir.resolve("y.png").toString());
    assertThat(sample2.code()).isNotZero();
    assertThat(sample2.err()).contains("autoencoder has no way to draw samples");
    assertThat(dgm("probe", "--run", ae.toString(), "--data", images.toString(), "--labels",
        "16", "--steps", "100").code()).isZero();
  }

  /**
   * decoder=logistic: the VAE scores the bars' 8-bit pixels as they are (no binarization), eval
   * reports the IWAE estimate in nats and bits/dim over 256 levels, sample writes 8-bit values.
   */
  @Test
  void theLogisticDecoderModelsEightBitPixels() throws Exception {
    Path run = train("vae8", "--model", "vae", "--set", "decoder=logistic", "--set", "latent=2",
        "--set", "hidden=[32]");
    JsonNode info = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(info.toString()).contains("\"bytes\"");
    CliTest.Run eval = dgm("eval", "--run", run.toString(), "--importance-samples", "20",
        "--json");
    assertThat(eval.code()).as(eval.err()).isZero();
    JsonNode json = ModelRegistry.json().readTree(eval.out());
    assertThat(json.get("preprocessing").asText()).isEqualTo("bytes");
    assertThat(json.get("nll_method").asText()).isEqualTo("iwae");
    double nll = json.get("test_nll_nats").asDouble();
    // between a perfect model (0) and a uniform one over 256 levels (64 x ln 256 = 354.9 nats)
    assertThat(nll).isBetween(1.0, 64 * Math.log(256));
    assertThat(json.get("bits_per_dim").asDouble()).isCloseTo(nll / (64 * Math.log(2)),
        org.assertj.core.api.Assertions.within(1e-9));
    assertThat(dgm("eval", "--run", run.toString(), "--importance-samples", "20").out())
        .contains("8-bit pixels");

    Path csv = dir.resolve("vae8-samples.csv");
    CliTest.Run sample = dgm("sample", "--run", run.toString(), "-n", "5", "--out",
        csv.toString());
    assertThat(sample.code()).as(sample.err()).isZero();
    boolean beyondOne = false;
    for (String line : Files.readAllLines(csv)) {
      for (String cell : line.split(",")) {
        double v = Double.parseDouble(cell);
        assertThat(v).isBetween(0.0, 255.0).isEqualTo(Math.rint(v));
        beyondOne |= v > 1;
      }
    }
    assertThat(beyondOne).as("8-bit values, not binary ones").isTrue();
    Path png = dir.resolve("vae8-reconstructions.png");
    CliTest.Run pictures = dgm("pictures", "--run", run.toString(), "--data",
        images.toString(), "--kind", "reconstructions", "-n", "4", "--out", png.toString());
    assertThat(pictures.code()).as(pictures.err()).isZero();
    // pixels are shown as value / 255: a bar (230..255) on a dark background (0..19) is mostly
    // dark, about 48 of 255 on average; shown unscaled, every non-zero pixel would be white
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
    double grey = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        grey += image.getRaster().getSample(x, y, 0);
      }
    }
    assertThat(grey / (image.getWidth() * image.getHeight())).isBetween(10.0, 110.0);
  }

  /** A model is refused, exit 2, when its decoder cannot score the data's kind of values. */
  @Test
  void aDecoderThatDoesNotFitTheValuesIsAUsageError() throws Exception {
    Path table = dir.resolve("bytes.csv");
    StringBuilder rows = new StringBuilder();
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 6; j++) {
        rows.append(j == 0 ? "" : ",").append(r.nextInt(256));
      }
      rows.append('\n');
    }
    Files.writeString(table, rows.toString());
    CliTest.Run bernoulli = dgm("train", "--model", "vae", "--data", table.toString(),
        "--epochs", "1", "--out", dir.resolve("refused-1").toString(), "--quiet");
    assertThat(bernoulli.code()).as(bernoulli.err()).isEqualTo(2);
    assertThat(bernoulli.err()).contains("holds 8-bit values (integers 0..255)")
        .contains("vae with decoder=bernoulli scores binary values (0/1)")
        .contains("--set decoder=logistic");
    assertThat(Files.exists(dir.resolve("refused-1"))).isFalse();
    CliTest.Run logistic = dgm("train", "--model", "iwae", "--set", "decoder=logistic",
        "--data", "toy:two-moons", "--epochs", "1", "--out", dir.resolve("refused-2").toString(),
        "--quiet");
    assertThat(logistic.code()).as(logistic.err()).isEqualTo(2);
    assertThat(logistic.err()).contains("holds real values")
        .contains("iwae with decoder=logistic scores 8-bit values").contains("dgm models");
    CliTest.Run unknown = dgm("train", "--model", "vae", "--set", "decoder=gaussian", "--data",
        table.toString(), "--out", dir.resolve("refused-3").toString(), "--quiet");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("decoder must be bernoulli").contains("logistic");
    // the same table with the byte decoder trains
    CliTest.Run fits = dgm("train", "--model", "vae", "--set", "decoder=logistic", "--set",
        "latent=2", "--set", "hidden=[8]", "--data", table.toString(), "--epochs", "1",
        "--out", dir.resolve("fits").toString(), "--quiet");
    assertThat(fits.code()).as(fits.err()).isZero();
  }

  /** A VAE run stopped after 2 epochs and resumed to 3 equals a straight 3-epoch run. */
  @Test
  void resumedVaeRunEqualsUninterruptedRun() throws Exception {
    Path straight = train("straight", "--model", "vae", "--set", "latent=2", "--set",
        "hidden=[16]");
    Path interrupted = dir.resolve("run-interrupted");
    CliTest.Run first = dgm("train", "--data", images.toString(), "--epochs", "2", "--lr",
        "0.01", "--validation", "100", "--out", interrupted.toString(), "--quiet", "--model",
        "vae", "--set", "latent=2", "--set", "hidden=[16]");
    assertThat(first.code()).as(first.err()).isZero();
    CliTest.Run resumed = dgm("train", "--resume", "--epochs", "3", "--out",
        interrupted.toString(), "--quiet");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    CliTest.assertSameLastWeights(straight, interrupted);
  }
}
