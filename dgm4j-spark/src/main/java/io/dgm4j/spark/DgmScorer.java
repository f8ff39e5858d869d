package io.dgm4j.spark;

import io.dgm4j.training.RunDirectory;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a Spark DataFrame with a trained dgm4j run: each row's feature array (raw values, as
 * in the run's data source — e.g. 0..255 pixels for an MNIST run) gets the model's score in a
 * new column ({@code log_prob_nats} for density models).
 *
 * <p>How it scales out: per <b>row</b>, only copying its values into a batch; per
 * <b>partition</b>, batches of {@link #BATCH} rows through the engine (the run's preprocessing,
 * then one forward pass per batch); per <b>executor JVM</b>, one model, loaded from the run's
 * best checkpoint by the first partition that needs it ({@link ExecutorModels}) — so the run
 * folder must be readable at the same path on every executor (a shared file system). Only the
 * path is shipped with the task.
 *
 * <p>Bad rows do not fail the job: a row whose array is null, of the wrong length or holds a
 * non-finite or out-of-range value gets a null score and its problem in {@code dgm_error}.
 */
public final class DgmScorer implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Rows per engine batch inside a partition. */
  public static final int BATCH = 512;
  /** The column that explains rows left unscored. */
  public static final String ERROR_COLUMN = "dgm_error";

  private final String runFolder;
  private final String device;

  /**
   * A scorer for the run in {@code runFolder} (checked to be a run now, on the driver), with
   * the models on {@code device} in every executor ({@code cpu}, {@code gpu}, {@code gpu:N}).
   */
  public DgmScorer(Path runFolder, String device) {
    new RunDirectory(runFolder).readInfo();
    this.runFolder = runFolder.toAbsolutePath().normalize().toString();
    this.device = device;
  }

  /** A scorer on the CPU. */
  public DgmScorer(Path runFolder) {
    this(runFolder, "cpu");
  }

  /** The name of the score column this run produces (loads the model on the driver once). */
  public String scoreColumn() {
    return ExecutorModels.get(runFolder, device).scoreColumn;
  }

  /**
   * {@code input} with two columns added: the score and {@link #ERROR_COLUMN}.
   *
   * @param featuresColumn an array column of numbers, one array of D values per row
   */
  public Dataset<Row> score(Dataset<Row> input, String featuresColumn) {
    StructType schema = input.schema();
    int index = schema.fieldIndex(featuresColumn);
    StructField field = schema.fields()[index];
    if (!(field.dataType() instanceof ArrayType array)
        || !(array.elementType() instanceof NumericType)) {
      throw new IllegalArgumentException("column " + featuresColumn + " must be an array of"
          + " numbers, but is " + field.dataType().simpleString());
    }
    String column = scoreColumn();
    StructType out = schema.add(column, DataTypes.DoubleType, true)
        .add(ERROR_COLUMN, DataTypes.StringType, true);
    String run = runFolder;
    String on = device;
    MapPartitionsFunction<Row, Row> scorePartition = rows -> new PartitionScorer(
        ExecutorModels.get(run, on), rows, index);
    return input.mapPartitions(scorePartition, Encoders.row(out));
  }

  /** Scores a partition lazily, a batch at a time. */
  private static final class PartitionScorer implements Iterator<Row> {
    private final ExecutorModels.Loaded model;
    private final Iterator<Row> rows;
    private final int featureIndex;
    private final int dimension;
    private final List<Row> ready = new ArrayList<>();
    private int next;

    PartitionScorer(ExecutorModels.Loaded model, Iterator<Row> rows, int featureIndex) {
      this.model = model;
      this.rows = rows;
      this.featureIndex = featureIndex;
      this.dimension = io.dgm4j.models.ModelRegistry.product(model.itemShape);
    }

    @Override
    public boolean hasNext() {
      if (next < ready.size()) {
        return true;
      }
      ready.clear();
      next = 0;
      if (!rows.hasNext()) {
        return false;
      }
      fillBatch();
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return ready.get(next++);
    }

    private void fillBatch() {
      List<Row> batch = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      List<Integer> good = new ArrayList<>();
      float[] values = new float[BATCH * dimension];
      while (rows.hasNext() && batch.size() < BATCH) {
        Row row = rows.next();
        String error = copy(row, values, good.size() * dimension);
        if (error == null) {
          good.add(batch.size());
        }
        batch.add(row);
        errors.add(error);
      }
      Double[] scores = new Double[batch.size()];
      if (!good.isEmpty()) {
        try {
          double[] s = model.score(java.util.Arrays.copyOf(values, good.size() * dimension),
              good.size());
          for (int k = 0; k < good.size(); k++) {
            scores[good.get(k)] = s[k];
          }
        } catch (RuntimeException batchError) {
          // the run's preprocessing rejected something (e.g. a pixel outside 0..255): score
          // row by row so only the bad rows go unscored, each with its reason
          for (int k = 0; k < good.size(); k++) {
            float[] one = java.util.Arrays.copyOfRange(values, k * dimension,
                (k + 1) * dimension);
            try {
              scores[good.get(k)] = model.score(one, 1)[0];
            } catch (RuntimeException e) {
              errors.set(good.get(k), "rejected by the run's preprocessing: " + e.getMessage());
            }
          }
        }
      }
      for (int i = 0; i < batch.size(); i++) {
        Row row = batch.get(i);
        Object[] cells = new Object[row.length() + 2];
        for (int c = 0; c < row.length(); c++) {
          cells[c] = row.get(c);
        }
        cells[row.length()] = scores[i];
        cells[row.length() + 1] = errors.get(i);
        ready.add(RowFactory.create(cells));
      }
    }

    /** Copies a row's features into {@code values} at {@code offset}; null, or the problem. */
    private String copy(Row row, float[] values, int offset) {
      if (row.isNullAt(featureIndex)) {
        return "no features (null)";
      }
      List<Object> list = row.getList(featureIndex);
      if (list.size() != dimension) {
        return list.size() + " values; the run's model takes " + dimension;
      }
      for (int j = 0; j < dimension; j++) {
        Object v = list.get(j);
        if (v == null) {
          return "value " + j + " is null";
        }
        float f = ((Number) v).floatValue();
        if (!Float.isFinite(f)) {
          return "value " + j + " is " + f;
        }
        values[offset + j] = f;
      }
      return null;
    }
  }
}
