package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.Objectives;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Lists the model families with their parameter counts at a given data dimension, then the
 * objectives with their settings and the models each trains.
 */
@Command(name = "models", description = "List the models, with parameter counts for D values,"
    + " and the objectives with their settings.")
final class ModelsCommand implements Callable<Integer> {
  @Option(names = "--dimension", defaultValue = "784", paramLabel = "D",
      description = "Data dimension D for the counts (default: ${DEFAULT-VALUE}, 28x28 MNIST).")
  int dimension;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (dimension < 1) {
      throw Options.usage(spec, "--dimension must be at least 1, got " + dimension);
    }
    var out = spec.commandLine().getOut();
    List<ModelRegistry.Family<?>> families = ModelRegistry.families();
    int nameWidth = Math.max(9, families.stream().mapToInt(f -> f.name().length()).max()
        .orElse(0));
    int objectivesWidth = families.stream().mapToInt(f -> String.join(",", f.objectives())
        .length()).max().orElse(0);
    String row = "%-" + nameWidth + "s %12s  %-" + objectivesWidth + "s  %s%n";
    out.printf(row, "model", "parameters", "objectives", "description (default settings)");
    for (ModelRegistry.Family<?> family : families) {
      try (NDManager manager = Engines.newManager();
          GenerativeModel model = family.create(manager.newSubManager(), dimension, null, 1)) {
        out.printf(row, family.name(), String.format("%,d", model.parameterCount()),
            String.join(",", family.objectives()), family.description() + " "
                + ModelRegistry.json().valueToTree(model.config()));
      }
    }
    out.println();
    String objectiveRow = "%-" + nameWidth + "s %s%n";
    out.printf(objectiveRow, "objective", "description (default settings, changed with train"
        + " --set KEY=VALUE); models");
    for (Objectives.Entry<?> objective : Objectives.entries()) {
      List<String> models = families.stream()
          .filter(f -> f.objectives().contains(objective.name()))
          .map(ModelRegistry.Family::name).toList();
      out.printf(objectiveRow, objective.name(), objective.description() + " "
          + ModelRegistry.json().valueToTree(objective.defaults().get()) + "; "
          + (models.isEmpty() ? "none" : String.join(", ", models)));
    }
    return 0;
  }
}
