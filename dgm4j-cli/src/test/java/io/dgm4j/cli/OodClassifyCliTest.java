package io.dgm4j.cli;

import static io.dgm4j.cli.CliTest.dgm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.IdxWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `dgm train --perturb / --per-class`, `dgm ood` and `dgm classify` on tiny generated data. */
class OodClassifyCliTest {
  @TempDir static Path dir;
  static Path bars;
  static Path specks;
  static final ObjectMapper JSON = new ObjectMapper();

  /** Out-of-distribution 6x6 images: a few bright pixels scattered at random, no bar. */
  static Dataset specks(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * 36];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 36; p++) {
        v[i * 36 + p] = r.nextInt(6) == 0 ? 240 : r.nextInt(20);
      }
    }
    return new Dataset("specks", v, n, new int[] {6, 6}, labels);
  }

  static void writeIdx(Path folder, Dataset train, Dataset test) {
    IdxWriter.writeImages(folder.resolve("train-images-idx3-ubyte"), train);
    IdxWriter.writeLabels(folder.resolve("train-labels-idx1-ubyte"), train.labels());
    IdxWriter.writeImages(folder.resolve("t10k-images-idx3-ubyte"), test);
    IdxWriter.writeLabels(folder.resolve("t10k-labels-idx1-ubyte"), test.labels());
  }

  @BeforeAll
  static void writeData() {
    bars = dir.resolve("bars");
    writeIdx(bars, CliTest.bars(600, 1, 6), CliTest.bars(120, 2, 6));
    specks = dir.resolve("specks");
    writeIdx(specks, specks(60, 3), specks(120, 4));
  }

  @Test
  void oodWithABackgroundRunReportsEveryMethod() throws Exception {
    Path run = dir.resolve("fvsbn");
    Path bg = dir.resolve("fvsbn-bg");
    CliTest.Run a = dgm("train", "--model", "fvsbn", "--data", bars.toString(), "--epochs", "3",
        "--lr", "0.05", "--out", run.toString(), "--quiet");
    assertThat(a.code()).as(a.err()).isZero();
    CliTest.Run b = dgm("train", "--model", "fvsbn", "--data", bars.toString(), "--epochs", "3",
        "--lr", "0.05", "--perturb", "0.2", "--out", bg.toString(), "--quiet");
    assertThat(b.code()).as(b.err()).isZero();
    assertThat(b.out()).contains("replaced by noise with probability 0.2");
    JsonNode recorded = JSON.readTree(bg.resolve("run.json").toFile()).get("data").get("perturb");
    assertThat(recorded.get("rate").asDouble()).isEqualTo(0.2);
    assertThat(recorded.get("high").asDouble()).isEqualTo(255.0);

    Path report = dir.resolve("report");
    CliTest.Run ood = dgm("ood", "--run", run.toString(), "--background", bg.toString(), "--in",
        bars.toString(), "--ood", specks.toString(), "--report", report.toString(), "--json");
    assertThat(ood.code()).as(ood.err()).isZero();
    JsonNode o = JSON.readTree(ood.out());
    assertThat(o.get("in").asText()).isEqualTo(bars.toString());
    assertThat(o.get("ood").asText()).isEqualTo(specks.toString());
    assertThat(o.get("methods").fieldNames()).toIterable()
        .containsExactly("likelihood", "likelihood-ratio", "complexity", "typicality");
    for (JsonNode m : o.get("methods")) {
      assertThat(m.fieldNames()).toIterable().containsExactly("auroc", "aupr", "fpr_at_95_tpr");
      for (JsonNode v : m) {
        assertThat(v.asDouble()).isBetween(0.0, 1.0);
      }
    }
    // specks are far from any bar: the bar model's likelihood separates them
    assertThat(o.get("methods").get("likelihood").get("auroc").asDouble()).isGreaterThan(0.9);
    for (String f : List.of("roc.png", "scores-likelihood.png", "scores-typicality.png",
        "scores.csv")) {
      assertThat(report.resolve(f)).exists();
    }
    assertThat(Files.readAllLines(report.resolve("scores.csv"))).hasSize(1 + 240);

    CliTest.Run noBackground = dgm("ood", "--run", run.toString(), "--in", bars.toString(),
        "--ood", specks.toString(), "--methods", "likelihood-ratio");
    assertThat(noBackground.code()).isEqualTo(2);
    assertThat(noBackground.err()).contains("--background").contains("--perturb");
    CliTest.Run text = dgm("ood", "--run", run.toString(), "--in", bars.toString(), "--ood",
        specks.toString(), "--methods", "likelihood,complexity");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("likelihood").contains("complexity")
        .doesNotContain("typicality");
  }

  /** picocli formats help text with String.format: a lone % garbles it and warns. */
  @Test
  void everyHelpTextFormats() {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true));
    try {
      picocli.CommandLine cli = new picocli.CommandLine(new Dgm());
      for (picocli.CommandLine sub : cli.getSubcommands().values()) {
        assertThat(sub.getUsageMessage()).as(sub.getCommandName()).doesNotContain("%n");
      }
    } finally {
      System.setErr(saved);
    }
    assertThat(captured.toString()).doesNotContain("WARN");
  }

  @Test
  void perClassRunClassifiesSamplesByLabelAndResumes() throws Exception {
    Path run = dir.resolve("per-class");
    CliTest.Run train = dgm("train", "--model", "fvsbn", "--data", bars.toString(),
        "--per-class", "--epochs", "2", "--lr", "0.05", "--batch-size", "10", "--out",
        run.toString(), "--quiet");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.out()).contains("12 classes").contains("class 12 of 12");
    assertThat(run.resolve("class-11").resolve("checkpoint-best.zip")).exists();
    assertThat(run.resolve("checkpoint-best.zip")).exists();
    JsonNode member = JSON.readTree(run.resolve("class-3").resolve("run.json").toFile());
    assertThat(member.get("data").get("class").asInt()).isEqualTo(3);
    assertThat(member.get("data").get("validation_examples").asInt()).isPositive();

    CliTest.Run classify = dgm("classify", "--run", run.toString(), "--data", bars.toString(),
        "--ood", specks.toString(), "--json");
    assertThat(classify.code()).as(classify.err()).isZero();
    JsonNode c = JSON.readTree(classify.out());
    assertThat(c.get("examples").asInt()).isEqualTo(120);
    // a lit row or column is easy to tell apart: far above the 1/12 of chance
    assertThat(c.get("accuracy").asDouble()).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
    long total = 0;
    long diagonal = 0;
    for (int y = 0; y < 12; y++) {
      for (int p = 0; p < 12; p++) {
        long v = c.get("confusion").get(y).get(p).asLong();
        total += v;
        diagonal += y == p ? v : 0;
      }
    }
    assertThat(total).isEqualTo(120);
    assertThat(diagonal / 120.0).isEqualTo(c.get("accuracy").asDouble());
    assertThat(c.get("ood").get("in_distribution_kept").asDouble()).isGreaterThanOrEqualTo(0.95);
    assertThat(c.get("ood").get("rejection_rate").asDouble()).isBetween(0.5, 1.0);

    Path png = dir.resolve("three.png");
    CliTest.Run sample = dgm("sample", "--run", run.toString(), "--label", "3", "-n", "4",
        "--out", png.toString());
    assertThat(sample.code()).as(sample.err()).isZero();
    assertThat(png).exists();
    CliTest.Run eval = dgm("eval", "--run", run.toString(), "--json");
    assertThat(eval.code()).as(eval.err()).isZero();

    assertThat(dgm("runs", run.toString()).out()).contains("per-class").contains("24/24")
        .contains("finished (12 of 12 classes finished)");
    // a class folder another process trains into by itself is not trained into at once
    try (io.dgm4j.training.RunDirectory.Claim held = new io.dgm4j.training.RunDirectory(
        run.resolve("class-5")).claim()) {
      CliTest.Run refused = dgm("train", "--resume", "--epochs", "3", "--out", run.toString(),
          "--quiet");
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains(run.resolve("class-5") + " is in use by another dgm"
          + " process");
    }
    CliTest.Run resumed = dgm("train", "--resume", "--epochs", "3", "--out", run.toString(),
        "--quiet");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming").contains("epoch 3/3").contains("per-class");
    assertThat(Files.readAllLines(run.resolve("class-0").resolve("metrics.jsonl"))).hasSize(3);

    CliTest.Run notPerClass = dgm("classify", "--run", dir.resolve("fvsbn-plain").toString());
    assertThat(notPerClass.code()).isNotZero();
  }
}
