package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Perturbation;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.data.Validation;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.Validator;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.io.ModelSpec;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Support;
import io.dgm4j.objectives.Objective;
import io.dgm4j.objectives.ObjectiveSpec;
import io.dgm4j.objectives.Objectives;
import io.dgm4j.optim.Adam;
import io.dgm4j.training.EpochResult;
import io.dgm4j.training.RunDirectory;
import io.dgm4j.training.Trainer;
import io.dgm4j.training.TrainingConfig;
import io.dgm4j.training.TrainingListener;
import io.dgm4j.training.TrainingState;
import io.dgm4j.training.NonFiniteLossException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains a model with its objective into a run folder, or resumes one. */
@Command(name = "train", description = {
    "Train a model into a run folder with its objective (maximum likelihood by default, Adam).",
    "Writes run.json, checkpoint-last.zip, checkpoint-best.zip, metrics.jsonl and loss.png;"
        + " --resume continues a stopped run from its last checkpoint up to --epochs."})
final class TrainCommand implements Callable<Integer> {
  /** Options that fix a run: given with --resume they must agree with run.json. */
  private static final List<String> RECORDED = List.of("--model", "--data", "--objective",
      "--seed", "--batch-size", "--schedule", "--set", "--validation", "--limit", "--image-size",
      "--channels", "--strict", "--perturb", "--per-class");

  /** What a resumed run may change, e.g. after a NaN: how far and how fast it goes on. */
  private static final String CHANGEABLE = "--epochs, --lr, --adam-betas, --adam-epsilon,"
      + " --clip-norm, --patience, --ema and --validate-every";

  @Option(names = "--model", paramLabel = "NAME",
      description = "The model family (see `dgm models`); required unless --resume.")
  String model;

  @Mixin Options.Data data;

  @Mixin Options.DataDir dataDir;

  @Option(names = "--objective", paramLabel = "NAME",
      description = "How to train: mle, or what the model's family offers (ebm: pcd, cd, dsm,"
          + " ssm, esm, nce, fce, adversarial; see `dgm models`);"
          + " default: the family's first.")
  String objectiveName;

  @Mixin Options.Out out;

  @Option(names = "--resume",
      description = "Continue the run in --out from its last checkpoint, with the settings"
          + " recorded in its run.json; --epochs, --lr, --clip-norm, --patience, --ema and"
          + " --validate-every may change (recorded in run.json from then on).")
  boolean resume;

  @Option(names = "--epochs", paramLabel = "N",
      description = "Total epochs, at least 1 (default: 10; with --resume: the recorded"
          + " number).")
  Integer epochs;

  @Mixin Options.Seed seed;

  @Mixin Options.BatchSize batch;

  @Option(names = "--lr", defaultValue = "0.001", paramLabel = "RATE",
      description = "Adam learning rate, positive (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--adam-betas", paramLabel = "BETA1,BETA2",
      description = "Adam's decay rates of its mean and squared-gradient estimates, each in"
          + " [0, 1) (default: 0.9,0.999, Adam's own; with --resume: the recorded ones). E.g."
          + " 0.99,0.999 as in Burda et al.'s IWAE code, or 0,0.999 for energy models trained"
          + " with chains (Du and Mordatch).")
  String adamBetas;

  @Option(names = "--adam-epsilon", paramLabel = "EPS",
      description = "Adam's epsilon, added to the root of its squared-gradient estimate,"
          + " positive (default: 1e-8; with --resume: the recorded one).")
  Double adamEpsilon;

  @Option(names = "--schedule", defaultValue = "constant", paramLabel = "NAME",
      description = "Learning-rate schedule: constant or cosine (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--clip-norm", defaultValue = "0", paramLabel = "NORM",
      description = "Clip the global gradient norm to this; 0: off (default: ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(names = "--patience", defaultValue = "0", paramLabel = "N",
      description = "Stop after this many validations without a better figure; 0: off"
          + " (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--validate-every", paramLabel = "N",
      description = "Validate after every N epochs and after the last (default: 1; with"
          + " --resume: the recorded number). The best checkpoint and --patience see only the"
          + " validated epochs; worth it where validation is slow, e.g. a 32-mask MADE"
          + " ensemble scores each held-out image under every mask.")
  Integer validateEvery;

  @Option(names = "--ema", paramLabel = "DECAY",
      description = "Keep a moving average of the weights, updated after every step with this"
          + " decay (e.g. 0.999; 0: off, the default), warmed up as min(decay, (1+t)/(10+t)) at"
          + " the t-th step so that early averages follow the weights; validation, checkpoints and so sample,"
          + " eval and score use it, training continues from the raw weights. With --resume it"
          + " may be turned on or changed.")
  Double ema;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A model or objective setting, e.g. --set hidden=500 (repeatable; see"
          + " `dgm models` for each model's settings and defaults); a key both have, such as"
          + " ebm's stepSize, sets both.")
  Map<String, String> settings;

  @Option(names = "--validation", paramLabel = "N",
      description = "Validation examples taken from the end of the training data; 0: none"
          + " (every epoch is then kept as the best; no early stopping). Default: 10000 for"
          + " MNIST's 60000, else a sixth.")
  Integer validation;

  @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
      description = "Train on only the first N training examples; 0: all (default:"
          + " ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--perturb", defaultValue = "0", paramLabel = "MU",
      description = "Train a background model for `dgm ood --background`: each input value is"
          + " replaced, with probability MU, by a uniform random value from the data's range"
          + " (0..255 for pixels, 0/1 for binary data); recorded in run.json (default: 0, off).")
  double perturb;

  @Option(names = "--per-class",
      description = "Train one model per class label (labelled data only), each on its class's"
          + " examples with its own validation split, in --out/class-Y; together they form a"
          + " Bayes classifier for `dgm classify` and `dgm sample --label` (default: off).")
  boolean perClass;

  @Option(names = "--quiet", description = "No progress bar; one line per epoch.")
  boolean quiet;

  @Mixin Options.Engine engine;

  @Mixin ImageOptions imageOptions;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    RunDirectory run = new RunDirectory(out.path);
    var console = spec.commandLine().getOut();
    checkValues();
    if (Files.isRegularFile(run.root())) {
      throw Options.usage(spec, "--out " + run.root() + " is a file; give a folder for the run");
    }
    // one process trains into a folder at a time
    try (RunDirectory.Claim claim = run.claim()) {
      if (perClass || resume && PerClassTraining.isPerClassRun(run)) {
        return new PerClassTraining(this, console).train(run);
      }
      if (resume) {
        return resumeRun(run, console);
      }
      return startRun(run, plan(), null, console);
    }
  }

  /**
   * What a new run trains: the family, its settings, the objective, the data and how it is
   * split and perturbed, and the training configuration.
   */
  record Plan(String model, ObjectNode modelOverrides, ObjectiveSpec objective, String data,
      TrainingConfig training, Integer validation, int limit, double perturb) {}

  /** The plan the command-line options describe, checked before any data is loaded. */
  Plan plan() {
    if (model == null) {
      throw Options.usage(spec, "--model is required (see `dgm models`), or pass --resume"
          + " to continue the run in --out");
    }
    String dataSpec = data.required();
    ModelRegistry.Family<?> family = usageOf(() -> ModelRegistry.family(model), "--model");
    String objectiveChoice = objectiveName != null ? objectiveName : family.defaultObjective();
    if (!family.objectives().contains(objectiveChoice)) {
      throw Options.usage(spec, "--objective " + objectiveChoice + " does not train "
          + model + "; it trains with " + String.join(", ", family.objectives()));
    }
    Objectives.Entry<?> objectiveEntry = Objectives.entry(objectiveChoice);
    ObjectNode modelOverrides = ModelRegistry.json().createObjectNode();
    ObjectNode objectiveOverrides = ModelRegistry.json().createObjectNode();
    splitSettings(family, objectiveEntry, modelOverrides, objectiveOverrides);
    // reject bad settings before loading data
    usageOf(() -> family.parseConfig(modelOverrides), "--set");
    ObjectiveSpec objectiveSpec = usageOf(() -> objectiveEntry.spec(objectiveOverrides),
        "--set");
    Adam.Settings adam = adamSettings(Adam.Settings.defaults());
    TrainingConfig config = usageOf(() -> new TrainingConfig(epochs == null ? 10 : epochs,
        batch.size, learningRate, schedule, clipNorm, patience, seed.seed,
        ema == null ? 0 : ema, validateEvery == null ? 1 : validateEvery, adam), "--ema");
    return new Plan(model, modelOverrides, objectiveSpec, dataSpec, config, validation, limit,
        perturb);
  }

  /**
   * Starts a new run of {@code plan} in {@code run}; with {@code label} set, on the examples of
   * that class only, seeded {@code seed + label} (one member of a per-class model).
   */
  int startRun(RunDirectory run, Plan plan, Integer label, PrintWriter console) {
    if (run.exists()) {
      if (Files.exists(run.lastCheckpoint())) {
        throw new IllegalArgumentException(run.root() + " already holds a run; use --resume"
            + " to continue it or choose another --out");
      }
      console.printf("note: no epoch of the run in %s finished; starting it afresh%n",
          run.root());
      run.clearUnfinished();
    }
    ModelRegistry.Family<?> family = ModelRegistry.family(plan.model());
    TrainingConfig config = label == null ? plan.training()
        : plan.training().withSeed(plan.training().seed() + label);
    long runSeed = config.seed();
    try (NDManager root = Engines.newManager(Engines.device(engine.device))) {
      DataSources.DataSplits source = Sources.resolve(plan.data(), dataDir.home(),
          imageOptions.toOptions(spec.commandLine()), spec.commandLine().getErr());
      if (label != null) {
        source = RunData.ofClass(source, label);
      }
      Preprocessing prep = Preprocessing.choose(family.support(plan.modelOverrides()), source,
          runSeed);
      requireValuesFit(family, plan, prep, source);
      RunData runData = RunData.load(plan.data(), dataDir.home(), source, prep,
          plan.perturb() > 0 ? Perturbation.of(plan.perturb(), source) : Perturbation.NONE,
          plan.validation(), plan.limit(), plan.model());
      // settings that parse but do not fit this data (e.g. a convolutional network on 2-D
      // points, feature maps that do not split into colour groups) are usage errors, as are
      // objectives this model cannot be trained with
      GenerativeModel generativeModel = usageOf(() -> family.create(root.newSubManager(),
          runData.train().itemShape(), plan.modelOverrides(), runSeed),
          "--model " + plan.model() + " on --data " + plan.data());
      Objective objective = usageOf(() -> Objectives.create(plan.objective(), generativeModel,
          config.clipNorm(), config.ema()), "--objective " + plan.objective().name());
      ModelSpec modelSpec = ModelSpec.of(generativeModel, runData.train().itemShape(), runSeed);
      ObjectNode dataNode = runData.describe();
      if (label != null) {
        dataNode.put("class", label);
      }
      RunDirectory.RunInfo info = new RunDirectory.RunInfo(modelSpec, plan.objective(), config,
          dataNode);
      run.writeInfo(info);
      if (generativeModel instanceof io.dgm4j.models.DataInitialized init) {
        init.initializeFrom(runData.trainingEpoch(runSeed, 0), runSeed);
      }
      if (objective instanceof io.dgm4j.models.DataInitialized init) {
        init.initializeFrom(runData.trainingEpoch(runSeed, 0), runSeed); // e.g. NCE's noise
      }
      console.printf("training %s (%,d parameters) by %s on %s: %,d train / %,d validation"
          + " examples, %s%n", plan.model(), generativeModel.parameterCount(), objective.name(),
          runData.source().name(), runData.train().size(), runData.validation().size(),
          prep.kind() + (plan.perturb() > 0 ? ", each value replaced by noise with probability "
              + plan.perturb() : ""));
      fit(run, info, runData, generativeModel, objective, TrainingState.start(), console);
      return 0;
    }
  }

  /** Continues the run in {@code run} from its last checkpoint up to --epochs. */
  int resumeRun(RunDirectory run, PrintWriter console) {
    RunDirectory.RunInfo recorded = run.readInfo();
    refuseChangesOnResume(recorded, run);
    if (!Files.exists(run.lastCheckpoint())) {
      throw new IllegalArgumentException(run.root() + ": no epoch has finished yet, so there"
          + " is nothing to resume; start it again with the same `dgm train` command"
          + " without --resume (it reuses the folder)");
    }
    TrainingConfig config = resumedConfig(recorded.training(), console);
    RunDirectory.RunInfo info = new RunDirectory.RunInfo(recorded.model(),
        recorded.objectiveOrDefault(), config, recorded.data());
    try (NDManager root = Engines.newManager(Engines.device(engine.device))) {
      Checkpoint.Loaded loaded = Checkpoint.read(run.lastCheckpoint(), root.newSubManager());
      loaded.spec().requireSameAs(recorded.model(), run.lastCheckpoint(), run.runFile());
      GenerativeModel generativeModel = loaded.model();
      Objective objective = Objectives.create(info.objective(), generativeModel,
          config.clipNorm(), config.ema());
      TrainingState state = loaded.state();
      objective.restore(loaded.requireObjectiveState(run.lastCheckpoint()), state.step(),
          run.lastCheckpoint().toString());
      if (state.epoch() >= config.epochs()) {
        console.printf("%s already has %d of %d epochs; pass a larger --epochs to continue%n",
            run.root(), state.epoch(), config.epochs());
        generativeModel.close();
        return 0;
      }
      RunData runData = RunData.ofRun(info.data(), dataDir.home(), info.model().family(),
          run.runFile(), spec.commandLine().getErr());
      run.prepareResume(state.epoch());
      state = restartBestIfTheMetricChanged(run, generativeModel, objective, state, console);
      if (!config.equals(recorded.training())) {
        run.writeInfo(info); // run.json keeps saying how many epochs the run is for, and its ema
      }
      String scheduleChange = scheduleChange(recorded.training(), config, state,
          spec.commandLine().getParseResult().hasMatchedOption("--lr"));
      if (scheduleChange != null) {
        console.println(scheduleChange);
      }
      console.printf("resuming %s at epoch %d of %d%n", run.root(), state.epoch() + 1,
          config.epochs());
      fit(run, info, runData, generativeModel, objective, state, console);
      return 0;
    }
  }

  /**
   * What a resume with another --epochs or --lr does to a cosine schedule's learning rate where
   * the run resumes (the cosine is re-fitted over the new number of epochs, so the rate jumps),
   * and, when only --epochs changed, the --lr that keeps the rate where it was; {@code null}
   * when the schedule is constant or neither changed.
   */
  static String scheduleChange(TrainingConfig recorded, TrainingConfig config,
      TrainingState state, boolean lrGiven) {
    if (!"cosine".equals(config.schedule()) || state.epoch() == 0
        || (config.epochs() == recorded.epochs()
            && config.learningRate() == recorded.learningRate())) {
      return null;
    }
    int batches = (int) (state.step() / state.epoch()); // every epoch has as many batches
    double was = recorded.learningRateAt(state.step(), batches);
    double now = config.learningRateAt(state.step(), batches);
    String change = String.format("cosine schedule over %d epochs from --lr %s: the learning"
        + " rate after epoch %d is %.3g (%.3g on the recorded schedule, %d epochs from %s)",
        config.epochs(), config.learningRate(), state.epoch(), now, was, recorded.epochs(),
        recorded.learningRate());
    if (!lrGiven && Math.abs(now - was) > 1e-3 * was) {
      // the cosine is linear in its base rate (it ends at a hundredth of it)
      change += String.format("; --lr %.3g would keep it at %.3g", config.learningRate() * was
          / now, was);
    }
    return change;
  }

  /**
   * A run recorded before its validation figure changed (an IWAE run validated on the -ELBO
   * before it was validated on its own k-sample bound) compares the new figure with no old one:
   * its best checkpoint is chosen anew from the next epoch, and the user is told.
   */
  private static TrainingState restartBestIfTheMetricChanged(RunDirectory run,
      GenerativeModel model, Objective objective, TrainingState state, PrintWriter console) {
    String recorded = RunDirectory.lastValidationMetric(run.readMetrics()).orElse(null);
    String now = Validator.metricFor(model, objective);
    if (recorded == null || recorded.equals(now)) {
      return state;
    }
    console.printf("validation now reports the %s, where the recorded epochs report the %s: the"
        + " best checkpoint is chosen anew from epoch %d%n", Validator.label(now),
        Validator.label(recorded), state.epoch() + 1);
    return new TrainingState(state.epoch(), state.step(), Double.NaN, state.bestEpoch(), 0,
        state.trainingSeconds());
  }

  private void fit(RunDirectory run, RunDirectory.RunInfo info, RunData runData,
      GenerativeModel generativeModel, Objective objective, TrainingState state,
      PrintWriter console) {
    long runSeed = info.training().seed();
    AtomicInteger saved = new AtomicInteger(state.epoch()); // last epoch whose checkpoint is written
    TrainingListener checkpointed = new TrainingListener() {
      @Override
      public void onEpochEnd(EpochResult result, Trainer trainer) {
        saved.set(result.epoch()); // after the recorder, which writes the checkpoint
      }
    };
    Trainer trainer = new Trainer(generativeModel, objective, info.training(), state,
        List.of(run.recorder(info.model()), checkpointed, new ProgressListener(console,
            quiet || System.console() == null, generativeModel.dimension(),
            runData.preprocessing().pixelOffsetNats(generativeModel.dimension()),
            state.epoch() == 0 ? List.of() : run.readMetrics())));
    // Ctrl-C or a kill: say what the folder keeps and how to go on
    PrintWriter err = spec.commandLine().getErr();
    Thread interrupted = new Thread(() -> {
      err.println();
      err.println(saved.get() == 0
          ? "interrupted before the first epoch of " + run.root() + " finished: nothing to"
              + " resume; run the same `dgm train` command again (it reuses the folder)"
          : "interrupted: " + run.root() + " keeps epoch " + saved.get() + " of "
              + info.training().epochs() + " (checkpoint-last.zip); continue with `dgm train"
              + " --out " + out.path + " --resume`");
      err.flush();
    });
    Runtime.getRuntime().addShutdownHook(interrupted);
    TrainingState end;
    try {
      end = trainer.fit(epoch -> runData.trainingEpoch(runSeed, epoch), runData.validation());
    } catch (NonFiniteLossException e) {
      throw new NonFiniteLossException(e.getMessage() + likelyCause(runData.train(), state,
          run), e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(interrupted);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs: the process is ending
      }
    }
    String metric = Validator.metricFor(generativeModel, objective);
    if (runData.validation().size() == 0) {
      console.printf("done: %d epochs (no validation set: the last epoch is kept as the"
          + " best); run folder %s%n", end.epoch(), run.root());
    } else if (!Double.isFinite(end.bestValidationLoss())) {
      // e.g. contrastive divergence on an EBM: no objective can be computed on held-out data
      console.printf("done: %d epochs (%s has no validation figure: the last epoch is kept as"
          + " the best); run folder %s%n", end.epoch(), objective.name(), run.root());
    } else {
      console.printf("done: %d epochs, best validation %s %s (epoch %d); run folder %s%n",
          end.epoch(), Validator.label(metric), Validator.inNats(metric)
              ? String.format("%.2f", end.bestValidationLoss())
              : String.format("%.4g", end.bestValidationLoss()), end.bestEpoch(), run.root());
    }
    if (QuadratureReport.applies(generativeModel, generativeModel.dimension())) {
      Path picture = run.root().resolve("density.png");
      var figures = QuadratureReport.evaluate(generativeModel, info.data(), dataDir.home(),
          picture);
      console.printf("last epoch: test NLL %.4f nats (%s), Gaussian baseline %.4f; density"
          + " picture %s%n", figures.get("test_nll_nats").asDouble(),
          figures.get("nll_method").asText(), figures.get("gaussian_baseline_nll_nats")
              .asDouble(), picture);
    }
    generativeModel.close();
  }

  /**
   * A usage error when the data's values are of a kind the model, with these settings, does not
   * score as they are (preprocessing {@code binary} or {@code bytes}: CSV tables, toy data,
   * and byte models of any source), naming the kind found and the setting that fits it, e.g.
   * {@code --set decoder=logistic} for 8-bit values. Pixels of an image source are binarized or
   * dequantized for binary and real-valued models, so they always fit those.
   */
  private void requireValuesFit(ModelRegistry.Family<?> family, Plan plan, Preprocessing prep,
      DataSources.DataSplits source) {
    if (!prep.kind().equals("binary") && !prep.kind().equals("bytes")) {
      return;
    }
    Support needed = family.support(plan.modelOverrides());
    Support inTrain = Validation.narrowestSupport(source.train());
    Dataset offending = inTrain == Support.BINARY || inTrain == needed ? source.test()
        : source.train();
    Support found = Validation.narrowestSupport(offending);
    if (found == Support.BINARY || found == needed) {
      return;
    }
    String setting = family.supportSetting().map(key -> " with " + key + "="
        + ModelRegistry.json().valueToTree(family.parseConfig(plan.modelOverrides())).get(key)
            .asText()).orElse("");
    String fix = family.settingFor(found).map(s -> "pass --set " + s + " to model them")
        .orElse("choose a model of " + found.description() + " (see `dgm models`) or convert"
            + " the data to " + needed.description());
    throw Options.usage(spec, "--data " + plan.data() + " holds " + found.description()
        + ", e.g. " + Validation.firstOutside(offending, needed).orElse("?") + " of "
        + offending.name() + ", but " + plan.model()
        + setting + " scores " + needed.description() + "; " + fix);
  }

  /** Usage errors for values no run could use, before anything is read or written. */
  private void checkValues() {
    if (epochs != null && epochs < 1) {
      throw Options.usage(spec, "--epochs must be at least 1, got " + epochs);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw Options.usage(spec, "--lr must be a positive number, got " + learningRate);
    }
    if (!schedule.equals("constant") && !schedule.equals("cosine")) {
      throw Options.usage(spec, "--schedule must be constant or cosine, got " + schedule);
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw Options.usage(spec, "--clip-norm must be 0 (off) or positive, got " + clipNorm);
    }
    if (patience < 0) {
      throw Options.usage(spec, "--patience must be 0 (off) or positive, got " + patience);
    }
    if (validateEvery != null && validateEvery < 1) {
      throw Options.usage(spec, "--validate-every must be at least 1, got " + validateEvery);
    }
    if (validation != null && validation < 0) {
      throw Options.usage(spec, "--validation must be 0 (none) or positive, got "
          + validation);
    }
    if (validation != null && validation == 0 && patience > 0) {
      throw Options.usage(spec, "--patience needs a validation set; drop --validation 0 or"
          + " --patience");
    }
    if (!(perturb >= 0 && perturb <= 1)) {
      throw Options.usage(spec, "--perturb must be a probability in [0, 1], got " + perturb);
    }
    if (limit < 0) {
      throw Options.usage(spec, "--limit must be 0 (all) or positive, got " + limit);
    }
  }

  /**
   * The recorded training settings with those this resume changes ({@link #CHANGEABLE}), each
   * change printed.
   */
  TrainingConfig resumedConfig(TrainingConfig recorded, PrintWriter console) {
    var parsed = spec.commandLine().getParseResult();
    double lr = parsed.hasMatchedOption("--lr") ? learningRate : recorded.learningRate();
    double clip = parsed.hasMatchedOption("--clip-norm") ? clipNorm : recorded.clipNorm();
    int wait = parsed.hasMatchedOption("--patience") ? patience : recorded.patience();
    double average = ema != null ? ema : recorded.ema();
    int every = validateEvery != null ? validateEvery : recorded.validateEvery();
    Adam.Settings adam = adamSettings(recorded.adam());
    TrainingConfig config = usageOf(() -> new TrainingConfig(
        epochs != null ? epochs : recorded.epochs(), recorded.batchSize(), lr,
        recorded.schedule(), clip, wait, recorded.seed(), average, every, adam), "--resume");
    if (config.learningRate() != recorded.learningRate()) {
      console.printf("--lr: %s (was %s)%n", config.learningRate(), recorded.learningRate());
    }
    Adam.Settings was = recorded.adam();
    if (adam.beta1() != was.beta1() || adam.beta2() != was.beta2()) {
      console.printf("--adam-betas: %s,%s (was %s,%s)%n", adam.beta1(), adam.beta2(),
          was.beta1(), was.beta2());
    }
    if (adam.epsilon() != was.epsilon()) {
      console.printf("--adam-epsilon: %s (was %s)%n", adam.epsilon(), was.epsilon());
    }
    if (config.clipNorm() != recorded.clipNorm()) {
      console.printf("--clip-norm: %s (was %s)%n", config.clipNorm(), recorded.clipNorm());
    }
    if (config.patience() != recorded.patience()) {
      console.printf("--patience: %d (was %d)%n", config.patience(), recorded.patience());
    }
    if (config.ema() != recorded.ema()) {
      console.printf("--ema: %s (was %s)%n", config.ema(), recorded.ema());
    }
    if (config.validateEvery() != recorded.validateEvery()) {
      console.printf("--validate-every: %d (was %d)%n", config.validateEvery(),
          recorded.validateEvery());
    }
    return config;
  }

  /** Adam's constants: those given by --adam-betas and --adam-epsilon, the rest {@code base}'s. */
  private Adam.Settings adamSettings(Adam.Settings base) {
    double beta1 = base.beta1();
    double beta2 = base.beta2();
    if (adamBetas != null) {
      String[] parts = adamBetas.split(",", -1);
      String usage = "--adam-betas takes two numbers, BETA1,BETA2 (e.g. 0.9,0.999), got '"
          + adamBetas + "'";
      if (parts.length != 2) {
        throw Options.usage(spec, usage);
      }
      try {
        beta1 = Double.parseDouble(parts[0].trim());
        beta2 = Double.parseDouble(parts[1].trim());
      } catch (NumberFormatException e) {
        throw Options.usage(spec, usage);
      }
    }
    double epsilon = adamEpsilon != null ? adamEpsilon : base.epsilon();
    try {
      return new Adam.Settings(beta1, beta2, epsilon);
    } catch (IllegalArgumentException e) {
      throw Options.usage(spec, (e.getMessage().contains("epsilon") ? "--adam-epsilon: "
          : "--adam-betas: ") + e.getMessage());
    }
  }

  /**
   * A resumed run continues exactly as recorded; options that would change it are refused
   * rather than silently ignored.
   */
  private void refuseChangesOnResume(RunDirectory.RunInfo recorded, RunDirectory run) {
    var parsed = spec.commandLine().getParseResult();
    List<String> given = RECORDED.stream().filter(parsed::hasMatchedOption).toList();
    if (!given.isEmpty()) {
      throw Options.usage(spec, "--resume continues the run exactly as " + run.runFile()
          + " records it, so " + String.join(", ", given) + " cannot change; drop "
          + (given.size() == 1 ? "it" : "them") + " (only " + CHANGEABLE + " may change), or"
          + " start a new run with another --out");
    }
  }

  /** The most likely reason a loss or gradient became NaN, for the error message. */
  private static String likelyCause(Dataset train, TrainingState start, RunDirectory run) {
    double largest = 0;
    float[] row = new float[train.dimension()]; // by rows: pictures are read on demand
    for (int i = 0; i < train.size(); i++) {
      train.row(i, row, 0);
      for (float v : row) {
        largest = Math.max(largest, Math.abs(v));
      }
    }
    String where = Files.exists(run.lastCheckpoint())
        ? " Continue from the last good epoch with --resume, or start over with another --out."
        : " No epoch finished, so the same `dgm train` command (with changed options) starts"
            + " the run afresh in " + run.root() + ".";
    if (largest > 1e4) {
      return " Likely cause: the data holds values as large as " + String.format("%.3g",
          largest) + " (" + train.name() + "); rescale them, e.g. to [0, 1]." + where;
    }
    return " Likely cause: too large a step; try a lower --lr or --clip-norm." + where;
  }

  /** Runs {@code parse}; an IllegalArgumentException becomes a usage error of {@code option}. */
  private <T> T usageOf(java.util.function.Supplier<T> parse, String option) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw Options.usage(spec, option + ": " + e.getMessage());
    }
  }

  /**
   * Sends each {@code --set key=value} to the model's settings and the objective's, whichever
   * have the key — both when both do (ebm's Langevin {@code stepSize} and {@code noiseScale},
   * used by the model's sampler and by cd/pcd's training chains); a key neither has is an error
   * that names both.
   */
  private void splitSettings(ModelRegistry.Family<?> family, Objectives.Entry<?> objectiveEntry,
      ObjectNode modelOverrides, ObjectNode objectiveOverrides) {
    if (settings == null) {
      return;
    }
    if (settings.containsKey("adamBeta1")) {
      throw Options.usage(spec, "--set adamBeta1 is now the training option --adam-betas"
          + " BETA1,BETA2 for every objective, e.g. --adam-betas " + settings.get("adamBeta1")
          + ",0.999");
    }
    settings.forEach((k, v) -> {
      boolean model = family.hasSetting(k);
      boolean objective = objectiveEntry.hasSetting(k);
      if (model) {
        modelOverrides.set(k, Settings.parseValue(v));
      }
      if (objective) {
        objectiveOverrides.set(k, Settings.parseValue(v));
      }
      if (!model && !objective) {
        // let the model's own check name its settings
        modelOverrides.set(k, Settings.parseValue(v));
      }
    });
  }
}
