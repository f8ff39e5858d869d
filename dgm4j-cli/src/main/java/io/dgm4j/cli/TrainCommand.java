package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.io.ModelSpec;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.Objective;
import io.dgm4j.objectives.ObjectiveSpec;
import io.dgm4j.objectives.Objectives;
import io.dgm4j.training.RunDirectory;
import io.dgm4j.training.Trainer;
import io.dgm4j.training.TrainingConfig;
import io.dgm4j.training.TrainingState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
  @Option(names = "--model", paramLabel = "NAME",
      description = "bernoulli, mixture, fvsbn, nade, rnade or made (see `dgm models`).")
  String model;

  @Option(names = "--data", paramLabel = "SPEC",
      description = "mnist, fashion-mnist, a folder of IDX files, or a .csv file.")
  String data;

  @Option(names = "--objective", paramLabel = "NAME",
      description = "How to train: mle, or what the model's family offers (see `dgm models`);"
          + " default: the family's first.")
  String objectiveName;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder.")
  Path out;

  @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
  boolean resume;

  @Option(names = "--epochs", description = "Total epochs (default: 10).")
  Integer epochs;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of everything random.")
  long seed;

  @Option(names = "--batch-size", defaultValue = "100") int batchSize;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate.")
  double learningRate;

  @Option(names = "--schedule", defaultValue = "constant", description = "constant or cosine.")
  String schedule;

  @Option(names = "--clip-norm", defaultValue = "0",
      description = "Clip the global gradient norm (0: off).")
  double clipNorm;

  @Option(names = "--patience", defaultValue = "0",
      description = "Stop after this many epochs without a better validation NLL (0: off).")
  int patience;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Model setting, e.g. --set hidden=500 (repeatable; see `dgm models`).")
  Map<String, String> settings;

  @Option(names = "--validation", defaultValue = "0",
      description = "Validation examples taken from the end of the training file"
          + " (default: 10000 for MNIST, else a sixth).")
  int validation;

  @Option(names = "--limit", defaultValue = "0",
      description = "Train on only the first N training examples (quick tries).")
  int limit;

  @Option(names = "--quiet", description = "No progress bar; one line per epoch.")
  boolean quiet;

  @Mixin
  Dgm.Common common;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    RunDirectory run = new RunDirectory(out);
    var console = spec.commandLine().getOut();
    try (NDManager root = Engines.newManager(Engines.device(common.device))) {
      RunDirectory.RunInfo info;
      RunData runData;
      GenerativeModel generativeModel;
      Objective objective;
      TrainingState state;
      if (resume) {
        if (model != null || data != null || objectiveName != null) {
          console.println("note: --resume takes the model, objective and data from "
              + run.runFile());
        }
        RunDirectory.RunInfo recorded = run.readInfo();
        TrainingConfig config = epochs == null ? recorded.training()
            : recorded.training().withEpochs(epochs);
        info = new RunDirectory.RunInfo(recorded.model(), recorded.objectiveOrDefault(), config,
            recorded.data());
        Checkpoint.Loaded loaded = Checkpoint.read(run.lastCheckpoint(), root.newSubManager());
        generativeModel = loaded.model();
        objective = Objectives.create(info.objective(), generativeModel, config.clipNorm());
        state = loaded.state();
        objective.restore(loaded.requireObjectiveState(run.lastCheckpoint()), state.step(),
            run.lastCheckpoint().toString());
        if (state.epoch() >= config.epochs()) {
          console.printf("%s already has %d of %d epochs; pass a larger --epochs to continue%n",
              out, state.epoch(), config.epochs());
          return 0;
        }
        console.printf("resuming %s at epoch %d of %d%n", out, state.epoch() + 1,
            config.epochs());
        runData = RunData.ofRun(info.data(), common.dataHome(), info.model().family());
      } else {
        if (model == null || data == null) {
          throw new IllegalArgumentException("--model and --data are required (or --resume)");
        }
        if (run.exists()) {
          throw new IllegalArgumentException(out + " already holds a run; use --resume to"
              + " continue it or choose another --out");
        }
        ModelRegistry.Family<?> family = ModelRegistry.family(model);
        String objectiveChoice = objectiveName != null ? objectiveName
            : family.defaultObjective();
        if (!family.objectives().contains(objectiveChoice)) {
          throw new IllegalArgumentException("--objective " + objectiveChoice + " does not train "
              + model + "; it trains with " + String.join(", ", family.objectives()));
        }
        Objectives.Entry<?> objectiveEntry = Objectives.entry(objectiveChoice);
        ObjectNode modelOverrides = ModelRegistry.json().createObjectNode();
        ObjectNode objectiveOverrides = ModelRegistry.json().createObjectNode();
        splitSettings(family, objectiveEntry, modelOverrides, objectiveOverrides);
        family.parseConfig(modelOverrides); // reject bad settings before loading data
        ObjectiveSpec objectiveSpec = objectiveEntry.spec(objectiveOverrides);
        TrainingConfig config = new TrainingConfig(epochs == null ? 10 : epochs, batchSize,
            learningRate, schedule, clipNorm, patience, seed);
        DataSources.DataSplits source = DataSources.resolve(data, common.dataHome());
        Preprocessing prep = Preprocessing.choose(family.support(modelOverrides), source, seed);
        runData = RunData.load(data, source, prep, validation, limit, model);
        generativeModel = family.create(root.newSubManager(), runData.train().itemShape(),
            modelOverrides, seed);
        objective = Objectives.create(objectiveSpec, generativeModel, config.clipNorm());
        ModelSpec modelSpec = ModelSpec.of(generativeModel, runData.train().itemShape(), seed);
        info = new RunDirectory.RunInfo(modelSpec, objectiveSpec, config, runData.describe());
        run.writeInfo(info);
        if (generativeModel instanceof io.dgm4j.models.DataInitialized init) {
          init.initializeFrom(prep.trainingEpoch(runData.train(), seed, 0), seed);
        }
        state = TrainingState.start();
        console.printf("training %s (%,d parameters) by %s on %s: %,d train / %,d validation"
            + " examples, %s%n", model, generativeModel.parameterCount(), objective.name(),
            runData.source().name(), runData.train().size(), runData.validation().size(),
            prep.kind());
      }
      Preprocessing prep = runData.preprocessing();
      Dataset train = runData.train();
      long runSeed = info.training().seed();
      Trainer trainer = new Trainer(generativeModel, objective, info.training(), state,
          List.of(run.recorder(info.model()), new ProgressListener(console,
              quiet || System.console() == null, generativeModel.dimension())));
      TrainingState end = trainer.fit(
          epoch -> prep.trainingEpoch(train, runSeed, epoch), runData.validation());
      String metric = io.dgm4j.evaluation.Validator.metricFor(generativeModel, objective);
      console.printf("done: %d epochs, best validation %s %.2f (epoch %d); run folder %s%n",
          end.epoch(), metric.replace('_', ' '), end.bestValidationLoss(), end.bestEpoch(),
          out);
      generativeModel.close();
      return 0;
    }
  }

  /**
   * Sends each {@code --set key=value} to the model's settings or the objective's, whichever has
   * the key (the model's first); a key neither has is an error that names both.
   */
  private void splitSettings(ModelRegistry.Family<?> family, Objectives.Entry<?> objectiveEntry,
      ObjectNode modelOverrides, ObjectNode objectiveOverrides) {
    if (settings == null) {
      return;
    }
    settings.forEach((k, v) -> {
      if (family.hasSetting(k)) {
        modelOverrides.set(k, Settings.parseValue(v));
      } else if (objectiveEntry.hasSetting(k)) {
        objectiveOverrides.set(k, Settings.parseValue(v));
      } else {
        // let the model's own check name its settings
        modelOverrides.set(k, Settings.parseValue(v));
      }
    });
  }
}
