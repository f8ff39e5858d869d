package io.dgm4j.cli;

import io.dgm4j.spark.SparkScoring;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Scores a Parquet or CSV file on Apache Spark with a trained run. */
@Command(name = "spark-score", description = {
    "Score every row of a .parquet or .csv file, or every picture of a folder, on Apache Spark (local mode by default) with"
        + " a trained run; writes a folder of part files with the score per row.",
    "Rows are preprocessed as the run's test set (e.g. 0..255 pixels binarized with its fixed"
        + " seed); bad rows get no score and a reason in dgm_error instead of failing the job.",
    "On a cluster: spark-submit --class io.dgm4j.cli.Dgm (the dgm4j jars and their classpath)"
        + " spark-score --master yarn ...; the run folder must be on a shared file system."})
final class SparkScoreCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin Options.Run run;

  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "A .parquet file (with an array column of features), a .csv file with a"
          + " header row, or a folder of pictures (decoded at the run's image size).")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Where to write: a .parquet or .csv folder of part files (replaced only"
          + " with --force; never one of the inputs).")
  Path output;

  @Option(names = "--master", defaultValue = "local[2]", paramLabel = "URL",
      description = "Spark master (default: ${DEFAULT-VALUE}; e.g. yarn, spark://host:7077).")
  String master;

  @Option(names = "--features", defaultValue = "features", paramLabel = "COLUMN",
      description = "Parquet input: the array column holding each row's values (default:"
          + " ${DEFAULT-VALUE}).")
  String features;

  @Option(names = "--keep", split = ",", paramLabel = "COLUMN",
      description = "CSV input: columns carried to the output as identifiers, not features"
          + " (comma-separated).")
  List<String> keep;

  @picocli.CommandLine.Mixin Options.Engine engine;

  @picocli.CommandLine.Mixin Options.Force force;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String out = output.toString();
    if (!out.endsWith(".parquet") && !out.endsWith(".csv")) {
      throw Options.usage(spec, "--output must end in .parquet or .csv, got " + output);
    }
    String in = input.toString();
    if (!java.nio.file.Files.exists(input)) {
      throw Options.usage(spec, "--input " + input + " does not exist");
    }
    if (!java.nio.file.Files.isDirectory(input) && !in.endsWith(".parquet")
        && !in.endsWith(".csv")) {
      throw Options.usage(spec, "--input must be a .parquet or .csv file or a folder of"
          + " pictures, got " + input);
    }
    if (output.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())
        || output.toAbsolutePath().normalize().equals(run.folder.toAbsolutePath().normalize())) {
      throw Options.usage(spec, "--output " + output + " is one of this command's inputs and"
          + " is never overwritten, even with --force; choose another folder");
    }
    if (java.nio.file.Files.exists(output) && !force.force) {
      throw Options.usage(spec, "--output " + output + " exists; pass --force to replace it or"
          + " choose another folder");
    }
    SparkSession spark = SparkScoring.session(master);
    try {
      SparkScoring.Result r = SparkScoring.run(spark, run.folder, input, output, features,
          keep == null ? java.util.Set.of() : new LinkedHashSet<>(keep), engine.device,
          force.force);
      spec.commandLine().getOut().printf("scored %,d of %,d rows (%,d rejected, see dgm_error)"
          + " with %s in %.1f s (%,.0f rows/s) on %s -> %s%n", r.scored(), r.rows(),
          r.rejected(), r.scoreColumn(), r.seconds(), r.rows() / r.seconds(), master, output);
      return 0;
    } finally {
      spark.stop();
    }
  }
}
