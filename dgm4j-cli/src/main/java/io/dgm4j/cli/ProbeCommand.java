package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.evaluation.Features;
import io.dgm4j.evaluation.LinearProbe;
import io.dgm4j.models.Encoder;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Linear-probe accuracy of a run's features next to the same probe on raw pixels. */
@Command(name = "probe", description = {
    "How useful an encoder's features are: logistic regression on frozen features of labelled"
        + " training examples, test accuracy, next to the same probe on the raw pixels.",
    "Both splits are preprocessed as the run's own test set (e.g. binarized with the fixed"
        + " seed)."})
final class ProbeCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Mixin Options.Data data;

  @Option(names = "--labels", defaultValue = "0", paramLabel = "N",
      description = "Labelled training examples, N / classes per class (e.g. 100: 10 per digit);"
          + " 0 uses every training example (default: ${DEFAULT-VALUE}).")
  int labels;

  @Option(names = "--steps", defaultValue = "2000", paramLabel = "N",
      description = "Adam steps of the logistic regression (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--l2", defaultValue = "0.001",
      description = "L2 penalty on the probe's weights (default: ${DEFAULT-VALUE}).")
  double l2;

  @Mixin Options.Seed seed;

  @Mixin Options.Checkpoint checkpoint;

  @Mixin Options.Json output;

  @Mixin Options.DataDir dataDir;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (labels < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--labels must be >= 0 (0: all), got " + labels);
    }
    try (LoadedRun loaded = new LoadedRun(run.folder, checkpoint.which, engine.device, spec)) {
      Dataset train = loaded.preparedSplit(data.required(), "train", dataDir.home());
      Dataset test = loaded.preparedSplit(data.required(), "test", dataDir.home());
      if (!train.hasLabels()) {
        throw new IllegalArgumentException("--data " + data.required() + " has no labels; the"
            + " probe needs a labelled source such as mnist");
      }
      if (labels > 0) {
        int classes = 1 + java.util.Arrays.stream(train.labels()).max().orElse(0);
        if (labels % classes != 0) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--labels must"
              + " be a multiple of the " + classes + " classes, got " + labels);
        }
        train = LinearProbe.balancedSubset(train, labels / classes, seed.seed);
      }
      LinearProbe probe = new LinearProbe(new LinearProbe.Config(steps, 500, 0.01, l2));
      long start = System.nanoTime();
      LinearProbe.Result features = probe.evaluate(
          Features.encode(loaded.encoder("probe"), train, 500),
          Features.encode(loaded.encoder("probe"), test, 500), loaded.model.manager(), seed.seed);
      LinearProbe.Result pixels = probe.evaluate(train, test, loaded.model.manager(), seed.seed);
      double seconds = (System.nanoTime() - start) / 1e9;
      var out = spec.commandLine().getOut();
      if (output.json) {
        ObjectNode o = ModelRegistry.json().createObjectNode();
        o.put("run", run.folder.toString());
        o.put("model", loaded.info.model().family());
        o.put("data", test.name());
        o.put("labels", train.size());
        o.put("features", ((Encoder) loaded.model).latentDimension());
        o.put("feature_accuracy", features.testAccuracy());
        o.put("pixel_accuracy", pixels.testAccuracy());
        o.put("feature_train_accuracy", features.trainAccuracy());
        o.put("pixel_train_accuracy", pixels.trainAccuracy());
        o.put("test_examples", test.size());
        o.put("seconds", seconds);
        out.println(ModelRegistry.json().writeValueAsString(o));
      } else {
        out.printf("linear probe on %s, %,d labelled training examples, %,d test examples:%n",
            test.name(), train.size(), test.size());
        out.printf("  %s features (%d)  test accuracy %.4f  (train %.4f)%n",
            loaded.info.model().family(), ((Encoder) loaded.model).latentDimension(),
            features.testAccuracy(), features.trainAccuracy());
        out.printf("  raw pixels (%d)  test accuracy %.4f  (train %.4f)   %.1f s%n",
            test.dimension(), pixels.testAccuracy(), pixels.trainAccuracy(), seconds);
      }
      return 0;
    }
  }
}
