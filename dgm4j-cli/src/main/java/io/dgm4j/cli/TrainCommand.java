package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.io.ModelSpec;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.MaximumLikelihood;
import io.dgm4j.training.Adam;
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

/** Trains a model by maximum likelihood into a run folder, or resumes one. */
@Command(name = "train", description = {
    "Train a model by maximum likelihood (Adam) into a run folder.",
    "Writes run.json, checkpoint-last.zip, checkpoint-best.zip, metrics.jsonl and loss.png;"
        + " --resume continues a stopped run from its last checkpoint up to --epochs."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "NAME",
      description = "bernoulli, mixture, fvsbn, nade, rnade or made (see `dgm models`).")
  String model;

  @Option(names = "--data", paramLabel = "SPEC",
      description = "mnist, fashion-mnist, a folder of IDX files, or a .csv file.")
  String data;

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
      DensityModel densityModel;
      Adam adam;
      TrainingState state;
      if (resume) {
        if (model != null || data != null) {
          console.println("note: --resume takes the model and data from " + run.runFile());
        }
        RunDirectory.RunInfo recorded = run.readInfo();
        TrainingConfig config = epochs == null ? recorded.training()
            : recorded.training().withEpochs(epochs);
        info = new RunDirectory.RunInfo(recorded.model(), config, recorded.data());
        Checkpoint.Loaded loaded = Checkpoint.read(run.lastCheckpoint(), root.newSubManager());
        densityModel = loaded.model();
        adam = Checkpoint.restoreOptimizer(loaded, run.lastCheckpoint());
        state = loaded.state();
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
        ObjectNode overrides = settingsJson();
        family.parseConfig(overrides); // reject bad settings before loading data
        TrainingConfig config = new TrainingConfig(epochs == null ? 10 : epochs, batchSize,
            learningRate, schedule, clipNorm, patience, seed);
        DataSources.DataSplits source = DataSources.resolve(data, common.dataHome());
        Preprocessing prep = Preprocessing.choose(family.support(), source, seed);
        runData = RunData.load(data, source, prep, validation, limit, model);
        densityModel = family.create(root.newSubManager(), runData.train().dimension(),
            overrides, seed);
        ModelSpec modelSpec = ModelSpec.of(densityModel, runData.train().itemShape(), seed);
        info = new RunDirectory.RunInfo(modelSpec, config, runData.describe());
        run.writeInfo(info);
        if (densityModel instanceof io.dgm4j.models.DataInitialized init) {
          init.initializeFrom(prep.trainingEpoch(runData.train(), seed, 0), seed);
        }
        adam = new Adam(densityModel.parameters());
        state = TrainingState.start();
        console.printf("training %s (%,d parameters) on %s: %,d train / %,d validation examples,"
            + " %s%n", model, densityModel.parameterCount(), runData.source().name(),
            runData.train().size(), runData.validation().size(), prep.kind());
      }
      Preprocessing prep = runData.preprocessing();
      Dataset train = runData.train();
      long runSeed = info.training().seed();
      Trainer trainer = new Trainer(densityModel, new MaximumLikelihood(), info.training(), adam,
          state, List.of(run.recorder(info.model()), new ProgressListener(console,
              quiet || System.console() == null, densityModel.dimension())));
      TrainingState end = trainer.fit(
          epoch -> prep.trainingEpoch(train, runSeed, epoch), runData.validation());
      console.printf("done: %d epochs, best validation NLL %.2f nats (epoch %d); run folder %s%n",
          end.epoch(), end.bestValidationNll(), end.bestEpoch(), out);
      densityModel.close();
      return 0;
    }
  }

  private ObjectNode settingsJson() {
    ObjectNode node = ModelRegistry.json().createObjectNode();
    if (settings != null) {
      settings.forEach((k, v) -> node.set(k, Settings.parseValue(v)));
    }
    return node;
  }
}
