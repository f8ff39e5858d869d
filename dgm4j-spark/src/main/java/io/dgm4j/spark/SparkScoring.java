package io.dgm4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Reading inputs and writing scores for {@code dgm spark-score}: the format follows the file
 * name — {@code .parquet} (an array column of features) or {@code .csv} (a header row; every
 * numeric column not kept as an identifier is a feature, in file order) — and the output is a
 * folder of part files with a header row (CSV) or Parquet, holding the identifier columns, the
 * score and {@code dgm_error}.
 */
public final class SparkScoring {
  private SparkScoring() {}

  /** What one scoring job did. */
  public record Result(long rows, long scored, long rejected, String scoreColumn,
      double seconds) {}

  /** A local or cluster session with Spark's console logging kept to warnings. */
  public static SparkSession session(String master) {
    org.apache.logging.log4j.core.config.Configurator.setRootLevel(
        org.apache.logging.log4j.Level.WARN);
    SparkSession.Builder b = SparkSession.builder().appName("dgm spark-score")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4");
    if (master != null) {
      b = b.master(master);
    }
    return b.getOrCreate();
  }

  /**
   * Scores {@code input} with the run and writes {@code output}.
   *
   * @param features the array column of a Parquet input (ignored for CSV)
   * @param keep CSV columns kept as identifiers rather than features
   * @param device where each executor's model lives
   * @param replace whether an existing output folder may be replaced
   */
  public static Result run(SparkSession spark, Path run, Path input, Path output,
      String features, Set<String> keep, String device, boolean replace) {
    long start = System.nanoTime();
    String in = input.toString();
    Dataset<Row> frame;
    String featureColumn;
    List<Column> carried = new ArrayList<>();
    if (in.endsWith(".parquet")) {
      frame = spark.read().parquet(in);
      if (!Arrays.asList(frame.columns()).contains(features)) {
        throw new IllegalArgumentException(input + " has no column '" + features + "'; its"
            + " columns are " + String.join(", ", frame.columns()) + " (name the feature array"
            + " with --features)");
      }
      featureColumn = features;
      for (String c : frame.columns()) {
        if (!c.equals(features)) {
          carried.add(functions.col(c));
        }
      }
    } else if (in.endsWith(".csv")) {
      frame = spark.read().option("header", "true").option("inferSchema", "true").csv(in);
      List<Column> values = new ArrayList<>();
      for (StructField f : frame.schema().fields()) {
        if (keep.contains(f.name())) {
          carried.add(functions.col(f.name()));
        } else if (f.dataType() instanceof NumericType) {
          values.add(functions.col(f.name()).cast("float"));
        } else {
          throw new IllegalArgumentException(input + ": column '" + f.name() + "' is not"
              + " numeric; keep it as an identifier with --keep " + f.name());
        }
      }
      featureColumn = "__dgm_features";
      frame = frame.withColumn(featureColumn, functions.array(values.toArray(Column[]::new)));
    } else {
      throw new IllegalArgumentException("--input must end in .parquet or .csv, got " + input);
    }
    if (Files.exists(output) && !replace) {
      throw new IllegalArgumentException(output + " already exists; choose another --output");
    }
    DgmScorer scorer = new DgmScorer(run, device);
    String column = scorer.scoreColumn();
    Dataset<Row> scored = scorer.score(frame, featureColumn);
    carried.add(functions.col(column));
    carried.add(functions.col(DgmScorer.ERROR_COLUMN));
    Dataset<Row> result = scored.select(carried.toArray(Column[]::new)).cache();
    long rows = result.count();
    long rejected = result.filter(functions.col(DgmScorer.ERROR_COLUMN).isNotNull()).count();
    String out = output.toString();
    var writer = result.write().mode(replace ? "overwrite" : "errorifexists");
    if (out.endsWith(".parquet")) {
      writer.parquet(out);
    } else {
      writer.option("header", "true").csv(out);
    }
    result.unpersist();
    return new Result(rows, rows - rejected, rejected, column,
        (System.nanoTime() - start) / 1e9);
  }
}
