package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.ImageFolder;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.data.Validation;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.ExampleScores;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.GenerativeModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** log p(x) of every example of a dataset under a trained run (density estimation, anomalies). */
@Command(name = "score", description = {
    "Write log p(x) per example to a CSV: low values are unlikely under the model (anomalies).",
    "Energy models write f(x) = -E(x), an unnormalized log-density (log Z unknown), which ranks"
        + " examples the same way.",
    "Columns: index (0-based, among the data rows of the example's file), split (when several"
        + " are scored), label (when the data has labels), log_prob_nats, bits_per_dim.",
    "A folder of pictures gives one row per readable file, sorted by its path: index, path"
        + " (relative to the folder), split, label (by the run's class names), log_prob_nats,"
        + " bits_per_dim; the pictures are read at the run's image size and channels.",
    "The data is preprocessed as the run's own test set (e.g. binarized with the fixed seed)."
        + " For a real-valued model of 8-bit pixels (dequantized) log_prob_nats is that of the"
        + " 8-bit pixels, log p(y) - D ln 256: the figure `dgm eval` reports."})
final class ScoreCommand implements Callable<Integer> {
  @Mixin Options.Run run;

  @Mixin Options.Seed seed;

  @Mixin Options.Data data;

  @Mixin Options.DataDir dataDir;

  @Option(names = "--split", paramLabel = "WHICH",
      description = "test, train or all (default: all for a .csv file or a folder of pictures,"
          + " else test). A .csv file's last 10%% of rows are its test split.")
  String split;

  @Mixin ImageOptions.Strict strictness;

  @Mixin Options.Out out;

  @Mixin Options.Force force;

  @Mixin Options.BatchSize batch;

  @Mixin Options.Checkpoint checkpoint;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String dataSpec = data.required();
    if (split != null && !List.of("test", "train", "all").contains(split)) {
      throw Options.usage(spec, "--split must be test, train or all, got " + split);
    }
    try (LoadedRun loaded = new LoadedRun(run.folder, checkpoint.which, engine.device, spec)) {
      Engines.seed(seed.seed); // importance samples: the same command gives the same scores
      List<Path> inputs = new ArrayList<>(loaded.inputFiles());
      inputs.addAll(data.inputFiles(dataDir.home()));
      Path file = force.writable("--out", out.path, inputs);
      GenerativeModel model = loaded.model;
      String logZNote = null;
      if (model instanceof EnergyModel energy) {
        // the log Z `dgm eval` estimated for this checkpoint, if any, makes -E(x) a log p(x)
        logZNote = LogPartitions.resolveCached(loaded, energy).map(z -> String.format(
            "log Z = %.3f ± %.3f by %s%s", z.logZ().value(), z.logZ().standardError(),
            z.logZ().method(), z.cachedIn() == null ? "" : " (" + z.runs() + " runs, "
                + z.betas() + " β, from " + z.cachedIn() + ")"))
            .orElse("log Z not known for this checkpoint: run `dgm eval --run " + run.folder
                + "` to estimate it by AIS, then score again for log p(x)");
      }
      if (ExampleScores.columnFor(model) == null) {
        throw Options.usage(spec, loaded.info.model().family() + " has no per-example score:"
            + " neither a log-likelihood, an estimate of one, nor an energy (ncsn models only"
            + " the score ∇x log p(x), which cannot rank examples); `dgm score` needs a model"
            + " with one (e.g. ebm, maf, vae, made)");
      }
      ObjectNode runData = loaded.info.data();
      DataSources.DataSplits source = Sources.resolve(dataSpec, dataDir.home(),
          pictureOptions(loaded), spec.commandLine().getErr());
      ImageFolder.Images images = source.images();
      String which = split != null ? split
          : dataSpec.endsWith(".csv") || images != null ? "all" : "test";
      Preprocessing prep = RunData.preprocessingOf(runData);
      RunData.requireSameKindOfValues(dataSpec, source, prep);
      // a single .csv file: the test rows follow the training rows in the file
      boolean oneFile = dataSpec.endsWith(".csv");
      List<String> splits = which.equals("all") ? List.of("train", "test") : List.of(which);
      String column = ExampleScores.columnFor(model);
      boolean likelihood = ExampleScores.isLogLikelihood(column);
      List<String> runClasses = RunData.classesOf(runData);
      int dimension = model.dimension();
      String meaning = "";
      List<Row> rows = new ArrayList<>();
      for (String s : splits) {
        Dataset raw = s.equals("train") ? source.train() : source.test();
        int firstIndex = oneFile && s.equals("test") ? source.train().size() : 0;
        Validation.requireDimension(raw, dimension);
        if (raw.size() == 0) {
          continue;
        }
        ExampleScores.Scored scored = ExampleScores.ofRaw(model, raw, prep, batch.size);
        meaning = scored.meaning();
        double[] values = scored.values();
        List<String> paths = images == null ? null
            : s.equals("train") ? images.trainPaths() : images.testPaths();
        for (int i = 0; i < values.length; i++) {
          rows.add(new Row(firstIndex + i, paths == null ? null : paths.get(i), s,
              label(raw, i, images, runClasses), values[i]));
        }
      }
      if (rows.isEmpty()) {
        throw new IllegalArgumentException(dataSpec + ": no examples in the " + which
            + " split" + (which.equals("all") ? "s" : "") + "; nothing to score");
      }
      if (images != null) {
        // one order whatever the split: by path, indexed from 0 in that order
        rows.sort(Comparator.comparing(Row::path));
        for (int i = 0; i < rows.size(); i++) {
          rows.set(i, rows.get(i).withIndex(i));
        }
      }
      boolean labels = source.train().hasLabels();
      StringBuilder csv = new StringBuilder("index" + (images != null ? ",path" : "")
          + (splits.size() > 1 ? ",split" : "") + (labels ? ",label" : "") + "," + column
          + (likelihood ? ",bits_per_dim" : "") + "\n");
      double[] all = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        all[i] = r.score();
        csv.append(r.index());
        if (images != null) {
          csv.append(',').append(csvField(r.path()));
        }
        if (splits.size() > 1) {
          csv.append(',').append(r.split());
        }
        if (labels) {
          csv.append(',').append(r.label());
        }
        csv.append(',').append(r.score());
        if (likelihood) {
          csv.append(',').append(-r.score() / (dimension * Math.log(2)));
        }
        csv.append('\n');
      }
      AtomicFiles.writeString(file, csv.toString());
      LikelihoodEvaluator.Report r = LikelihoodEvaluator.summarize(all, dimension);
      var console = spec.commandLine().getOut();
      console.printf("scored %,d examples of %s (%s) -> %s%n", r.examples(), source.name(),
          which.equals("all") ? "all rows" : which + " split", file);
      console.printf("  %s: %s%n", column, meaning);
      if (logZNote != null) {
        console.printf("  %s%n", logZNote);
      }
      if (likelihood) {
        console.printf("  mean NLL %.2f nats, %.4f bits/dim%n", r.nllNats(), r.bitsPerDim());
      }
      return 0;
    }
  }

  /**
   * How to read a folder of pictures for this run: at the size and channels it was trained
   * with — from run.json for a run on pictures, else from its item shape (an MNIST run reads
   * pictures as 28x28 grey) — and with this command's --strict.
   */
  private ImageFolder.Options pictureOptions(LoadedRun loaded) {
    ImageFolder.Options o = RunData.imageOptionsOf(loaded.info.data())
        .withStrict(strictness.strict);
    int[] shape = loaded.info.model().itemShape();
    if (o.height() == 0 && (shape.length == 2 || (shape.length == 3 && shape[2] == 3))) {
      o = new ImageFolder.Options(shape[0], shape[1], shape.length == 2 ? 1 : 3, o.strict(),
          o.splitSeed());
    }
    return o;
  }

  /** One scored example: its score is the model's column (log p(x), an estimate, -E(x)). */
  private record Row(int index, String path, String split, String label, double score) {
    Row withIndex(int i) {
      return new Row(i, path, split, label, score);
    }
  }

  /**
   * The label column: for pictures in class subfolders, the class's label in the run (its
   * position among the run's classes; empty for a class the run never saw), or the folder's
   * own numbering when the run had no classes; for other data, the label as stored.
   */
  private static String label(Dataset raw, int i, ImageFolder.Images images,
      List<String> runClasses) {
    if (!raw.hasLabels()) {
      return "";
    }
    int own = raw.labels()[i];
    if (images == null || runClasses.isEmpty()) {
      return Integer.toString(own);
    }
    int inRun = runClasses.indexOf(images.classes().get(own));
    return inRun < 0 ? "" : Integer.toString(inRun);
  }

  /** A path as a CSV field, quoted when it holds a comma, a quote or a line break. */
  static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0
        && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
