package io.dgm4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.GenerativeModel;
import java.util.function.UnaryOperator;

/**
 * Scores a dataset under a model in minibatches: per-example log p(x), and the summary a paper
 * reports — mean negative log-likelihood in nats, its standard error, and bits per dimension
 * = NLL / (D ln 2).
 */
public final class LikelihoodEvaluator {
  private final int batchSize;

  public LikelihoodEvaluator(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /** The summary of a scored dataset. */
  public record Report(int examples, int dimension, double nllNats, double standardError) {
    /** NLL in bits per dimension: nats / (D ln 2). */
    public double bitsPerDim() {
      return nllNats / (dimension * Math.log(2));
    }
  }

  /** log p(x) in nats for every example, in dataset order. */
  public double[] logProbs(DensityModel model, Dataset data) {
    return perExample(model, data, model::logProb);
  }

  /**
   * One value per example of {@code data}: {@code f} applied to minibatches of shape (n, D) in
   * a scope of the model's manager (freed after each batch), returning shape (n).
   */
  public double[] perExample(GenerativeModel model, Dataset data,
      UnaryOperator<NDArray> f) {
    if (data.dimension() != model.dimension()) {
      throw new IllegalArgumentException(data.name() + ": " + data.dimension()
          + " values per example, but the model was trained on " + model.dimension());
    }
    double[] out = new double[data.size()];
    int d = data.dimension();
    float[] buffer = new float[batchSize * d];
    for (int start = 0; start < data.size(); start += batchSize) {
      int n = Math.min(batchSize, data.size() - start);
      data.copyRows(start, n, buffer);
      try (NDScope scope = new NDScope();
          NDManager step = model.manager().newSubManager()) {
        float[] lp = f.apply(SharedMemory.tensor(step, buffer, 0, n * d,
            new Shape(n, d))).toFloatArray();
        for (int i = 0; i < n; i++) {
          out[start + i] = lp[i];
        }
      }
    }
    return out;
  }

  /** Mean NLL, its standard error and bits/dim over {@code data}. */
  public Report evaluate(DensityModel model, Dataset data) {
    return summarize(logProbs(model, data), data.dimension());
  }

  /** The report for already-computed log-likelihoods. */
  public static Report summarize(double[] logProbs, int dimension) {
    int n = logProbs.length;
    if (n == 0) {
      throw new IllegalArgumentException("no examples to evaluate: the data set is empty");
    }
    double mean = 0;
    for (double v : logProbs) {
      mean += -v;
    }
    mean /= Math.max(n, 1);
    double var = 0;
    for (double v : logProbs) {
      var += (-v - mean) * (-v - mean);
    }
    double se = n > 1 ? Math.sqrt(var / (n - 1) / n) : Double.NaN;
    return new Report(n, dimension, mean, se);
  }
}
