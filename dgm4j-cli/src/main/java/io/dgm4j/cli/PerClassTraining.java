package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.io.ModelSpec;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.conditional.PerClassModel;
import io.dgm4j.training.RunDirectory;
import io.dgm4j.training.TrainingConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dgm train --per-class}: one run per class label in {@code --out/class-Y} (each on its
 * class's examples, with its own validation split, seeded {@code seed + Y}), then their best
 * checkpoints assembled into one {@link PerClassModel} in {@code --out/checkpoint-best.zip}, so
 * that eval, score, sample --label, ood and classify open the folder like any run.
 * {@code --resume} continues the classes that did not finish and reassembles.
 */
final class PerClassTraining {
  private static final String FAMILY = "per-class";
  private final TrainCommand command;
  private final PrintWriter console;

  PerClassTraining(TrainCommand command, PrintWriter console) {
    this.command = command;
    this.console = console;
  }

  /** Whether {@code run} is the folder of a per-class run. */
  static boolean isPerClassRun(RunDirectory run) {
    return run.exists() && run.readInfo().data().path("per_class").asBoolean(false);
  }

  int train(RunDirectory run) {
    TrainCommand.Plan plan;
    RunDirectory.RunInfo info;
    if (command.resume) {
      RunDirectory.RunInfo recorded = run.readInfo();
      TrainingConfig training = command.resumedConfig(recorded.training(),
          command.spec.commandLine().getOut());
      info = new RunDirectory.RunInfo(recorded.model(), recorded.objectiveOrDefault(), training,
          recorded.data());
      run.writeInfo(info); // the new --epochs, for the record
      PerClassModel.Config config = configOf(info);
      ObjectNode data = info.data();
      JsonNode validation = data.get("validation");
      plan = new TrainCommand.Plan(config.base(), config.baseSettingsOrEmpty(),
          info.objective(), data.get("spec").asText(), training,
          validation == null || validation.isNull() ? null : validation.asInt(),
          data.get("limit").asInt(), data.path("perturb_rate").asDouble(0));
    } else {
      if (FAMILY.equals(command.model)) {
        throw new IllegalArgumentException("--per-class builds the per-class model itself;"
            + " give --model the family of each class's model, e.g. --model fvsbn");
      }
      if (run.exists()) {
        throw new IllegalArgumentException(run.root() + " already holds a run; use --resume to"
            + " continue it or choose another --out");
      }
      plan = command.plan();
      info = start(run, plan);
    }
    PerClassModel.Config config = configOf(info);
    for (int y = 0; y < config.classes(); y++) {
      RunDirectory member = memberRun(run, y);
      console.printf("class %d of %d: %s%n", y + 1, config.classes(), member.root());
      // each class folder is a run of its own, which `dgm train --out DIR/class-Y` could
      // resume by itself: claimed too, so that the two never train into it at once
      try (RunDirectory.Claim claim = member.claim()) {
        if (java.nio.file.Files.exists(member.lastCheckpoint())) {
          command.resumeRun(member, console);
        } else {
          command.startRun(member, plan, y, console); // afresh when no epoch had finished
        }
      }
    }
    assemble(run, info, config);
    return 0;
  }

  /** Checks the data and family, writes the per-class run.json and returns it. */
  private RunDirectory.RunInfo start(RunDirectory run, TrainCommand.Plan plan) {
    DataSources.DataSplits source = DataSources.resolve(plan.data(),
        command.dataDir.home());
    RunData.ofClass(source, 0); // labels present
    int classes = RunData.classCount(source.train());
    long[] counts = new long[classes];
    for (int y : source.train().labels()) {
      counts[y]++;
    }
    List<Double> priors = new ArrayList<>();
    for (int y = 0; y < classes; y++) {
      if (counts[y] == 0) {
        throw new IllegalArgumentException(plan.data() + ": no training examples of class " + y
            + " (labels run 0.." + (classes - 1) + "); --per-class needs every class present");
      }
      priors.add((double) counts[y]);
    }
    PerClassModel.Config config = new PerClassModel.Config(plan.model(), classes, priors,
        plan.modelOverrides());
    ObjectNode configJson = ModelRegistry.json().valueToTree(config);
    int[] itemShape = source.train().itemShape();
    long seed = plan.training().seed();
    try (NDManager m = Engines.newManager();
        GenerativeModel check = ModelRegistry.family(FAMILY).create(m.newSubManager(),
            itemShape, configJson, seed)) {
      console.printf("per-class %s: %d classes, %,d parameters in all, priors from the %,d"
          + " training labels%n", plan.model(), classes, check.parameterCount(),
          source.train().size());
      Preprocessing prep = Preprocessing.choose(check.support(), source, seed);
      ObjectNode data = ModelRegistry.json().createObjectNode();
      data.put("spec", plan.data());
      data.put("name", source.name());
      data.set("preprocessing", ModelRegistry.json().valueToTree(prep));
      data.put("per_class", true);
      data.put("classes", classes);
      if (plan.validation() != null) {
        data.put("validation", plan.validation());
      }
      data.put("limit", plan.limit());
      if (plan.perturb() > 0) {
        data.put("perturb_rate", plan.perturb());
      }
      data.put("train_examples", source.train().size());
      data.put("test_examples", source.test().size());
      data.put("item_shape", java.util.Arrays.toString(itemShape));
      RunDirectory.RunInfo info = new RunDirectory.RunInfo(
          new ModelSpec(FAMILY, itemShape, seed, configJson), plan.objective(), plan.training(),
          data);
      run.writeInfo(info);
      return info;
    }
  }

  /** Loads each class's best checkpoint into one per-class model and saves it. */
  private void assemble(RunDirectory run, RunDirectory.RunInfo info,
      PerClassModel.Config config) {
    try (NDManager m = Engines.newManager();
        PerClassModel model = (PerClassModel) info.model().build(m.newSubManager())) {
      double validationNll = 0;
      for (int y = 0; y < config.classes(); y++) {
        RunDirectory member = memberRun(run, y);
        try (NDManager mm = Engines.newManager()) {
          Checkpoint.Loaded loaded = Checkpoint.read(member.bestCheckpoint(),
              mm.newSubManager());
          model.member(y).parameters().load(loaded.model().parameters().toNDList(),
              member.bestCheckpoint().toString());
          validationNll += Math.exp(model.logPriors()[y])
              * loaded.state().bestValidationLoss();
          loaded.model().close();
        }
      }
      Checkpoint.write(run.bestCheckpoint(), info.model(), model, null, null);
      console.printf("per-class model of %d %s models -> %s (prior-weighted validation NLL of"
          + " the classes %.2f nats, = -log p(x|y) averaged; classify with `dgm classify --run"
          + " %s`)%n", config.classes(), config.base(), run.bestCheckpoint(), validationNll,
          run.root());
    }
  }

  static RunDirectory memberRun(RunDirectory run, int label) {
    return new RunDirectory(run.root().resolve("class-" + label));
  }

  private static PerClassModel.Config configOf(RunDirectory.RunInfo info) {
    return ModelRegistry.json().convertValue(info.model().config(), PerClassModel.Config.class);
  }
}
