package io.dgm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.IdxWriter;
import io.dgm4j.models.ModelRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end checks of the dgm command on tiny generated data (6x6 "images"). */
class CliTest {
  @TempDir static Path dir;
  static Path images;

  /** Result of one command: exit code and what it printed. */
  record Run(int code, String out, String err) {}

  static Run dgm(String... args) {
    // (package-private: CliHardeningTest reuses it)
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Dgm.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * Two runs' last checkpoints hold the same weights to the last bit: what a resumed run must
   * give against one that was not interrupted.
   */
  static void assertSameLastWeights(Path straight, Path interrupted) {
    try (ai.djl.ndarray.NDManager m = io.dgm4j.engine.Engines.newManager()) {
      var a = io.dgm4j.io.Checkpoint.read(new io.dgm4j.training.RunDirectory(straight)
          .lastCheckpoint(), m.newSubManager()).model();
      var b = io.dgm4j.io.Checkpoint.read(new io.dgm4j.training.RunDirectory(interrupted)
          .lastCheckpoint(), m.newSubManager()).model();
      for (var e : a.parameters().asMap().entrySet()) {
        assertThat(b.parameters().get(e.getKey()).toFloatArray()).as(e.getKey())
            .containsExactly(e.getValue().toFloatArray());
      }
    }
  }

  /** Bars: each image lights one random row or column, pixels 0..255 with noise. */
  static Dataset bars(int n, long seed, int side) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * side * side];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      boolean row = r.nextBoolean();
      int k = r.nextInt(side);
      labels[i] = row ? k : side + k;
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          boolean on = row ? y == k : x == k;
          v[i * side * side + y * side + x] = on ? 230 + r.nextInt(26) : r.nextInt(20);
        }
      }
    }
    return new Dataset("bars", v, n, new int[] {side, side}, labels);
  }

  @BeforeAll
  static void writeData() {
    images = dir.resolve("bars");
    Dataset train = bars(600, 1, 6);
    Dataset test = bars(100, 2, 6);
    IdxWriter.writeImages(images.resolve("train-images-idx3-ubyte"), train);
    IdxWriter.writeLabels(images.resolve("train-labels-idx1-ubyte"), train.labels());
    IdxWriter.writeImages(images.resolve("t10k-images-idx3-ubyte.gz"), test);
    IdxWriter.writeLabels(images.resolve("t10k-labels-idx1-ubyte.gz"), test.labels());
  }

  @Test
  void rbmTrainsByPcdAndEvaluatesWithAisScoresSamplesCompletesAndDrawsFilters()
      throws Exception {
    Path run = dir.resolve("run-rbm");
    // 30 hidden units > exactLimit 20: log Z must come from AIS
    Run train = dgm("train", "--model", "rbm", "--objective", "pcd", "--set", "hidden=30",
        "--set", "k=2", "--set", "sampleSteps=20", "--data", images.toString(), "--epochs", "2",
        "--lr", "0.01", "--out", run.toString(), "--quiet");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.out()).contains("PCD-2");

    Run early = dgm("score", "--run", run.toString(), "--data", images.toString(), "--out",
        dir.resolve("rbm-early.csv").toString());
    assertThat(early.code()).as(early.err()).isZero();
    assertThat(early.out()).contains("unnormalized_log_density").contains("dgm eval");

    Run eval = dgm("eval", "--run", run.toString(), "--json", "--ais-runs", "20",
        "--ais-betas", "200");
    assertThat(eval.code()).as(eval.err()).isZero();
    JsonNode e = ModelRegistry.json().readTree(eval.out());
    assertThat(e.get("log_z_method").asText()).isEqualTo("ais");
    assertThat(e.get("ais_runs").asInt()).isEqualTo(20);
    assertThat(e.get("ais_betas").asInt()).isEqualTo(200);
    assertThat(e.get("log_z_stderr").asDouble()).isPositive();
    // 36 binary pixels: a trained model must beat the uniform 36 ln 2 = 24.95 nats
    assertThat(e.get("test_nll_nats").asDouble()).isBetween(1.0, 36 * Math.log(2));

    Path scores = dir.resolve("rbm-scores.csv");
    Run score = dgm("score", "--run", run.toString(), "--data", images.toString(), "--out",
        scores.toString());
    assertThat(score.code()).as(score.err()).isZero();
    assertThat(score.out()).contains("log_prob_nats").contains("log Z").contains("ais");
    double mean = Files.readAllLines(scores).stream().skip(1)
        .mapToDouble(l -> -Double.parseDouble(l.split(",")[2])).average().orElseThrow();
    assertThat(mean).isCloseTo(e.get("test_nll_nats").asDouble(),
        org.assertj.core.api.Assertions.within(1e-3));

    Run sample = dgm("sample", "--run", run.toString(), "--sampler", "gibbs", "--steps", "30",
        "-n", "8", "--out", dir.resolve("rbm.png").toString(), "--chain",
        dir.resolve("rbm-chain.png").toString(), "--chain-every", "10");
    assertThat(sample.code()).as(sample.err()).isZero();
    assertThat(sample.out()).contains("log_density_rhat").contains("mean_squared_jump");
    assertThat(dir.resolve("rbm-chain.png")).exists();
    // the persistent chains pcd kept (one per example of a batch), one Gibbs sweep further
    Path continued = dir.resolve("rbm-continued.csv");
    Run fromChains = dgm("sample", "--run", run.toString(), "--continue-chains", "--steps", "1",
        "-n", "25", "--out", continued.toString(), "--checkpoint", "last");
    assertThat(fromChains.code()).as(fromChains.err()).isZero();
    assertThat(fromChains.out()).containsPattern("continued from 25 of the run's \\d+ saved");
    assertThat(Files.readAllLines(continued)).hasSize(25)
        .allSatisfy(line -> assertThat(line).matches("[01](\\.0)?(,[01](\\.0)?){35}"));

    Run complete = dgm("complete", "--run", run.toString(), "-n", "2", "--out",
        dir.resolve("rbm-complete.png").toString());
    assertThat(complete.code()).as(complete.err()).isZero();
    assertThat(complete.out()).contains("MCMC");

    Run filters = dgm("filters", "--run", run.toString(), "--out",
        dir.resolve("rbm-filters.png").toString());
    assertThat(filters.code()).as(filters.err()).isZero();
    assertThat(dir.resolve("rbm-filters.png")).exists();

    Run noChain = dgm("sample", "--run", dir.resolve("run-rbm").toString(), "--chain-every",
        "5", "--out", dir.resolve("x.png").toString(), "--sampler", "langevin");
    assertThat(noChain.code()).as("a sampler the model lacks is a usage error").isEqualTo(2);
    assertThat(noChain.err()).contains("--sampler langevin is not offered by rbm")
        .contains("gibbs, bitflip");
    assertThat(dir.resolve("x.png")).doesNotExist();
  }

  @Test
  void trainEvalSampleScoreCompleteAndResume() throws Exception {
    Path run = dir.resolve("run-fvsbn");
    Run train = dgm("train", "--model", "fvsbn", "--data", images.toString(), "--epochs", "2",
        "--lr", "0.05", "--out", run.toString(), "--quiet");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.out()).contains("epoch 2/2");
    for (String f : List.of("run.json", "checkpoint-last.zip", "checkpoint-best.zip",
        "metrics.jsonl", "loss.png")) {
      assertThat(run.resolve(f)).exists();
    }

    Run resumed = dgm("train", "--resume", "--epochs", "3", "--out", run.toString(), "--quiet");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming").contains("epoch 3/3");
    assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(3);

    Run eval = dgm("eval", "--run", run.toString(), "--json");
    assertThat(eval.code()).as(eval.err()).isZero();
    JsonNode json = ModelRegistry.json().readTree(eval.out());
    double nll = json.get("test_nll_nats").asDouble();
    assertThat(json.get("examples").asInt()).isEqualTo(100);
    // a uniform model over 36 bits scores 36 ln 2 = 24.95 nats; bars are far more predictable
    assertThat(nll).isLessThan(24.95);
    // bits/dim is checked against a plain-Java likelihood in CliHardeningTest

    Path png = dir.resolve("samples.png");
    assertThat(dgm("sample", "--run", run.toString(), "-n", "9", "--out", png.toString())
        .code()).isZero();
    assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isGreaterThan(18);

    Path scores = dir.resolve("scores.csv");
    Run score = dgm("score", "--run", run.toString(), "--data", images.toString(), "--out",
        scores.toString());
    assertThat(score.code()).as(score.err()).isZero();
    List<String> lines = Files.readAllLines(scores);
    assertThat(lines).hasSize(101);
    assertThat(lines.get(0)).isEqualTo("index,label,log_prob_nats,bits_per_dim");
    assertThat(lines.get(1)).startsWith("0,");
    assertThat(lines.get(100)).startsWith("99,");
    double mean = lines.stream().skip(1).mapToDouble(l -> -Double.parseDouble(l.split(",")[2]))
        .average().orElseThrow();
    assertThat(mean).isCloseTo(nll, org.assertj.core.api.Assertions.within(1e-3));

    Path completions = dir.resolve("completions.png");
    Run complete = dgm("complete", "--run", run.toString(), "-n", "3", "--out",
        completions.toString());
    assertThat(complete.code()).as(complete.err()).isZero();
    assertThat(completions).exists();
  }

  /**
   * --ema: the run records it, its checkpoints hold the average as the model (what eval and
   * sample load) and the raw weights for resuming, and a resume may change it.
   */
  @Test
  void weightAverageIsWhatCheckpointsHoldAndMayChangeOnResume() throws Exception {
    Path run = dir.resolve("run-ema");
    Run train = dgm("train", "--model", "fvsbn", "--data", images.toString(), "--epochs", "2",
        "--ema", "0.9", "--lr", "0.01", "--out", run.toString(), "--quiet");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.out()).contains("weights averaged (EMA 0.9)");
    JsonNode recorded = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(recorded.at("/training/ema").asDouble()).isEqualTo(0.9);
    try (ai.djl.ndarray.NDManager m = io.dgm4j.engine.Engines.newManager()) {
      io.dgm4j.io.Checkpoint.Loaded saved = io.dgm4j.io.Checkpoint.read(
          run.resolve("checkpoint-last.zip"), m);
      java.util.Map<String, ai.djl.ndarray.NDArray> byName = new java.util.HashMap<>();
      saved.objectiveState().forEach(a -> byName.put(a.getName(), a));
      boolean someDiffer = false;
      for (var w : saved.model().parameters().asMap().entrySet()) {
        float[] model = w.getValue().toFloatArray();
        assertThat(model).as(w.getKey()).containsExactly(
            byName.get("average.mean." + w.getKey()).toFloatArray());
        someDiffer |= !java.util.Arrays.equals(model,
            byName.get("average.raw." + w.getKey()).toFloatArray());
      }
      assertThat(someDiffer).as("the average differs from the raw weights").isTrue();
      saved.model().close();
    }
    Run resumed = dgm("train", "--resume", "--epochs", "3", "--ema", "0.5", "--out",
        run.toString(), "--quiet");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    recorded = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(recorded.at("/training/ema").asDouble()).isEqualTo(0.5);
    assertThat(recorded.at("/training/epochs").asInt()).isEqualTo(3);

    Run bad = dgm("train", "--model", "fvsbn", "--data", images.toString(), "--ema", "1",
        "--out", dir.resolve("run-ema-bad").toString(), "--quiet");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--ema").contains("(0, 1)");
  }

  /**
   * --validate-every: epochs between validations are logged and shown as not validated, the
   * setting is recorded, a resume may change it, and a value below 1 is a usage error.
   */
  @Test
  void validateEveryIsRecordedShownAndMayChangeOnResume() throws Exception {
    Path run = dir.resolve("run-every");
    Run train = dgm("train", "--model", "fvsbn", "--data", images.toString(), "--epochs", "3",
        "--validate-every", "2", "--lr", "0.01", "--out", run.toString(), "--quiet");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.out()).contains("epoch 1/3").contains("not validated (--validate-every 2)");
    // each epoch line but the last says how long the rest will take
    List<String> epochLines = train.out().lines().filter(l -> l.startsWith("epoch ")).toList();
    assertThat(epochLines).hasSize(3);
    assertThat(epochLines.get(0)).matches(".* \\(\\d+ s left\\)");
    assertThat(epochLines.get(2)).doesNotContain("left");
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      lines.add(ModelRegistry.json().readTree(line));
    }
    assertThat(lines).extracting(l -> l.get("validationMetric").asText())
        .containsExactly("skipped", "nll", "nll"); // epoch 3 is the last: validated
    JsonNode recorded = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(recorded.at("/training/validateEvery").asInt()).isEqualTo(2);
    Run resumed = dgm("train", "--resume", "--epochs", "4", "--validate-every", "1", "--out",
        run.toString(), "--quiet");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("--validate-every: 1 (was 2)");
    recorded = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(recorded.at("/training/validateEvery").asInt()).isEqualTo(1);

    Run bad = dgm("train", "--model", "fvsbn", "--data", images.toString(),
        "--validate-every", "0", "--out", dir.resolve("run-every-bad").toString(), "--quiet");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--validate-every must be at least 1, got 0");
  }

  /**
   * --adam-betas and --adam-epsilon: recorded in run.json, changeable on resume (the change
   * printed), bad values usage errors that name the option; the old cd/pcd setting points to it.
   */
  @Test
  void adamSettingsAreRecordedMayChangeOnResumeAndBadOnesAreUsageErrors() throws Exception {
    Path run = dir.resolve("run-adam");
    Run train = dgm("train", "--model", "fvsbn", "--data", images.toString(), "--epochs", "1",
        "--adam-betas", "0.5,0.99", "--adam-epsilon", "1e-4", "--lr", "0.01", "--out",
        run.toString(), "--quiet");
    assertThat(train.code()).as(train.err()).isZero();
    JsonNode recorded = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(recorded.at("/training/adam/beta1").asDouble()).isEqualTo(0.5);
    assertThat(recorded.at("/training/adam/beta2").asDouble()).isEqualTo(0.99);
    assertThat(recorded.at("/training/adam/epsilon").asDouble()).isEqualTo(1e-4);
    Run resumed = dgm("train", "--resume", "--epochs", "2", "--adam-betas", "0.99,0.999",
        "--out", run.toString(), "--quiet");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("--adam-betas: 0.99,0.999 (was 0.5,0.99)")
        .doesNotContain("--adam-epsilon:");
    recorded = ModelRegistry.json().readTree(run.resolve("run.json").toFile());
    assertThat(recorded.at("/training/adam/beta1").asDouble()).isEqualTo(0.99);
    assertThat(recorded.at("/training/adam/epsilon").asDouble()).isEqualTo(1e-4);

    String[][] bad = {
        {"--adam-betas", "1,0.999"}, {"--adam-betas", "0.9"}, {"--adam-betas", "0.9,x"},
        {"--adam-epsilon", "0"}, {"--set", "adamBeta1=0"}};
    String[] says = {"--adam-betas: Adam's betas must each be in [0, 1), got 1.0, 0.999",
        "--adam-betas takes two numbers, BETA1,BETA2 (e.g. 0.9,0.999), got '0.9'",
        "--adam-betas takes two numbers, BETA1,BETA2 (e.g. 0.9,0.999), got '0.9,x'",
        "--adam-epsilon: Adam's epsilon must be positive, got 0.0",
        "--set adamBeta1 is now the training option --adam-betas"};
    for (int i = 0; i < bad.length; i++) {
      Run refused = dgm("train", "--model", "fvsbn", "--data", images.toString(), bad[i][0],
          bad[i][1], "--out", dir.resolve("run-adam-bad").toString(), "--quiet");
      assertThat(refused.code()).as(String.join(" ", bad[i])).isEqualTo(2);
      assertThat(refused.err()).contains(says[i]).doesNotContain("Exception");
    }
    assertThat(dir.resolve("run-adam-bad")).doesNotExist();
  }

  @Test
  void modelsListsEveryObjectiveWithItsSettingsAndTheModelsItTrains() {
    Run models = dgm("models");
    assertThat(models.code()).as(models.err()).isZero();
    List<String> lines = models.out().lines().toList();
    String pcd = lines.stream().filter(l -> l.startsWith("pcd ")).findFirst().orElseThrow();
    assertThat(pcd).contains("\"reinitialization\":0.05").endsWith("; rbm, ebm");
    String mle = lines.stream().filter(l -> l.startsWith("mle ")).findFirst().orElseThrow();
    assertThat(mle).contains("made").contains("pixelcnn").doesNotContain("ebm");
    for (io.dgm4j.objectives.Objectives.Entry<?> e : io.dgm4j.objectives.Objectives.entries()) {
      assertThat(lines).as(e.name()).anyMatch(l -> l.startsWith(e.name() + " "));
    }
  }

  @Test
  void badInputsGiveOneLineErrors() throws Exception {
    Path csv = dir.resolve("nan.csv");
    Files.writeString(csv, "a,b\n0,1\n1,NaN\n0,0\n");
    Path real = dir.resolve("real.csv");
    Files.writeString(real, "0.5,1\n1,0\n0,0\n1,1\n0,1\n1,0\n0,0\n");
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "");
    Path truncatedImages = dir.resolve("truncated");
    Files.createDirectories(truncatedImages);
    for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
      Files.copy(images.resolve(f), truncatedImages.resolve(f));
    }
    byte[] full = Files.readAllBytes(images.resolve("train-images-idx3-ubyte"));
    Files.write(truncatedImages.resolve("train-images-idx3-ubyte"),
        java.util.Arrays.copyOf(full, full.length - 100));
    Path corrupt = dir.resolve("corrupt-run");
    Files.createDirectories(corrupt);
    Files.writeString(corrupt.resolve("run.json"), "{not json");

    List<String[]> cases = List.of(
        new String[] {"train", "--model", "bernoulli", "--data", csv.toString(), "--out",
            dir.resolve("x3").toString()},
        new String[] {"train", "--model", "bernoulli", "--data", dir.resolve("none").toString(),
            "--out", dir.resolve("x5").toString()},
        new String[] {"train", "--model", "bernoulli", "--data", empty.toString(), "--out",
            dir.resolve("x8").toString()},
        new String[] {"train", "--model", "bernoulli", "--data", truncatedImages.toString(),
            "--out", dir.resolve("x9").toString()},
        new String[] {"eval", "--run", dir.resolve("no-run").toString()},
        new String[] {"eval", "--run", corrupt.toString()});
    for (String[] args : cases) {
      Run r = dgm(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("dgm: error: ")
          .doesNotContain("\tat ").hasLineCount(1);
      System.out.println(String.join(" ", args).replace(dir.toString(), "$TMP") + "\n  -> "
          + r.err().strip().replace(dir.toString(), "$TMP"));
    }
    // bad options are usage errors: exit 2, one line naming the option
    List<String[]> usage = List.of(
        new String[] {"train", "--colour", "blue", "--out", dir.resolve("x7").toString()},
        new String[] {"train", "--model", "nosuch", "--data", images.toString(), "--out",
            dir.resolve("x1").toString()},
        new String[] {"train", "--model", "mixture", "--set", "colours=3", "--data",
            images.toString(), "--out", dir.resolve("x2").toString()},
        new String[] {"train", "--model", "bernoulli", "--data", images.toString(), "--epochs",
            "0", "--out", dir.resolve("x6").toString()},
        // values the model cannot score: the fix is another model or setting
        new String[] {"train", "--model", "bernoulli", "--data", real.toString(), "--out",
            dir.resolve("x4").toString()});
    for (String[] args : usage) {
      Run r = dgm(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("dgm train: ")
          .contains("dgm train --help").hasLineCount(1);
    }
    assertThat(dgm(usage.get(0)).err()).contains("Unknown option").contains("'--colour'");
    assertThat(dgm(usage.get(2)).err()).contains("colours").contains("components");
    assertThat(dgm(usage.get(4)).err()).contains("holds real values")
        .contains("bernoulli scores binary values (0/1)").contains("dgm models");
  }

  @Test
  void benchReportsMediansWithSpreadsAndLoadPerWindow() throws Exception {
    Path json = dir.resolve("bench.json");
    Run r = dgm("bench", "--data", images.toString(), "--models", "bernoulli,fvsbn,autoencoder",
        "--set", "autoencoder.hidden=[8]", "--set", "autoencoder.latent=2",
        "--windows", "3", "--window-seconds", "0.05", "--samples", "4", "--batch-size", "10",
        "--json", json.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode report = ModelRegistry.json().readTree(json.toFile());
    assertThat(report.get("windows").asInt()).isEqualTo(3);
    assertThat(report.get("matmul_2048_gflops").asDouble()).isPositive();
    assertThat(report.get("matmul_2048_gflops_windows")).hasSize(3);
    for (JsonNode row : report.get("models")) {
      double median = row.get("train_examples_per_second").asDouble();
      assertThat(median).isBetween(row.get("train_examples_per_second_min").asDouble(),
          row.get("train_examples_per_second_max").asDouble());
      JsonNode windows = row.get("train_examples_per_second_windows");
      assertThat(windows).hasSize(3);
      for (JsonNode w : windows) {
        assertThat(w.get("seconds").asDouble()).isGreaterThanOrEqualTo(0.05);
        assertThat(w.has("other_processes_cores") && w.has("disturbed")).isTrue();
      }
    }
    JsonNode fvsbn = report.get("models").get(1);
    assertThat(fvsbn.get("train_gflops").asDouble()).isPositive();
    assertThat(fvsbn.get("train_gflops_fraction_of_matmul").asDouble()).isPositive();
    // a model without a likelihood trains with its own objective and has no sampling time
    JsonNode autoencoder = report.get("models").get(2);
    assertThat(autoencoder.get("objective").asText()).isEqualTo("reconstruction");
    assertThat(autoencoder.get("train_gflops").asDouble()).isPositive();
    assertThat(autoencoder.has("sample_seconds")).isFalse();
    assertThat(r.out()).contains("no sampling");

    Run bad = dgm("bench", "--windows", "0");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--windows");
  }

  @Test
  void benchInFreshProcessesReportsTheMedianProcess() throws Exception {
    Path json = dir.resolve("bench-processes.json");
    Run r = dgm("bench", "--data", images.toString(), "--models", "bernoulli", "--windows", "1",
        "--window-seconds", "0.05", "--samples", "2", "--batch-size", "10", "--processes=3",
        "--json", json.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("process 1 of 3:").contains("process 3 of 3:")
        .contains("across 3 processes");
    JsonNode report = ModelRegistry.json().readTree(json.toFile());
    assertThat(report.get("processes").asInt()).isEqualTo(3);
    JsonNode each = report.get("process_reports");
    assertThat(each).hasSize(3);
    double[] matmul = new double[3];
    double[] examples = new double[3];
    for (int p = 0; p < 3; p++) {
      assertThat(each.get(p).get("windows").asInt()).isEqualTo(1);
      matmul[p] = each.get(p).get("matmul_2048_gflops").asDouble();
      examples[p] = each.get(p).get("models").get(0).get("train_examples_per_second").asDouble();
    }
    Arrays.sort(matmul);
    Arrays.sort(examples);
    assertThat(report.get("matmul_2048_gflops").asDouble()).isEqualTo(matmul[1]);
    assertThat(report.get("matmul_2048_gflops_min").asDouble()).isEqualTo(matmul[0]);
    assertThat(report.get("matmul_2048_gflops_max").asDouble()).isEqualTo(matmul[2]);
    JsonNode row = report.get("models").get(0);
    assertThat(row.get("model").asText()).isEqualTo("bernoulli");
    assertThat(row.get("train_examples_per_second").asDouble()).isEqualTo(examples[1]);
    assertThat(row.get("train_examples_per_second_max").asDouble()).isEqualTo(examples[2]);

    Run bad = dgm("bench", "--processes", "0");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--processes must be at least 1");
    assertThat(BenchProcesses.childArguments(List.of("--models", "made", "--processes", "4",
        "--json", "a.json", "--processes=2", "--json=b.json", "--force")))
        .containsExactly("--models", "made", "--force");
  }

  @Test
  void scoringDataOfAnotherImageSizeIsRejected() throws Exception {
    Path run = dir.resolve("run-bernoulli");
    assertThat(dgm("train", "--model", "bernoulli", "--data", images.toString(), "--epochs", "1",
        "--out", run.toString(), "--quiet").code()).isZero();
    Path small = dir.resolve("small");
    Dataset other = bars(20, 3, 4);
    IdxWriter.writeImages(small.resolve("train-images-idx3-ubyte"), other);
    IdxWriter.writeLabels(small.resolve("train-labels-idx1-ubyte"), other.labels());
    IdxWriter.writeImages(small.resolve("t10k-images-idx3-ubyte"), other);
    IdxWriter.writeLabels(small.resolve("t10k-labels-idx1-ubyte"), other.labels());
    Run r = dgm("score", "--run", run.toString(), "--data", small.toString(), "--out",
        dir.resolve("s.csv").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("36").contains("16");
    assertThat(dir.resolve("s.csv")).doesNotExist();
    Run again = dgm("train", "--model", "bernoulli", "--data", images.toString(), "--out",
        run.toString());
    assertThat(again.err()).contains("already holds a run");
  }

  @Test
  void aRunFolderAnotherTrainingHoldsIsRefusedAndAFileIsNeverTrainedInto() throws Exception {
    Path run = dir.resolve("run-claimed");
    String[] train = {"train", "--model", "bernoulli", "--data", images.toString(), "--epochs",
        "1", "--out", run.toString(), "--quiet"};
    try (io.dgm4j.training.RunDirectory.Claim held =
        new io.dgm4j.training.RunDirectory(run).claim()) {
      Run refused = dgm(train);
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains(run + " is in use by another dgm process")
          .contains("another --out");
      assertThat(run.resolve("run.json")).doesNotExist();
      Run resumeRefused = dgm("train", "--resume", "--out", run.toString());
      assertThat(resumeRefused.err()).contains("is in use by another dgm process");
    }
    assertThat(dgm(train).code()).isZero(); // released: the folder trains
    assertThat(run.resolve("checkpoint-last.zip")).exists();

    Path file = dir.resolve("not-a-folder.txt");
    Files.writeString(file, "a user's notes");
    Run onFile = dgm("train", "--model", "bernoulli", "--data", images.toString(), "--out",
        file.toString());
    assertThat(onFile.code()).isEqualTo(2);
    assertThat(onFile.err()).contains("--out " + file + " is a file");
    assertThat(Files.readString(file)).isEqualTo("a user's notes");
  }

  @Test
  void aStoppedTrainingSaysWhichEpochTheFolderKeepsAndHowToGoOn() throws Exception {
    Path run = dir.resolve("run-stopped");
    String javaBinary = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process training = new ProcessBuilder(javaBinary, "-Xmx1g", "--add-modules",
        "jdk.incubator.vector", "-Dai.djl.offline=true", "-Doffline=true", "-cp",
        System.getProperty("java.class.path"), Dgm.class.getName(), "train", "--model",
        "bernoulli", "--data", images.toString(), "--epochs", "100000", "--threads", "1",
        "--out", run.toString()).redirectError(dir.resolve("stopped.err").toFile()).start();
    try {
      var lines = new BufferedReader(new InputStreamReader(
          training.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = lines.readLine();
      } while (line != null && !line.startsWith("epoch 2/"));
      assertThat(line).as("the child's progress lines").isNotNull();
      training.destroy(); // SIGTERM, as a kill or the end of a session sends
      assertThat(training.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      training.destroyForcibly();
    }
    String err = Files.readString(dir.resolve("stopped.err"));
    Matcher said = Pattern.compile(
        "interrupted: " + Pattern.quote(run.toString())
            + " keeps epoch (\\d+) of 100000 \\(checkpoint-last.zip\\); continue with `dgm train"
            + " --out " + Pattern.quote(run.toString()) + " --resume`")
        .matcher(err);
    assertThat(said.find()).as(err).isTrue();
    int kept = Integer.parseInt(said.group(1));
    assertThat(kept).isGreaterThanOrEqualTo(2);
    // the checkpoint holds at least that epoch (the training thread may finish one more while
    // the process shuts down), and the run resumes from it
    try (ai.djl.ndarray.NDManager m = io.dgm4j.engine.Engines.newManager()) {
      assertThat(io.dgm4j.io.Checkpoint.read(new io.dgm4j.training.RunDirectory(run)
          .lastCheckpoint(), m.newSubManager()).state().epoch()).isGreaterThanOrEqualTo(kept);
    }
    assertThat(dgm("train", "--out", run.toString(), "--resume", "--epochs", "1").err())
        .doesNotContain("in use by another");
  }

  @Test
  void runsListsEachRunWithItsStateAndHowToContinueIt() throws Exception {
    Path runs = dir.resolve("runs-listing");
    Path done = runs.resolve("a-done");
    Path stopped = runs.resolve("b-stopped");
    for (Path run : List.of(done, stopped)) {
      assertThat(dgm("train", "--model", "bernoulli", "--data", images.toString(), "--epochs",
          "2", "--out", run.toString(), "--quiet").code()).isZero();
    }
    // b-stopped's run.json says 5 epochs: as if a 5-epoch run had been stopped after its second
    Path runFile = stopped.resolve("run.json");
    Files.writeString(runFile, Files.readString(runFile).replace("\"epochs\" : 2",
        "\"epochs\" : 5"));

    Run listed = dgm("runs", runs.toString());
    assertThat(listed.code()).as(listed.err()).isZero();
    String[] lines = listed.out().strip().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).startsWith("run ").contains("model", "epochs", "best validation",
        "state");
    assertThat(lines[1]).startsWith(done.toString()).contains("bernoulli", "bars", "2/2",
        "NLL ", "finished");
    assertThat(lines[2]).startsWith(stopped.toString()).contains("2/5",
        "stopped; continue with `dgm train --out " + stopped + " --resume`");

    JsonNode json = ModelRegistry.json().readTree(dgm("runs", done.toString(), "--json").out());
    JsonNode row = json.get("runs").get(0);
    assertThat(row.get("state").asText()).isEqualTo("finished");
    assertThat(row.get("epochs_done").asInt()).isEqualTo(2);
    assertThat(row.get("validation_metric").asText()).isEqualTo("nll");
    // the best figure is the one the training printed
    List<io.dgm4j.training.EpochResult> epochs = new io.dgm4j.training.RunDirectory(done)
        .readMetrics();
    double best = epochs.stream().mapToDouble(io.dgm4j.training.EpochResult::validationLoss)
        .min().orElseThrow();
    assertThat(row.get("best_validation").asDouble()).isEqualTo(best);

    // a run this process is training into (it holds the claim) says so, and whose pid
    try (io.dgm4j.training.RunDirectory.Claim held =
        new io.dgm4j.training.RunDirectory(stopped).claim()) {
      assertThat(dgm("runs", stopped.toString()).out()).contains("training now (pid "
          + ProcessHandle.current().pid() + ", since ");
    }

    Path empty = dir.resolve("no-runs-here");
    Files.createDirectories(empty);
    Run none = dgm("runs", empty.toString());
    assertThat(none.code()).isZero();
    assertThat(none.out()).contains("no run folders in " + empty);
    // found down to four levels below the folder given, and not further
    Path deep = dir.resolve("deep");
    Path fourDown = deep.resolve("a/b/c/d");
    Path sixDown = deep.resolve("a/b/c/e/f/g");
    for (Path run : List.of(fourDown, sixDown)) {
      Files.createDirectories(run);
      Files.writeString(run.resolve("run.json"), "{}");
    }
    assertThat(RunsCommand.runFolders(deep)).containsExactly(fourDown);
    Run onFile = dgm("runs", runFile.toString());
    assertThat(onFile.err()).contains(runFile + " is a file, not a folder");
    Run missing = dgm("runs", dir.resolve("missing").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains(dir.resolve("missing") + ": no such folder");
  }
}
