package io.dgm4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.io.ModelSpec;
import io.dgm4j.models.DensityModel;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.MaximumLikelihood;
import io.dgm4j.optim.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final float[] TRUE_P = {0.9f, 0.2f, 0.5f, 0.05f};

  /** n examples of independent Bernoulli(TRUE_P) pixels. */
  static Dataset independentBits(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int d = TRUE_P.length;
    float[] v = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        v[i * d + j] = r.nextDouble() < TRUE_P[j] ? 1f : 0f;
      }
    }
    return new Dataset("bits", v, n, new int[] {d}, null);
  }

  private static ModelSpec spec(String family, int d, long seed) {
    return new ModelSpec(family, new int[] {d}, seed, ModelRegistry.json().createObjectNode());
  }

  private static TrainingState train(RunDirectory run, ModelSpec spec, TrainingConfig config,
      Dataset data, boolean resume) {
    return train(run, spec, config, data, resume, Integer.MAX_VALUE);
  }

  /** Trains; when {@code crashAfterEpoch} is reached the run dies as a killed process would. */
  private static TrainingState train(RunDirectory run, ModelSpec spec, TrainingConfig config,
      Dataset data, boolean resume, int crashAfterEpoch) {
    return train(run, spec, config, epoch -> data, data.slice(0, Math.min(200, data.size())),
        resume, crashAfterEpoch);
  }

  private static TrainingState train(RunDirectory run, ModelSpec spec, TrainingConfig config,
      java.util.function.IntFunction<Dataset> epochs, Dataset validation, boolean resume,
      int crashAfterEpoch) {
    try (NDManager root = Engines.newManager()) {
      DensityModel model;
      MaximumLikelihood objective;
      TrainingState state;
      if (resume) {
        Checkpoint.Loaded loaded = Checkpoint.read(run.lastCheckpoint(), root.newSubManager());
        model = (DensityModel) loaded.model();
        objective = new MaximumLikelihood(model, config.clipNorm());
        state = loaded.state();
        objective.restore(loaded.requireObjectiveState(run.lastCheckpoint()), state.step(),
            run.lastCheckpoint().toString());
      } else {
        model = (DensityModel) spec.build(root.newSubManager());
        objective = new MaximumLikelihood(model, config.clipNorm());
        state = TrainingState.start();
      }
      Trainer trainer = new Trainer(model, objective, config, state,
          List.of(run.recorder(spec), new TrainingListener() {
            @Override
            public void onEpochEnd(EpochResult result, Trainer t) {
              if (result.epoch() == crashAfterEpoch) {
                throw new IllegalStateException("simulated crash");
              }
            }
          }));
      return trainer.fit(epochs, validation);
    }
  }

  @Test
  void maximumLikelihoodRecoversBernoulliFrequencies(@TempDir Path dir) {
    Dataset data = independentBits(4000, 3);
    TrainingConfig config = new TrainingConfig(30, 100, 0.05, "constant", 0, 0, 1);
    RunDirectory run = new RunDirectory(dir);
    train(run, spec("bernoulli", 4, 1), config, data, false);
    try (NDManager m = Engines.newManager()) {
      Checkpoint.Loaded loaded = Checkpoint.read(run.lastCheckpoint(), m.newSubManager());
      float[] logits = loaded.model().parameters().get("logits").toFloatArray();
      for (int j = 0; j < TRUE_P.length; j++) {
        double p = 1 / (1 + Math.exp(-logits[j]));
        double empirical = 0;
        for (int i = 0; i < data.size(); i++) {
          empirical += data.get(i, j);
        }
        // the MLE is the empirical frequency; Adam with a constant step hovers near it
        assertThat(p).as("p of pixel %d", j).isCloseTo(empirical / data.size(), within(0.02));
      }
    }
    assertThat(run.readMetrics()).hasSize(30);
    if (Files.isReadable(Path.of("/proc/stat"))) {
      // each epoch records how busy other processes kept the cores: a load in cores
      assertThat(run.readMetrics()).allSatisfy(r -> assertThat(r.otherCores()).isNotNull()
          .isBetween(0.0, (double) Runtime.getRuntime().availableProcessors()));
    }
    assertThat(Files.exists(run.lossPlot())).isTrue();
    assertThat(Files.exists(run.bestCheckpoint())).isTrue();
  }

  @Test
  void resumedRunEqualsUninterruptedRun(@TempDir Path dir) throws Exception {
    Dataset data = independentBits(500, 5);
    TrainingConfig full = new TrainingConfig(4, 64, 0.01, "cosine", 1.0, 0, 9);
    RunDirectory straight = new RunDirectory(dir.resolve("straight"));
    RunDirectory interrupted = new RunDirectory(dir.resolve("interrupted"));
    train(straight, spec("bernoulli", 4, 2), full, data, false);
    assertThatThrownBy(() -> train(interrupted, spec("bernoulli", 4, 2), full, data, false, 2))
        .hasMessage("simulated crash");
    TrainingState resumed = train(interrupted, spec("bernoulli", 4, 2), full, data, true);
    assertThat(resumed.epoch()).isEqualTo(4);
    try (NDManager m = Engines.newManager()) {
      float[] a = Checkpoint.read(straight.lastCheckpoint(), m.newSubManager()).model()
          .parameters().get("logits").toFloatArray();
      float[] b = Checkpoint.read(interrupted.lastCheckpoint(), m.newSubManager()).model()
          .parameters().get("logits").toFloatArray();
      assertThat(b).containsExactly(a);
    }
    assertThat(interrupted.readMetrics()).extracting(EpochResult::epoch)
        .containsExactly(1, 2, 3, 4);
  }

  @Test
  void nonFiniteLossStopsAndKeepsLastGoodCheckpoint(@TempDir Path dir) {
    Dataset data = independentBits(200, 5);
    RunDirectory run = new RunDirectory(dir);
    ModelSpec spec = spec("bernoulli", 4, 1);
    train(run, spec, new TrainingConfig(1, 50, 0.01, "constant", 0, 0, 1), data, false);
    float[] bad = data.values().clone();
    bad[7] = Float.NaN;
    Dataset poisoned = new Dataset("poisoned", bad, data.size(), new int[] {4}, null);
    assertThatThrownBy(() -> train(run, spec,
        new TrainingConfig(2, 50, 0.01, "constant", 0, 0, 1), poisoned, true))
        .isInstanceOf(NonFiniteLossException.class)
        .hasMessageContaining("epoch 2");
    try (NDManager m = Engines.newManager()) {
      assertThat(Checkpoint.read(run.lastCheckpoint(), m.newSubManager()).state().epoch())
          .isEqualTo(1);
    }
  }

  @Test
  void earlyStoppingHaltsAfterPatienceEpochsWithoutImprovement(@TempDir Path dir) {
    Dataset data = independentBits(300, 5);
    RunDirectory run = new RunDirectory(dir);
    // a tiny learning rate barely moves; a huge one oscillates: patience 1 must stop early
    TrainingState end = train(run, spec("bernoulli", 4, 1),
        new TrainingConfig(50, 300, 50.0, "constant", 0, 1, 1), data, false);
    assertThat(end.epoch()).isLessThan(50);
    assertThat(end.epochsWithoutImprovement()).isEqualTo(1);
  }

  @Test
  void corruptAndTruncatedCheckpointsGiveClearErrors(@TempDir Path dir) throws Exception {
    Dataset data = independentBits(100, 5);
    RunDirectory run = new RunDirectory(dir);
    train(run, spec("bernoulli", 4, 1), new TrainingConfig(1, 50, 0.01, "constant", 0, 0, 1),
        data, false);
    byte[] bytes = Files.readAllBytes(run.lastCheckpoint());
    Path truncated = dir.resolve("truncated.zip");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Path garbage = dir.resolve("garbage.zip");
    Files.writeString(garbage, "not a checkpoint");
    Path empty = dir.resolve("empty.zip");
    Files.write(empty, new byte[0]);
    try (NDManager m = Engines.newManager()) {
      for (Path p : List.of(truncated, garbage, empty, dir.resolve("missing.zip"))) {
        assertThatThrownBy(() -> Checkpoint.read(p, m.newSubManager()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(p.toString());
      }
    }
  }

  /**
   * A resumed run lands on the uninterrupted run's weights where the epoch index matters: a
   * fresh dynamic binarization per epoch, and MADE cycling through 3 mask sets by step.
   */
  @Test
  void resumeKeepsTheEpochOfDynamicBinarizationAndTheMaskCycle(@TempDir Path dir) {
    SplittableRandom r = new SplittableRandom(8);
    int n = 130;
    float[] grey = new float[n * 5];
    for (int i = 0; i < grey.length; i++) {
      grey[i] = (float) r.nextDouble();
    }
    Dataset pixels = new Dataset("grey", grey, n, new int[] {5}, null);
    java.util.function.IntFunction<Dataset> epochs =
        epoch -> io.dgm4j.data.Binarization.dynamic(pixels, 1f, 9, epoch);
    Dataset validation = io.dgm4j.data.Binarization.fixed(pixels.slice(0, 40), 1f, 3);
    ObjectNode config = ModelRegistry.json().createObjectNode().put("masks", 3);
    config.putArray("hidden").add(8);
    ModelSpec made = new ModelSpec("made", new int[] {5}, 4, config);
    // 130 examples in batches of 50: 3 steps per epoch, so epochs start at different masks
    TrainingConfig full = new TrainingConfig(4, 50, 0.02, "cosine", 0, 0, 6);
    RunDirectory straight = new RunDirectory(dir.resolve("straight"));
    RunDirectory interrupted = new RunDirectory(dir.resolve("interrupted"));
    train(straight, made, full, epochs, validation, false, Integer.MAX_VALUE);
    assertThatThrownBy(() -> train(interrupted, made, full, epochs, validation, false, 2))
        .hasMessage("simulated crash");
    train(interrupted, made, full, epochs, validation, true, Integer.MAX_VALUE);
    try (NDManager m = Engines.newManager()) {
      var a = Checkpoint.read(straight.lastCheckpoint(), m.newSubManager()).model()
          .parameters().asMap();
      var b = Checkpoint.read(interrupted.lastCheckpoint(), m.newSubManager()).model()
          .parameters().asMap();
      for (String name : a.keySet()) {
        assertThat(b.get(name).toFloatArray()).as(name)
            .containsExactly(a.get(name).toFloatArray());
      }
    }
  }

  /** A NaN validation figure stops the run instead of counting as "not worse" forever. */
  @Test
  void aNonFiniteValidationFigureStopsTheRun(@TempDir Path dir) {
    Dataset data = independentBits(200, 5);
    float[] bad = data.slice(0, 20).values().clone();
    bad[3] = Float.NaN;
    Dataset validation = new Dataset("validation", bad, 20, new int[] {4}, null);
    RunDirectory run = new RunDirectory(dir);
    assertThatThrownBy(() -> train(run, spec("bernoulli", 4, 1),
        new TrainingConfig(3, 50, 0.01, "constant", 0, 0, 1), epoch -> data, validation, false,
        Integer.MAX_VALUE))
        .isInstanceOf(NonFiniteLossException.class).hasMessageContaining("validation nll")
        .hasMessageContaining("epoch 1");
    assertThat(Files.exists(run.bestCheckpoint())).isFalse();
    assertThat(Files.exists(run.lastCheckpoint())).isFalse();
  }

  /** Early stopping keeps the epoch with the lowest validation figure, and its weights. */
  @Test
  void earlyStoppingKeepsTheBestEpochAndItsCheckpoint(@TempDir Path dir) {
    Dataset data = independentBits(300, 5);
    Dataset validation = data.slice(0, 200);
    RunDirectory run = new RunDirectory(dir);
    TrainingState end = train(run, spec("bernoulli", 4, 1),
        new TrainingConfig(50, 300, 50.0, "constant", 0, 2, 1), epoch -> data, validation,
        false, Integer.MAX_VALUE);
    List<EpochResult> metrics = run.readMetrics();
    EpochResult best = metrics.stream()
        .min(java.util.Comparator.comparingDouble(EpochResult::validationLoss)).orElseThrow();
    assertThat(end.bestEpoch()).isEqualTo(best.epoch());
    assertThat(end.epoch()).isEqualTo(best.epoch() + 2).isLessThan(50);
    assertThat(end.bestValidationLoss()).isEqualTo(best.validationLoss());
    try (NDManager m = Engines.newManager()) {
      Checkpoint.Loaded loaded = Checkpoint.read(run.bestCheckpoint(), m.newSubManager());
      assertThat(loaded.state().epoch()).isEqualTo(best.epoch());
      // the weights in the best checkpoint score the best figure, computed in plain Java
      float[] logits = loaded.model().parameters().get("logits").toFloatArray();
      double nll = 0;
      for (int i = 0; i < validation.size(); i++) {
        for (int j = 0; j < 4; j++) {
          // -log sigmoid(+-l) = softplus(-+l), computed without overflow (l can be large here)
          double z = validation.get(i, j) == 1f ? -logits[j] : logits[j];
          nll += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        }
      }
      assertThat(nll / validation.size()).isCloseTo(best.validationLoss(), within(1e-3));
    }
  }
  /**
   * Validating every 3rd epoch (and the last) trains the same weights as validating every epoch;
   * the validated epochs carry the same figures, the others none, and the best checkpoint is the
   * best validated epoch.
   */
  @Test
  void validatingEveryThirdEpochTrainsTheSameWeightsAndKeepsTheBestValidatedEpoch(
      @TempDir Path dir) {
    Dataset data = independentBits(300, 5);
    Dataset validation = data.slice(0, 200);
    RunDirectory every = new RunDirectory(dir.resolve("every"));
    RunDirectory third = new RunDirectory(dir.resolve("third"));
    // a large step oscillates, so the best epoch is not simply the last
    train(every, spec("bernoulli", 4, 1),
        new TrainingConfig(8, 100, 2.0, "constant", 0, 0, 1, 0, 1, Adam.Settings.defaults()), epoch -> data, validation,
        false, Integer.MAX_VALUE);
    TrainingState end = train(third, spec("bernoulli", 4, 1),
        new TrainingConfig(8, 100, 2.0, "constant", 0, 0, 1, 0, 3, Adam.Settings.defaults()), epoch -> data, validation,
        false, Integer.MAX_VALUE);
    List<EpochResult> all = every.readMetrics();
    List<EpochResult> some = third.readMetrics();
    assertThat(some).hasSize(8);
    for (EpochResult r : some) {
      boolean validated = r.epoch() == 3 || r.epoch() == 6 || r.epoch() == 8;
      assertThat(r.trainLoss()).as("epoch %d", r.epoch())
          .isEqualTo(all.get(r.epoch() - 1).trainLoss());
      if (validated) {
        assertThat(r.validationMetric()).isEqualTo("nll");
        assertThat(r.validationLoss()).isEqualTo(all.get(r.epoch() - 1).validationLoss());
      } else {
        assertThat(r.validationMetric()).as("epoch %d", r.epoch()).isEqualTo("skipped");
        assertThat(r.validationLoss()).isNaN();
        assertThat(r.improved()).isFalse();
      }
    }
    EpochResult best = some.stream().filter(r -> !Double.isNaN(r.validationLoss()))
        .min(java.util.Comparator.comparingDouble(EpochResult::validationLoss)).orElseThrow();
    assertThat(end.bestEpoch()).isEqualTo(best.epoch());
    try (NDManager m = Engines.newManager()) {
      assertThat(Checkpoint.read(third.bestCheckpoint(), m.newSubManager()).state().epoch())
          .isEqualTo(best.epoch());
      assertThat(Checkpoint.read(third.lastCheckpoint(), m.newSubManager()).model()
          .parameters().get("logits").toFloatArray())
          .containsExactly(Checkpoint.read(every.lastCheckpoint(), m.newSubManager()).model()
              .parameters().get("logits").toFloatArray());
    }
    assertThat(Files.exists(third.lossPlot())).isTrue();
  }

  /** With validation every 2nd epoch, patience counts validations, not epochs. */
  @Test
  void patienceCountsValidations(@TempDir Path dir) {
    Dataset data = independentBits(300, 5);
    RunDirectory run = new RunDirectory(dir);
    TrainingState end = train(run, spec("bernoulli", 4, 1),
        new TrainingConfig(50, 300, 50.0, "constant", 0, 2, 1, 0, 2, Adam.Settings.defaults()), data, false);
    List<EpochResult> validated = run.readMetrics().stream()
        .filter(r -> !r.validationMetric().equals("skipped")).toList();
    assertThat(end.epoch()).isLessThan(50).isEven();
    assertThat(validated.get(validated.size() - 1).epoch()).isEqualTo(end.epoch());
    // the last two validations did not improve on the one before them
    assertThat(validated.get(validated.size() - 3).epoch()).isEqualTo(end.bestEpoch());
  }

  /** A run.json written before --validate-every existed reads as validating every epoch. */
  @Test
  void trainingSettingsRecordedBeforeValidateEveryReadAsEveryEpoch() throws Exception {
    String old = "{\"epochs\":5,\"batchSize\":100,\"learningRate\":0.001,"
        + "\"schedule\":\"cosine\",\"clipNorm\":0.0,\"patience\":0,\"seed\":1,\"ema\":0.0}";
    TrainingConfig read = ModelRegistry.json().readValue(old, TrainingConfig.class);
    assertThat(read).isEqualTo(new TrainingConfig(5, 100, 0.001, "cosine", 0, 0, 1, 0, 1, Adam.Settings.defaults()));
    TrainingConfig every4 = new TrainingConfig(5, 100, 0.001, "cosine", 0, 0, 1, 0, 4, Adam.Settings.defaults());
    assertThat(ModelRegistry.json().readValue(
        ModelRegistry.json().writeValueAsString(every4), TrainingConfig.class))
        .isEqualTo(every4);
    assertThat(every4.validatesAfter(3)).isFalse();
    assertThat(every4.validatesAfter(4)).isTrue();
    assertThat(every4.validatesAfter(5)).isTrue(); // the last epoch
    assertThatThrownBy(() -> new TrainingConfig(5, 100, 0.001, "cosine", 0, 0, 1, 0, 0, Adam.Settings.defaults()))
        .hasMessageContaining("validateEvery");
  }

  /**
   * The run's Adam constants reach the objective's optimizer: two full-batch steps of the
   * independent-Bernoulli model from logits 0 equal Adam's update computed here in double
   * precision with those constants, which differ measurably from the default ones' result.
   */
  @Test
  void adamSettingsOfTheRunDriveTheUpdates(@TempDir Path dir) throws Exception {
    Dataset data = independentBits(400, 5);
    Adam.Settings settings = new Adam.Settings(0.5, 0.9, 0.3);
    double lr = 0.1;
    TrainingConfig config = new TrainingConfig(2, data.size(), lr, "constant", 0, 0, 1, 0, 1,
        settings);
    RunDirectory run = new RunDirectory(dir);
    train(run, spec("bernoulli", 4, 1), config, data, false);
    double[] expected = adamTrace(data, settings, lr, 2);
    double[] withDefaults = adamTrace(data, Adam.Settings.defaults(), lr, 2);
    try (NDManager m = Engines.newManager()) {
      float[] logits = Checkpoint.read(run.lastCheckpoint(), m.newSubManager()).model()
          .parameters().get("logits").toFloatArray();
      for (int j = 0; j < 4; j++) {
        assertThat((double) logits[j]).as("logit %d", j).isCloseTo(expected[j], within(1e-5));
        assertThat(Math.abs(expected[j] - withDefaults[j])).as("logit %d", j)
            .isGreaterThan(1e-3);
      }
    }
    assertThat(ModelRegistry.json().readValue(ModelRegistry.json().writeValueAsString(config),
        TrainingConfig.class)).isEqualTo(config);
  }

  /** Adam on the mean Bernoulli NLL of {@code data}, logits from 0, full batch (Kingma and Ba). */
  private static double[] adamTrace(Dataset data, Adam.Settings s, double lr, int steps) {
    int d = data.dimension();
    double[] l = new double[d];
    double[] m = new double[d];
    double[] v = new double[d];
    for (int t = 1; t <= steps; t++) {
      for (int j = 0; j < d; j++) {
        double g = 0;
        for (int i = 0; i < data.size(); i++) {
          g += (1 / (1 + Math.exp(-l[j])) - data.get(i, j)) / data.size();
        }
        m[j] = s.beta1() * m[j] + (1 - s.beta1()) * g;
        v[j] = s.beta2() * v[j] + (1 - s.beta2()) * g * g;
        double mHat = m[j] / (1 - Math.pow(s.beta1(), t));
        double vHat = v[j] / (1 - Math.pow(s.beta2(), t));
        l[j] -= lr * mHat / (Math.sqrt(vHat) + s.epsilon());
      }
    }
    return l;
  }

  /**
   * A cd/pcd run recorded when Adam's β1 was that objective's {@code adamBeta1} setting reads
   * with it as the run's Adam β1, and without the setting the objective no longer has.
   */
  @Test
  void aContrastiveDivergenceRunsOldAdamBeta1BecomesTheRunsAdamSetting(@TempDir Path dir)
      throws Exception {
    String old = "{\"model\":{\"family\":\"ebm\",\"itemShape\":[2],\"seed\":1,"
        + "\"config\":{}},\"objective\":{\"name\":\"pcd\",\"config\":{\"k\":60,"
        + "\"adamBeta1\":0.0}},\"training\":{\"epochs\":5,\"batchSize\":100,"
        + "\"learningRate\":1.0E-4,\"schedule\":\"constant\",\"clipNorm\":0.0,"
        + "\"patience\":0,\"seed\":1,\"ema\":0.0},\"data\":{}}";
    RunDirectory run = new RunDirectory(dir);
    Files.writeString(run.runFile(), old);
    RunDirectory.RunInfo info = run.readInfo();
    assertThat(info.training().adam()).isEqualTo(new Adam.Settings(0, 0.999, 1e-8));
    assertThat(info.objective().config().has("adamBeta1")).isFalse();
    assertThat(info.objective().config().get("k").asInt()).isEqualTo(60);
    // a run without the old setting keeps what it recorded
    Files.writeString(run.runFile(), old.replace(",\"adamBeta1\":0.0", ""));
    assertThat(run.readInfo().training().adam()).isEqualTo(Adam.Settings.defaults());
  }
}
