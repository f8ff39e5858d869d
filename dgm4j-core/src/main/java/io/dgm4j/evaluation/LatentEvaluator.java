package io.dgm4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.Batch;
import io.dgm4j.models.Conditional;
import io.dgm4j.models.Encoder;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.LatentVariableModel;
import io.dgm4j.models.latent.Autoencoder;
import io.dgm4j.models.latent.VariationalModel;
import java.util.function.IntConsumer;

/**
 * Evaluates a latent-variable model on a dataset as the IWAE paper reports it (Burda et al.,
 * 2016): the k-sample importance-weighted estimate of log p(x) (the NLL these models report, k
 * stated), the negative ELBO (an upper bound on the NLL), its two terms, and the number of active
 * latent units.
 *
 * <p>Memory grows with k × examples × D, so the k samples of one pass are split into chunks of at
 * most {@code rowsPerPass} (example, sample) rows; the estimate of the pooled samples is the
 * log-mean-exp of all weights: log (1/k) Σ_j c_j exp(L_j), with L_j the estimate of chunk j of
 * c_j samples. With k = 5,000 one example goes through in chunks of {@code rowsPerPass} samples.
 */
public final class LatentEvaluator {
  /** Posterior-mean variance above which a latent dimension counts as active (Burda et al.). */
  public static final double ACTIVE_UNIT_THRESHOLD = 0.01;

  private final int importanceSamples;
  private final int rowsPerPass;

  /**
   * @param importanceSamples k, at least 1
   * @param rowsPerPass the most (example, sample) pairs sent through the networks at once
   */
  public LatentEvaluator(int importanceSamples, int rowsPerPass) {
    if (importanceSamples < 1) {
      throw new IllegalArgumentException("--importance-samples must be at least 1, got "
          + importanceSamples);
    }
    if (rowsPerPass < 1) {
      throw new IllegalArgumentException("rows per pass must be at least 1, got " + rowsPerPass);
    }
    this.importanceSamples = importanceSamples;
    this.rowsPerPass = rowsPerPass;
  }

  /**
   * The figures, means over examples, in nats.
   *
   * @param nllNats −(k-sample importance-weighted estimate of log p(x))
   * @param standardError the standard error of {@code nllNats} over examples
   * @param negElboNats −ELBO (≥ the NLL in expectation)
   * @param klNats KL(q(z|x) || p(z)) (given the true label for conditional models)
   * @param reconstructionNats −E_q log p(x | z) (likewise)
   * @param activeUnits latent dimensions whose posterior mean varies over the data by more than
   *     {@link #ACTIVE_UNIT_THRESHOLD}
   */
  public record Report(int examples, int dimension, int importanceSamples, double nllNats,
      double standardError, double negElboNats, double klNats, double reconstructionNats,
      int activeUnits, int latentDimension) {
    public double bitsPerDim() {
      return nllNats / (dimension * Math.log(2));
    }
  }

  /** Evaluates {@code model} on {@code data}. */
  public Report evaluate(LatentVariableModel model, Dataset data) {
    return evaluate(model, data, done -> { });
  }

  /**
   * Evaluates {@code model} on {@code data}, telling {@code progress} how many examples have
   * their importance-sampled estimate after each pass (the bulk of the work).
   */
  public Report evaluate(LatentVariableModel model, Dataset data, IntConsumer progress) {
    requireDimension(model.dimension(), data);
    double[] logProbs = logProbEstimates(model, data, progress);
    double negElbo = 0;
    double kl = 0;
    double reconstruction = 0;
    int batch = 500;
    for (int start = 0; start < data.size(); start += batch) {
      int n = Math.min(batch, data.size() - start);
      try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
        NDArray x = rows(m, data, start, n);
        if (model instanceof VariationalModel v) {
          Batch b = new Batch(x, labels(m, data, start, n));
          VariationalModel.ElboTerms terms = v.elboTerms(b);
          kl += terms.kl().sum().getFloat();
          reconstruction -= terms.reconstruction().sum().getFloat();
          negElbo -= (model instanceof Conditional ? model.elbo(x) : terms.elbo()).sum()
              .getFloat();
        } else {
          negElbo -= model.elbo(x).sum().getFloat();
          kl = Double.NaN;
          reconstruction = Double.NaN;
        }
      }
    }
    LikelihoodEvaluator.Report r = LikelihoodEvaluator.summarize(logProbs, data.dimension());
    int size = Math.max(1, data.size());
    return new Report(data.size(), data.dimension(), importanceSamples, r.nllNats(),
        r.standardError(), negElbo / size, kl / size, reconstruction / size,
        activeUnits(model, data), model.latentDimension());
  }

  /** The k-sample estimate of log p(x) per example, in dataset order, k split into chunks. */
  public double[] logProbEstimates(LatentVariableModel model, Dataset data) {
    return logProbEstimates(model, data, done -> { });
  }

  /**
   * {@link #logProbEstimates(LatentVariableModel, Dataset)}, telling {@code progress} how many
   * examples are done after each pass.
   */
  public double[] logProbEstimates(LatentVariableModel model, Dataset data,
      IntConsumer progress) {
    requireDimension(model.dimension(), data);
    int chunk = Math.min(importanceSamples, rowsPerPass);
    int examplesPerPass = Math.max(1, rowsPerPass / chunk);
    double[] out = new double[data.size()];
    for (int start = 0; start < data.size(); start += examplesPerPass) {
      int n = Math.min(examplesPerPass, data.size() - start);
      double[] pooled = new double[n];
      java.util.Arrays.fill(pooled, Double.NEGATIVE_INFINITY);
      for (int done = 0; done < importanceSamples; done += chunk) {
        int c = Math.min(chunk, importanceSamples - done);
        float[] estimate;
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
          estimate = model.logProbEstimate(rows(m, data, start, n), c).toFloatArray();
        }
        for (int i = 0; i < n; i++) {
          pooled[i] = logAddExp(pooled[i], estimate[i] + Math.log(c));
        }
      }
      for (int i = 0; i < n; i++) {
        out[start + i] = pooled[i] - Math.log(importanceSamples);
      }
      progress.accept(start + n);
    }
    return out;
  }

  /**
   * An autoencoder's mean reconstruction error −log p(x | decode(encode(x))) over {@code data}, in
   * nats per example, and its standard error (it has no likelihood to report).
   */
  public static LikelihoodEvaluator.Report reconstructionError(Autoencoder model, Dataset data) {
    requireDimension(model.dimension(), data);
    double[] negated = new double[data.size()];
    for (int start = 0; start < data.size(); start += 500) {
      int n = Math.min(500, data.size() - start);
      try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
        float[] e = model.reconstructionError(rows(m, data, start, n)).toFloatArray();
        for (int i = 0; i < n; i++) {
          negated[start + i] = -e[i];
        }
      }
    }
    return LikelihoodEvaluator.summarize(negated, data.dimension());
  }

  /**
   * The number of latent dimensions j with Var_x(E_q[z_j | x]) > {@link #ACTIVE_UNIT_THRESHOLD}
   * over {@code data}: dimensions the encoder does not use (posterior collapse) have a posterior
   * mean that does not move with x.
   */
  public static <M extends GenerativeModel & Encoder> int activeUnits(M encoder, Dataset data) {
    Dataset features = Features.encode(encoder, data, 500);
    int l = encoder.latentDimension();
    int n = features.size();
    int active = 0;
    for (int j = 0; j < l; j++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += features.get(i, j);
      }
      mean /= n;
      double var = 0;
      for (int i = 0; i < n; i++) {
        var += (features.get(i, j) - mean) * (features.get(i, j) - mean);
      }
      if (var / Math.max(1, n - 1) > ACTIVE_UNIT_THRESHOLD) {
        active++;
      }
    }
    return active;
  }

  private static double logAddExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    double max = Math.max(a, b);
    return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
  }

  static void requireDimension(int modelDimension, Dataset data) {
    if (data.dimension() != modelDimension) {
      throw new IllegalArgumentException(data.name() + ": " + data.dimension()
          + " values per example, but the model was trained on " + modelDimension);
    }
  }

  static NDArray rows(NDManager m, Dataset data, int start, int n) {
    int d = data.dimension();
    return SharedMemory.tensor(m, data.values(), start * d, n * d, new Shape(n, d));
  }

  static NDArray labels(NDManager m, Dataset data, int start, int n) {
    return data.hasLabels()
        ? m.create(java.util.Arrays.copyOfRange(data.labels(), start, start + n)) : null;
  }
}
