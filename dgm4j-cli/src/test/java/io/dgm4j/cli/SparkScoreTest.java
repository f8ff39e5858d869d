package io.dgm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dgm4j.data.Dataset;
import io.dgm4j.data.IdxWriter;
import io.dgm4j.spark.DgmScorer;
import io.dgm4j.spark.ExecutorModels;
import io.dgm4j.spark.SparkScoring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scoring on Spark in local mode agrees with `dgm score`, row by row. */
class SparkScoreTest {
  @TempDir static Path dir;
  static Path run;
  static Dataset test;
  static Map<Integer, Double> expected = new HashMap<>();
  static SparkSession spark;

  @BeforeAll
  static void trainAndScoreLocally() throws Exception {
    Path data = dir.resolve("bars");
    Dataset train = CliTest.bars(600, 1, 6);
    test = CliTest.bars(100, 2, 6);
    IdxWriter.writeImages(data.resolve("train-images-idx3-ubyte"), train);
    IdxWriter.writeLabels(data.resolve("train-labels-idx1-ubyte"), train.labels());
    IdxWriter.writeImages(data.resolve("t10k-images-idx3-ubyte"), test);
    IdxWriter.writeLabels(data.resolve("t10k-labels-idx1-ubyte"), test.labels());
    run = dir.resolve("run");
    CliTest.Run r = CliTest.dgm("train", "--model", "fvsbn", "--data",
        data.toAbsolutePath().toString(), "--epochs", "2", "--lr", "0.05", "--out",
        run.toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    Path scores = dir.resolve("scores.csv");
    r = CliTest.dgm("score", "--run", run.toString(), "--data", data.toAbsolutePath().toString(),
        "--out", scores.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(scores);
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",");
      expected.put(Integer.parseInt(cells[0]), Double.parseDouble(cells[2]));
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void dataFrameScoresEqualDgmScoreAndBadRowsAreReported() {
    StructType schema = new StructType().add("index", DataTypes.IntegerType)
        .add("features", DataTypes.createArrayType(DataTypes.DoubleType), true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < test.size(); i++) {
      List<Double> values = new ArrayList<>();
      for (int j = 0; j < test.dimension(); j++) {
        values.add((double) test.get(i, j));
      }
      rows.add(RowFactory.create(i, values));
    }
    rows.add(RowFactory.create(-1, List.of(1.0, 2.0)));                 // wrong length
    List<Double> outOfRange = new ArrayList<>(java.util.Collections.nCopies(36, 0.0));
    outOfRange.set(7, 300.0);
    rows.add(RowFactory.create(-2, outOfRange));                        // not a pixel
    rows.add(RowFactory.create(-3, null));                              // missing
    spark = SparkScoring.session("local[2]"); // the command test stops the shared session
    int loadsBefore = ExecutorModels.loads();
    List<Row> out = new DgmScorer(run).score(spark.createDataFrame(rows, schema)
        .repartition(3), "features").collectAsList();
    assertThat(out).hasSize(103);
    int checked = 0;
    for (Row r : out) {
      int index = r.getInt(0);
      if (index >= 0) {
        assertThat(r.isNullAt(3)).as("error of row %d: %s", index, r.get(3)).isTrue();
        assertThat(r.getDouble(2)).as("row %d", index).isCloseTo(expected.get(index),
            within(1e-4));
        checked++;
      } else {
        assertThat(r.isNullAt(2)).isTrue();
        assertThat(r.getString(3)).isNotBlank();
      }
    }
    assertThat(checked).isEqualTo(100);
    // three partitions in one JVM (and possibly the command test before): one load in all
    assertThat(ExecutorModels.loads()).isEqualTo(1);
    assertThat(loadsBefore).isBetween(0, 1);
  }

  @Test
  void commandScoresACsvIntoAFolderOfPartFiles() throws Exception {
    Path csv = dir.resolve("rows.csv");
    StringBuilder sb = new StringBuilder("index");
    for (int j = 0; j < test.dimension(); j++) {
      sb.append(",p").append(j);
    }
    sb.append('\n');
    for (int i = 0; i < 40; i++) {
      sb.append(i);
      for (int j = 0; j < test.dimension(); j++) {
        sb.append(',').append((int) test.get(i, j));
      }
      sb.append('\n');
    }
    Files.writeString(csv, sb.toString());
    Path output = dir.resolve("scored.csv");
    CliTest.Run r = CliTest.dgm("spark-score", "--run", run.toString(), "--input",
        csv.toString(), "--output", output.toString(), "--keep", "index");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("scored 40 of 40 rows");
    List<String> lines = new ArrayList<>();
    try (Stream<Path> parts = Files.list(output)) {
      for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        List<String> l = Files.readAllLines(p);
        assertThat(l.get(0)).isEqualTo("index,log_prob_nats,dgm_error");
        lines.addAll(l.subList(1, l.size()));
      }
    }
    assertThat(lines).hasSize(40);
    for (String line : lines) {
      String[] cells = line.split(",", -1);
      assertThat(Double.parseDouble(cells[1])).isCloseTo(expected.get(Integer.parseInt(
          cells[0])), within(1e-4));
    }
    CliTest.Run again = CliTest.dgm("spark-score", "--run", run.toString(), "--input",
        csv.toString(), "--output", output.toString(), "--keep", "index");
    assertThat(again.code()).isNotZero();
    assertThat(again.err()).contains("exists; pass --force");
  }
}
