package io.dgm4j.cli;

import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the model families with their parameter counts at a given data dimension. */
@Command(name = "models", description = "List the models, with parameter counts for D values.")
final class ModelsCommand implements Callable<Integer> {
  @Option(names = "--dimension", defaultValue = "784",
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
    out.printf("%-10s %12s  %-12s %s%n", "model", "parameters", "objectives",
        "description (default settings)");
    for (ModelRegistry.Family<?> family : ModelRegistry.families()) {
      try (NDManager manager = Engines.newManager();
          GenerativeModel model = family.create(manager.newSubManager(), dimension, null, 1)) {
        out.printf("%-10s %,12d  %-12s %s %s%n", family.name(), model.parameterCount(),
            String.join(",", family.objectives()), family.description(),
            ModelRegistry.json().valueToTree(model.config()));
      }
    }
    return 0;
  }
}
