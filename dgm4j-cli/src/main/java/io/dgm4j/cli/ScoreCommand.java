package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.ImageFolder;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.data.Validation;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.models.DensityModel;
import io.dgm4j.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** log p(x) of every example of a dataset under a trained run (density estimation, anomalies). */
@Command(name = "score", description = {
    "Write log p(x) per example to a CSV: low values are unlikely under the model (anomalies).",
    "The data is preprocessed as the run's own test set (e.g. binarized with the fixed seed).",
    "A folder of pictures gives one row per readable file, sorted by its path relative to the"
        + " folder (index,path,label,log_prob_nats,bits_per_dim), read at the run's image size"
        + " and channels."})
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR") Path run;

  @Option(names = "--data", required = true, paramLabel = "SPEC",
      description = "mnist, fashion-mnist, a folder of IDX files, a folder of pictures (flat, one"
          + " subfolder per class, or train/ and test/), or a .csv file.")
  String data;

  @Option(names = "--split", paramLabel = "NAME",
      description = "test, train or all (default: all for a folder of pictures, else test).")
  String split;

  @Option(names = "--strict",
      description = "Picture folders: refuse a damaged or unreadable picture (default: skip it,"
          + " name it and count it).")
  boolean strict;

  @Option(names = "--out", required = true, paramLabel = "FILE") Path out;

  @Option(names = "--batch-size", defaultValue = "500") int batchSize;

  @Mixin Dgm.Common common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (LoadedRun loaded = new LoadedRun(run, "best", common.device)) {
      ObjectNode runData = loaded.info.data();
      // pictures are read at the run's size and channels, whatever the folder's own
      ImageFolder.Options imageOptions = RunData.imageOptionsOf(runData).withStrict(strict);
      if (imageOptions.height() == 0) {
        int[] shape = loaded.info.model().itemShape();
        if (shape.length == 2 || (shape.length == 3 && shape[2] == 3)) {
          imageOptions = new ImageFolder.Options(shape[0], shape[1],
              shape.length == 2 ? 1 : 3, strict, imageOptions.splitSeed());
        }
      }
      DataSources.DataSplits source = Sources.resolve(data, common.dataHome(), imageOptions,
          spec.commandLine().getErr());
      ImageFolder.Images images = source.images();
      String which = split != null ? split : images != null ? "all" : "test";
      if (!List.of("test", "train", "all").contains(which)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--split must be test, train or all, got " + which);
      }
      Preprocessing prep = RunData.preprocessingOf(runData);
      if (source.bytePixels() != prep.expectsBytePixels()) {
        throw new IllegalArgumentException(data + " holds " + (source.bytePixels()
            ? "8-bit pixels" : "real values") + " but the run was trained on "
            + (prep.expectsBytePixels() ? "8-bit pixels" : "real values"));
      }
      DensityModel model = loaded.require(DensityModel.class, "score", "exact log-likelihood");
      List<String> runClasses = RunData.classesOf(runData);
      List<Row> rows = new ArrayList<>();
      for (String part : which.equals("all") ? List.of("train", "test") : List.of(which)) {
        Dataset raw = part.equals("train") ? source.train() : source.test();
        Validation.requireDimension(raw, model.dimension());
        Dataset prepared = prep.fixed(raw, prep.testSeed(), loaded.info.model().family());
        double[] logProbs = new LikelihoodEvaluator(batchSize).logProbs(model, prepared);
        List<String> paths = images == null ? null
            : part.equals("train") ? images.trainPaths() : images.testPaths();
        for (int i = 0; i < logProbs.length; i++) {
          rows.add(new Row(paths == null ? null : paths.get(i),
              label(raw, i, images, runClasses), logProbs[i]));
        }
      }
      if (images != null) {
        rows.sort(Comparator.comparing(Row::path)); // one order whatever the split
      }
      int d = model.dimension();
      double ln2d = Math.log(2) * d;
      StringBuilder csv = new StringBuilder(images != null
          ? "index,path,label,log_prob_nats,bits_per_dim\n"
          : "index,label,log_prob_nats,bits_per_dim\n");
      double[] logProbs = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        logProbs[i] = r.logProb();
        csv.append(i).append(',');
        if (images != null) {
          csv.append(csvField(r.path())).append(',');
        }
        csv.append(r.label()).append(',').append(r.logProb()).append(',')
            .append(-r.logProb() / ln2d).append('\n');
      }
      AtomicFiles.writeString(out, csv.toString());
      LikelihoodEvaluator.Report r = LikelihoodEvaluator.summarize(logProbs, d);
      spec.commandLine().getOut().printf("scored %,d examples of %s (%s): mean NLL %.2f nats,"
          + " %.4f bits/dim -> %s%n", r.examples(), source.name(), which, r.nllNats(),
          r.bitsPerDim(), out);
      return 0;
    }
  }

  /** One scored example: its path (picture folders), its label text and log p(x). */
  private record Row(String path, String label, double logProb) {}

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
