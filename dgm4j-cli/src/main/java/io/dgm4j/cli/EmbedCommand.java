package io.dgm4j.cli;

import io.dgm4j.data.Dataset;
import io.dgm4j.evaluation.Features;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.models.Encoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes an encoder's features of every example to a CSV (representation learning). */
@Command(name = "embed", description = {
    "Write the features of every example (an autoencoder's code, a VAE's posterior mean) to a"
        + " CSV: a header index,label,z0,z1,... then one row per example.",
    "The data is preprocessed as the run's own test set (e.g. binarized with the fixed seed)."})
final class EmbedCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Mixin Options.Data data;

  @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT",
      description = "test or train (default: ${DEFAULT-VALUE}).")
  String split;

  @Mixin Options.Out out;

  @Mixin Options.Force force;

  @Mixin Options.Checkpoint checkpoint;

  @Mixin Options.DataDir dataDir;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (LoadedRun loaded = new LoadedRun(run.folder, checkpoint.which, engine.device, spec)) {
      List<Path> inputs = new ArrayList<>(loaded.inputFiles());
      inputs.addAll(data.inputFiles(dataDir.home()));
      Path file = force.writable("--out", out.path, inputs);
      Dataset prepared = loaded.preparedSplit(data.required(), split, dataDir.home());
      Dataset features = Features.encode(loaded.encoder("embed"), prepared, 500);
      int l = features.dimension();
      StringBuilder csv = new StringBuilder("index,label");
      for (int j = 0; j < l; j++) {
        csv.append(",z").append(j);
      }
      csv.append('\n');
      for (int i = 0; i < features.size(); i++) {
        csv.append(i).append(',').append(features.hasLabels() ? features.labels()[i] : "");
        for (int j = 0; j < l; j++) {
          csv.append(',').append(features.get(i, j));
        }
        csv.append('\n');
      }
      AtomicFiles.writeString(file, csv.toString());
      spec.commandLine().getOut().printf("%,d examples of %s (%s) -> %d features each -> %s%n",
          features.size(), prepared.name(), split, l, file);
      return 0;
    }
  }
}
