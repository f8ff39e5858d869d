package io.dgm4j.cli;

import static io.dgm4j.cli.CliTest.bars;
import static io.dgm4j.cli.CliTest.dgm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.cli.CliTest.Run;
import io.dgm4j.data.Binarization;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.IdxWriter;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a new user meets it: help, usage errors, files it must not touch. */
class CliHardeningTest {
  @TempDir static Path dir;
  static Path images;
  static Path bitsCsv;

  @BeforeAll
  static void writeData() throws Exception {
    images = dir.resolve("bars");
    writeIdx(images, bars(300, 1, 6), bars(40, 2, 6));
    SplittableRandom r = new SplittableRandom(3);
    StringBuilder csv = new StringBuilder("a,b,c,d\n");
    for (int i = 0; i < 40; i++) {
      csv.append(r.nextInt(2)).append(',').append(r.nextInt(2)).append(',')
          .append(r.nextInt(2)).append(',').append(r.nextInt(2)).append('\n');
    }
    bitsCsv = dir.resolve("bits.csv");
    Files.writeString(bitsCsv, csv);
  }

  static void writeIdx(Path folder, Dataset train, Dataset test) {
    IdxWriter.writeImages(folder.resolve("train-images-idx3-ubyte"), train);
    IdxWriter.writeLabels(folder.resolve("train-labels-idx1-ubyte"), train.labels());
    IdxWriter.writeImages(folder.resolve("t10k-images-idx3-ubyte"), test);
    IdxWriter.writeLabels(folder.resolve("t10k-labels-idx1-ubyte"), test.labels());
  }

  private static int epochOf(String metricsLine) {
    try {
      return ModelRegistry.json().readTree(metricsLine).get("epoch").asInt();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Run ok(String... args) {
    Run r = dgm(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
    return r;
  }

  private static Path trainBits(String name, String... extra) {
    Path run = dir.resolve(name);
    List<String> args = new ArrayList<>(List.of("train", "--model", "bernoulli", "--data",
        bitsCsv.toString(), "--lr", "0.05", "--quiet", "--out", run.toString()));
    args.addAll(List.of(extra));
    if (!args.contains("--epochs")) {
      args.addAll(List.of("--epochs", "1"));
    }
    ok(args.toArray(String[]::new));
    return run;
  }

  @Test
  void everyCommandAndSubcommandAnswersHelp() {
    for (String command : List.of("", "data", "data fetch", "data info", "models", "train",
        "eval", "sample", "complete", "score", "bench", "runs")) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of()
            : List.of(command.split(" ")));
        args.add(flag);
        Run r = dgm(args.toArray(String[]::new));
        assertThat(r.code()).as("dgm %s %s: %s", command, flag, r.err()).isZero();
        assertThat(r.out()).as("dgm %s %s", command, flag)
            .startsWith("Usage: dgm" + (command.isEmpty() ? "" : " " + command));
        assertThat(r.err()).isEmpty();
      }
    }
    // every option of every command says what it is
    String train = dgm("train", "--help").out();
    assertThat(train).contains("--epochs=N").contains("default: 10")
        .doesNotContain("--force"); // train never overwrites: an existing run is refused
  }

  @Test
  void everyOptionThatTakesAValueNamesItsValueInTheHelp() {
    List<picocli.CommandLine> commands = new ArrayList<>(List.of(
        new picocli.CommandLine(new Dgm())));
    for (int i = 0; i < commands.size(); i++) {
      picocli.CommandLine command = commands.get(i);
      commands.addAll(command.getSubcommands().values());
      // picocli's fallback label is the Java field's name, e.g. --seed=<seed>
      assertThat(command.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF))
          .as(command.getCommandSpec().qualifiedName())
          .doesNotContainPattern("=<[a-z][A-Za-z]*>");
    }
    assertThat(commands).hasSizeGreaterThan(15);
  }

  @Test
  void usageErrorsExitTwoWithOneLineNamingTheOption() {
    Path run = trainBits("usage-run");
    String out = dir.resolve("u").toString();
    String data = bitsCsv.toString();
    List<String[]> cases = List.of(
        new String[] {"train", "--model", "bernoulli", "--data", data, "--out", out,
            "--epochs", "0"},
        new String[] {"train", "--model", "bernoulli", "--data", data, "--out", out, "--lr",
            "-1"},
        new String[] {"train", "--model", "nosuch", "--data", data, "--out", out},
        new String[] {"train", "--model", "bernoulli", "--data", data, "--out", out,
            "--schedule", "foo"},
        new String[] {"train", "--data", data, "--out", out},
        new String[] {"train", "--model", "bernoulli", "--data", data, "--out", out, "--limit",
            "-5"},
        new String[] {"train", "--model", "bernoulli", "--data", data, "--out", out,
            "--validation", "-5"},
        new String[] {"train", "--model", "fvsbn", "--data", data, "--out", out, "--set",
            "orderingSeed=1.5"},
        new String[] {"train", "--model", "made", "--data", data, "--out", out, "--set",
            "hidden=0"},
        new String[] {"train", "--model", "bernoulli", "--data", data, "--out", out,
            "--threads", "0"},
        new String[] {"sample", "--run", run.toString(), "--out", dir.resolve("s.png")
            .toString(), "--scale", "0"},
        new String[] {"complete", "--run", run.toString(), "--out", dir.resolve("c.png")
            .toString(), "-n", "0"},
        new String[] {"complete", "--run", run.toString(), "--out", dir.resolve("c.csv")
            .toString()},
        new String[] {"models", "--dimension", "0"},
        new String[] {"eval", "--run", run.toString(), "--checkpoint", "worst"},
        new String[] {"score", "--run", run.toString(), "--data", data, "--out",
            dir.resolve("scores.csv").toString(), "--checkpoint", "worst"},
        new String[] {"eval"},
        new String[] {"train", "--colour", "blue", "--out", out});
    String[] named = {"--epochs", "--lr", "--model", "--schedule", "--model", "--limit",
        "--validation", "orderingSeed", "hidden", "--threads", "--scale", "-n", "--out",
        "--dimension", "--checkpoint", "--checkpoint", "--run", "--colour"};
    for (int i = 0; i < cases.size(); i++) {
      String[] args = cases.get(i);
      Run r = dgm(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).hasLineCount(1).contains(named[i])
          .contains("--help").doesNotContain("Exception").doesNotContain("java.")
          .doesNotContain("jackson").doesNotContain("reflect");
      assertThat(r.out()).as("nothing printed before the error").isEmpty();
    }
    assertThat(Files.exists(Path.of(out))).as("no run folder was made").isFalse();
    // score, classify and complete load the checkpoint asked for, as eval and sample do
    ok("score", "--run", run.toString(), "--data", data, "--out",
        dir.resolve("scores-last.csv").toString(), "--checkpoint", "last");
    // a single number is a one-element list for MADE's hidden layers
    ok("train", "--model", "made", "--set", "hidden=8", "--data", data, "--epochs", "1",
        "--quiet", "--out", dir.resolve("made-hidden").toString());
  }

  @Test
  void outputsNeverReplaceAnInputAndReplaceOtherFilesOnlyWithForce() throws Exception {
    Path run = trainBits("force-run");
    String before = Files.readString(bitsCsv);
    for (boolean force : List.of(false, true)) {
      List<String> args = new ArrayList<>(List.of("score", "--run", run.toString(), "--data",
          bitsCsv.toString(), "--out", bitsCsv.toString()));
      if (force) {
        args.add("--force");
      }
      Run r = dgm(args.toArray(String[]::new));
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("--out").contains("inputs").contains("never overwritten");
    }
    assertThat(Files.readString(bitsCsv)).isEqualTo(before);
    Run sampleOverCheckpoint = dgm("sample", "--run", run.toString(), "--out",
        run.resolve("metrics.jsonl").toString(), "--force");
    assertThat(sampleOverCheckpoint.code()).isEqualTo(2);

    Path existing = dir.resolve("existing.csv");
    Files.writeString(existing, "keep me");
    Run refused = dgm("sample", "--run", run.toString(), "-n", "3", "--out",
        existing.toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("--force");
    assertThat(Files.readString(existing)).isEqualTo("keep me");
    ok("sample", "--run", run.toString(), "-n", "3", "--out", existing.toString(), "--force");
    assertThat(Files.readAllLines(existing)).hasSize(3);
  }

  @Test
  void scoreScoresEveryRowOfACsvWithItsIndex() throws Exception {
    Path run = trainBits("score-run");
    Path all = dir.resolve("all.csv");
    ok("score", "--run", run.toString(), "--data", bitsCsv.toString(), "--out", all.toString());
    List<String> lines = Files.readAllLines(all);
    assertThat(lines.get(0)).isEqualTo("index,split,log_prob_nats,bits_per_dim");
    assertThat(lines).hasSize(41);
    for (int i = 0; i < 40; i++) {
      String[] f = lines.get(i + 1).split(",");
      assertThat(Integer.parseInt(f[0])).isEqualTo(i);
      assertThat(f[1]).isEqualTo(i < 36 ? "train" : "test");
    }
    Path test = dir.resolve("test-only.csv");
    ok("score", "--run", run.toString(), "--data", bitsCsv.toString(), "--split", "test",
        "--out", test.toString());
    List<String> testLines = Files.readAllLines(test);
    assertThat(testLines.get(0)).isEqualTo("index,log_prob_nats,bits_per_dim");
    assertThat(testLines.subList(1, testLines.size())).extracting(l -> l.split(",")[0])
        .containsExactly("36", "37", "38", "39");
    // the same rows get the same scores either way
    assertThat(testLines.get(1).split(",")[1]).isEqualTo(lines.get(37).split(",")[2]);
  }

  /** An independent check of eval's figure: the Bernoulli NLL in plain double precision. */
  @Test
  void evalMatchesAPlainJavaLikelihood() throws Exception {
    Path run = dir.resolve("bernoulli-images");
    ok("train", "--model", "bernoulli", "--data", images.toString(), "--epochs", "2", "--lr",
        "0.1", "--quiet", "--out", run.toString());
    JsonNode json = ModelRegistry.json().readTree(dgm("eval", "--run", run.toString(),
        "--json").out());
    float[] logits;
    try (var m = Engines.newManager()) {
      logits = Checkpoint.read(run.resolve("checkpoint-best.zip"), m.newSubManager()).model()
          .parameters().get("logits").toFloatArray();
    }
    Dataset test = Binarization.fixed(bars(40, 2, 6), 255f, Preprocessing.STANDARD_TEST_SEED);
    double nll = 0;
    for (int i = 0; i < test.size(); i++) {
      for (int d = 0; d < 36; d++) {
        double p = 1 / (1 + Math.exp(-logits[d]));
        nll -= test.get(i, d) == 1f ? Math.log(p) : Math.log(1 - p);
      }
    }
    nll /= test.size();
    assertThat(json.get("test_nll_nats").asDouble()).isCloseTo(nll, within(1e-3));
    assertThat(json.get("bits_per_dim").asDouble())
        .isCloseTo(nll / 36 / Math.log(2), within(1e-5));
  }

  /** For a dequantized run, score writes the 8-bit figure eval reports, with its meaning. */
  @Test
  void dequantizedScoresAgreeWithEval() throws Exception {
    Path run = dir.resolve("rnade-run");
    String trained = ok("train", "--model", "rnade", "--set", "hidden=4", "--set",
        "components=2", "--data", images.toString(), "--epochs", "1", "--limit", "60", "--quiet",
        "--out", run.toString()).out();
    // the progress line gives the 8-bit figure too: (density NLL + D ln 256) / (D ln 2)
    java.util.regex.Matcher line = java.util.regex.Pattern.compile(
        "validation (-?[0-9.]+) nats \\(8-bit pixels: ([0-9.]+) bits/dim\\)").matcher(trained);
    assertThat(line.find()).as(trained).isTrue();
    assertThat(Double.parseDouble(line.group(2))).isCloseTo(
        (Double.parseDouble(line.group(1)) + 36 * Math.log(256)) / (36 * Math.log(2)),
        within(1e-3));
    Run eval = ok("eval", "--run", run.toString(), "--json");
    JsonNode json = ModelRegistry.json().readTree(eval.out());
    double pixelBound = json.get("pixel_nll_bound_estimate_nats").asDouble();
    assertThat(json.get("pixel_nll_bound_estimate_standard_error_nats").asDouble())
        .isPositive();
    // -log P(pixels) of 8-bit pixels is positive; the density of [0,1]^D values need not be
    assertThat(pixelBound).isPositive().isGreaterThan(json.get("test_nll_nats").asDouble());
    Path scores = dir.resolve("rnade-scores.csv");
    Run score = ok("score", "--run", run.toString(), "--data", images.toString(), "--out",
        scores.toString());
    assertThat(score.out()).contains("8-bit pixels");
    double mean = Files.readAllLines(scores).stream().skip(1)
        .mapToDouble(l -> -Double.parseDouble(l.split(",")[2])).average().orElseThrow();
    assertThat(mean).isCloseTo(pixelBound, within(1e-3));
    String text = ok("eval", "--run", run.toString()).out();
    assertThat(text).contains("8-bit pixels").contains("estimate").contains("upper bound");
  }

  /**
   * A Real NVP with convolutional couplings on pixels: trained, evaluated as a density of the
   * dequantized pixels with its 8-bit bound, sampled to a picture; conv on vectors is refused.
   */
  @Test
  void realNvpOnPixelsTrainsEvaluatesAndSamples() throws Exception {
    Path run = dir.resolve("realnvp-run");
    ok("train", "--model", "realnvp", "--set", "network=conv", "--set", "channels=4", "--set",
        "dilations=[1]", "--set", "couplings=2", "--data", images.toString(), "--epochs", "1",
        "--limit", "60", "--quiet", "--out", run.toString());
    JsonNode json = ModelRegistry.json().readTree(ok("eval", "--run", run.toString(), "--json")
        .out());
    assertThat(json.get("test_nll_meaning").asText()).contains("dequantized");
    assertThat(json.get("pixel_nll_bound_estimate_nats").asDouble())
        .isCloseTo(json.get("test_nll_nats").asDouble() + 36 * Math.log(256), within(1e-6));
    Path picture = dir.resolve("realnvp-samples.png");
    ok("sample", "--run", run.toString(), "-n", "4", "--out", picture.toString());
    assertThat(javax.imageio.ImageIO.read(picture.toFile()).getWidth()).isPositive();
    // at temperature 0 every draw is the map of the base's mode: the rows are equal
    Path cold = dir.resolve("realnvp-cold.csv");
    ok("sample", "--run", run.toString(), "-n", "3", "--temperature", "0", "--out",
        cold.toString());
    List<String> rows = Files.readAllLines(cold);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1)).isEqualTo(rows.get(0));
    assertThat(rows.get(2)).isEqualTo(rows.get(0));
    Path warm = dir.resolve("realnvp-warm.csv");
    ok("sample", "--run", run.toString(), "-n", "2", "--temperature", "0.7", "--out",
        warm.toString());
    List<String> warmRows = Files.readAllLines(warm);
    assertThat(warmRows.get(1)).isNotEqualTo(warmRows.get(0));
    Run negative = dgm("sample", "--run", run.toString(), "--temperature", "-1", "--out",
        dir.resolve("t.png").toString());
    assertThat(negative.code()).isEqualTo(2);
    assertThat(negative.err()).contains("--temperature must be a finite number >= 0, got -1");
    Run notAFlow = dgm("sample", "--run", trainBits("bits-for-temperature").toString(),
        "--temperature", "0.5", "--out", dir.resolve("t.csv").toString());
    assertThat(notAFlow.code()).isEqualTo(2);
    assertThat(notAFlow.err()).contains("--temperature: bernoulli draws no Gaussian noise")
        .contains("drop --temperature");
    Run vectors = dgm("train", "--model", "realnvp", "--set", "network=conv", "--data",
        "toy:two-moons", "--epochs", "1", "--out", dir.resolve("nvp-vectors").toString());
    assertThat(vectors.code()).isEqualTo(2);
    assertThat(vectors.err()).contains("network=conv needs images").contains("network=mlp");
  }

  @Test
  void everySplitIsCheckedAtTrainTime() throws Exception {
    Path noTest = dir.resolve("no-test");
    writeIdx(noTest, bars(50, 1, 6), new Dataset("empty", new float[0], 0, new int[] {6, 6},
        new int[0]));
    Run r = dgm("train", "--model", "bernoulli", "--data", noTest.toString(), "--out",
        dir.resolve("no-test-run").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("test set is empty");

    Path pair = dir.resolve("pair");
    Files.createDirectories(pair);
    Files.writeString(pair.resolve("train.csv"), "0,1\n1,0\n1,1\n0,0\n1,0\n0,1\n1,1\n");
    Files.writeString(pair.resolve("test.csv"), "0,1\n0.5,1\n");
    Run support = dgm("train", "--model", "bernoulli", "--data", pair.toString(), "--out",
        dir.resolve("pair-run").toString());
    assertThat(support.code()).isEqualTo(2); // values the model cannot score: a usage error
    assertThat(support.err()).contains("test.csv").contains("0.5");
    assertThat(dir.resolve("pair-run")).doesNotExist();
  }

  @Test
  void dataPathsAreRecordedSoARunWorksFromAnywhereAndAMoveIsExplained() throws Exception {
    Path copy = dir.resolve("moving");
    writeIdx(copy, bars(60, 4, 6), bars(10, 5, 6));
    Path relative = Path.of("").toAbsolutePath().relativize(copy);
    Path run = dir.resolve("moving-run");
    ok("train", "--model", "bernoulli", "--data", relative.toString(), "--epochs", "1",
        "--quiet", "--out", run.toString());
    JsonNode info = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(Path.of(info.get("data").get("spec").asText())).isAbsolute()
        .isEqualTo(copy.toAbsolutePath().normalize());
    Files.move(copy, dir.resolve("moved"));
    Run r = dgm("eval", "--run", run.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("no longer there").contains("run.json");
  }

  @Test
  void resumeRefusesChangedSettingsAndKeepsRunJsonTrue() throws Exception {
    Path run = trainBits("resume-run");
    Run changed = dgm("train", "--resume", "--out", run.toString(), "--epochs", "2", "--lr",
        "0.5", "--batch-size", "7", "--seed", "3");
    assertThat(changed.code()).isEqualTo(2);
    assertThat(changed.err()).contains("--seed, --batch-size cannot change")
        .contains("only --epochs, --lr, --adam-betas, --adam-epsilon, --clip-norm, --patience,"
            + " --ema and --validate-every may change");
    ok("train", "--resume", "--out", run.toString(), "--epochs", "2", "--quiet");
    JsonNode info = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(info.get("training").get("epochs").asInt()).isEqualTo(2);
    assertThat(info.get("training").get("learningRate").asDouble()).isEqualTo(0.05);
    // after a NaN the error message suggests a lower --lr or --clip-norm and --resume: both may
    // change on resume, are printed, and recorded
    Run slower = dgm("train", "--resume", "--out", run.toString(), "--epochs", "3", "--lr",
        "0.01", "--clip-norm", "5", "--quiet");
    assertThat(slower.code()).as(slower.err()).isZero();
    assertThat(slower.out()).contains("--lr: 0.01 (was 0.05)").contains("--clip-norm: 5.0 (was 0.0)");
    info = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(info.get("training").get("learningRate").asDouble()).isEqualTo(0.01);
    assertThat(info.get("training").get("clipNorm").asDouble()).isEqualTo(5.0);
    Run bad = dgm("train", "--resume", "--out", run.toString(), "--epochs", "4", "--lr", "-1");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--lr must be a positive number");
  }

  /** The cosine from base to base / 100 over {@code total} steps, in plain double arithmetic. */
  private static double cosine(double base, long step, long total) {
    return base / 100 + (base - base / 100) * (1 + Math.cos(Math.PI * step / total)) / 2;
  }

  /** A resume's schedule line's numbers: the rate now, on the recorded schedule, the advice. */
  private static double[] scheduleLine(String out) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("cosine schedule over \\d+"
        + " epochs from --lr \\S+: the learning rate after epoch \\d+ is (\\S+) \\((\\S+) on"
        + " the recorded schedule, \\d+ epochs from \\S+\\)(?:; --lr (\\S+) would keep it at"
        + " \\S+)?").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
        m.group(3) == null ? Double.NaN : Double.parseDouble(m.group(3))};
  }

  @Test
  void resumingACosineRunWithMoreEpochsSaysHowItsLearningRateJumps() throws Exception {
    Path run = trainBits("cosine-run", "--epochs", "2", "--schedule", "cosine");
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    long steps = ModelRegistry.json().readTree(lines.get(1)).get("step").asLong();
    double was = cosine(0.05, steps, steps); // after the last of 2 epochs: the floor, 5e-4
    double now = cosine(0.05, steps, steps * 2); // halfway down the 4-epoch cosine
    Run longer = dgm("train", "--resume", "--out", run.toString(), "--epochs", "4", "--quiet");
    assertThat(longer.code()).as(longer.err()).isZero();
    double[] said = scheduleLine(longer.out()); // printed to 3 significant digits
    assertThat(said[0]).isCloseTo(now, within(now * 5e-3));
    assertThat(said[1]).isCloseTo(was, within(was * 5e-3));
    assertThat(said[2]).isCloseTo(0.05 * was / now, within(0.05 * was / now * 5e-3));

    // following the advice keeps the rate where the recorded schedule had it, and none is given
    Path again = trainBits("cosine-run-2", "--epochs", "2", "--schedule", "cosine");
    Run kept = dgm("train", "--resume", "--out", again.toString(), "--epochs", "4", "--lr",
        String.valueOf(said[2]), "--quiet");
    assertThat(kept.code()).as(kept.err()).isZero();
    double[] keptSaid = scheduleLine(kept.out());
    assertThat(keptSaid[0]).isCloseTo(was, within(was * 1e-2));
    assertThat(keptSaid[2]).isNaN();

    // a constant schedule has nothing to re-fit
    Path constant = trainBits("constant-run", "--epochs", "1");
    assertThat(dgm("train", "--resume", "--out", constant.toString(), "--epochs", "2",
        "--quiet").out()).doesNotContain("schedule");
  }

  @Test
  void resumeAfterAKillBetweenMetricsAndCheckpointRecordsEachEpochOnce() throws Exception {
    Path run = trainBits("killed-run", "--epochs", "2");
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    // the state kill -9 leaves between epoch 3's metrics line and its checkpoint
    Files.writeString(run.resolve("metrics.jsonl"), String.join("\n", lines) + "\n"
        + lines.get(1).replace("\"epoch\":2", "\"epoch\":3") + "\n");
    Files.writeString(run.resolve(".checkpoint-last.zip.k3j2.tmp"), "half");
    ok("train", "--resume", "--out", run.toString(), "--epochs", "3", "--quiet");
    List<String> after = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertThat(after).extracting(CliHardeningTest::epochOf).containsExactly(1, 2, 3);
    try (var files = Files.list(run)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void aNanInTheFirstEpochNamesTheDataAndLeavesAFolderThatRestarts() throws Exception {
    Path bad = dir.resolve("huge.csv");
    StringBuilder rows = new StringBuilder();
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 30; i++) {
      rows.append(i == 3 ? "3e38" : String.valueOf(r.nextDouble())).append(',')
          .append(r.nextDouble()).append('\n');
    }
    Files.writeString(bad, rows);
    Path run = dir.resolve("nan-run");
    Run failed = dgm("train", "--model", "rnade", "--set", "hidden=4", "--data",
        bad.toString(), "--epochs", "1", "--quiet", "--out", run.toString());
    assertThat(failed.code()).as(failed.err()).isEqualTo(3);
    assertThat(failed.err()).contains("3.00e+38").contains("rescale").hasLineCount(1);
    Files.writeString(bad, rows.toString().replace("3e38", "0.25"));
    Run again = ok("train", "--model", "rnade", "--set", "hidden=4", "--data", bad.toString(),
        "--epochs", "1", "--quiet", "--out", run.toString());
    assertThat(again.out()).contains("starting it afresh");
    assertThat(run.resolve("checkpoint-last.zip")).exists();
  }

  @Test
  void aCheckpointThatDisagreesWithRunJsonIsRefused() throws Exception {
    Path run = dir.resolve("fvsbn-random");
    ok("train", "--model", "fvsbn", "--set", "ordering=random", "--data", bitsCsv.toString(),
        "--epochs", "1", "--quiet", "--out", run.toString());
    ObjectNode info = (ObjectNode) ModelRegistry.json().readTree(run.resolve("run.json")
        .toFile());
    ((ObjectNode) info.get("model").get("config")).put("orderingSeed", 99);
    Files.writeString(run.resolve("run.json"), info.toPrettyString());
    Run r = dgm("eval", "--run", run.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("does not match").contains("orderingSeed");
  }

  @Test
  void validationZeroMeansNone() throws Exception {
    Path run = trainBits("no-validation", "--validation", "0", "--epochs", "2");
    JsonNode info = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(info.get("data").get("validation_examples").asInt()).isZero();
    assertThat(info.get("data").get("train_examples").asInt()).isEqualTo(36);
    assertThat(run.resolve("checkpoint-best.zip")).exists();
    Run patience = dgm("train", "--model", "bernoulli", "--data", bitsCsv.toString(),
        "--validation", "0", "--patience", "2", "--out", dir.resolve("np").toString());
    assertThat(patience.code()).isEqualTo(2);
  }

  @Test
  void completeSaysWhetherItsDrawsAreExact() throws Exception {
    Path run = dir.resolve("complete-run");
    ok("train", "--model", "fvsbn", "--data", images.toString(), "--epochs", "1", "--quiet",
        "--out", run.toString());
    Run top = ok("complete", "--run", run.toString(), "-n", "2", "--samples", "2", "--out",
        dir.resolve("top.png").toString());
    assertThat(top.out()).contains("method: exact");
    Run left = ok("complete", "--run", run.toString(), "-n", "2", "--samples", "2",
        "--observe", "left-half", "--sweeps", "3", "--out", dir.resolve("left.png").toString());
    assertThat(left.out()).contains("method: MCMC").contains("3 Gibbs sweeps");
  }

  @Test
  void fetchAsMnistRefusesFilesThatAreNotMnist() throws Exception {
    Path home = dir.resolve("home");
    Run r = dgm("data", "fetch", "mnist", "--from", images.toString(), "--data-dir",
        home.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("not the canonical files").contains("--data " + images);
    assertThat(home.resolve("mnist")).doesNotExist();
  }
  /**
   * Running out of memory, in the JVM or in PyTorch's allocator (whatever wraps it), is told in
   * the user's terms: the options that help, no library text.
   */
  @Test
  void runningOutOfMemoryIsToldInTheUsersTerms() {
    assertThat(Dgm.isOutOfMemory(new OutOfMemoryError(
        "Cannot reserve 256000000 bytes of direct buffer memory"))).isTrue();
    assertThat(Dgm.isOutOfMemory(new IllegalStateException("training failed",
        new ai.djl.engine.EngineException("[enforce fail at alloc_cpu.cpp:117] data."
            + " DefaultCPUAllocator: can't allocate memory: you tried to allocate 313600000000"
            + " bytes. Error code 12 (Cannot allocate memory)")))).isTrue();
    assertThat(Dgm.isOutOfMemory(new IllegalArgumentException("--epochs must be positive")))
        .isFalse();
    assertThat(Dgm.OUT_OF_MEMORY).contains("--batch-size").contains("--set")
        .contains("DGM_JAVA_OPTS").doesNotContain("Exception").doesNotContain("alloc");
  }
}
