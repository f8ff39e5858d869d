package io.dgm4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.LatentVariableModel;
import java.util.function.Function;

/**
 * One number per example saying how well the model explains it — higher is more typical —
 * whatever the model can compute, labelled with what it is. This is what {@code dgm score},
 * {@code dgm serve} and {@code dgm spark-score} report, and what anomaly detection ranks by.
 *
 * <ul>
 *   <li>{@code log_prob_nats}: exact log p(x) ({@link DensityModel}), or −E(x) − log Z for an
 *       {@link EnergyModel} whose log Z is known (the meaning says how it was obtained);
 *   <li>{@code log_prob_estimate_nats}: the importance-weighted estimate of log p(x) with
 *       {@link #IMPORTANCE_SAMPLES} samples ({@link LatentVariableModel}; a lower bound in
 *       expectation);
 *   <li>{@code neg_energy}: −E(x), an unnormalized log-density (an {@link EnergyModel} with no
 *       known log Z): it ranks examples, but is not comparable across models.
 * </ul>
 */
public final class ExampleScores {
  /** Importance samples per example when scoring latent-variable models. */
  public static final int IMPORTANCE_SAMPLES = 100;

  private ExampleScores() {}

  /**
   * Scores of a dataset.
   *
   * @param column the column name, e.g. {@code log_prob_nats}
   * @param meaning what the values are, in words for a header or a message
   * @param values one per example, in dataset order
   */
  public record Scored(String column, String meaning, double[] values) {}

  /** What {@link #of} reports for {@code model}, or null when it has no per-example score. */
  public static String columnFor(GenerativeModel model) {
    if (model instanceof DensityModel) {
      return "log_prob_nats";
    }
    if (model instanceof LatentVariableModel) {
      return "log_prob_estimate_nats";
    }
    if (model instanceof EnergyModel e) {
      return e.logZ().isPresent() ? "log_prob_nats" : "neg_energy";
    }
    return null;
  }

  /**
   * Scores every example of {@code data} (already preprocessed for the model).
   *
   * @throws IllegalArgumentException when the model has no per-example score
   */
  public static Scored of(GenerativeModel model, Dataset data, int batchSize) {
    if (model instanceof DensityModel density) {
      return new Scored("log_prob_nats", "exact log p(x) in nats",
          new LikelihoodEvaluator(batchSize).logProbs(density, data));
    }
    if (model instanceof LatentVariableModel latent) {
      return new Scored("log_prob_estimate_nats", "importance-sampled estimate of log p(x) in"
          + " nats, k = " + IMPORTANCE_SAMPLES + " (a lower bound in expectation)",
          batched(model, data, Math.max(1, batchSize / 10),
              x -> latent.logProbEstimate(x, IMPORTANCE_SAMPLES)));
    }
    if (model instanceof EnergyModel energy) {
      var logZ = energy.logZ();
      if (logZ.isPresent()) {
        double z = logZ.get().value();
        double[] v = batched(model, data, batchSize, x -> energy.energy(x).neg());
        for (int i = 0; i < v.length; i++) {
          v[i] -= z;
        }
        return new Scored("log_prob_nats", "log p(x) = -E(x) - log Z in nats, log Z by "
            + logZ.get().method(), v);
      }
      return new Scored("neg_energy", "-E(x), an unnormalized log-density (log Z unknown):"
          + " ranks examples, not comparable across models",
          batched(model, data, batchSize, x -> energy.energy(x).neg()));
    }
    throw new IllegalArgumentException(model.family() + " has no per-example score (it has"
        + " neither a likelihood, a likelihood estimate nor an energy)");
  }

  /**
   * Scores raw examples (values as in the run's data source) the way a run scores its test set:
   * preprocessed with the run's held-out draw, and — for models of dequantized 8-bit pixels —
   * log-likelihoods reported for the pixels themselves, log p(y) − D ln 256 (a density of
   * y = (pixel + u)/256 on [0,1]^D bounds the pixels' probability; Theis et al. 2016), the same
   * figure {@code dgm eval} gives.
   */
  public static Scored ofRaw(GenerativeModel model, Dataset raw,
      io.dgm4j.data.Preprocessing preprocessing, int batchSize) {
    Dataset prepared = preprocessing.fixed(raw, preprocessing.testSeed(), model.family());
    Scored s = of(model, prepared, batchSize);
    double offset = preprocessing.pixelOffsetNats(raw.dimension());
    if (offset == 0 || s.column().equals("neg_energy")) {
      return s;
    }
    double[] v = s.values().clone();
    for (int i = 0; i < v.length; i++) {
      v[i] -= offset;
    }
    return new Scored(s.column(), s.meaning() + ", of the 8-bit pixels: log p(y) - D ln 256",
        v);
  }

  /** Whether a column is a log-likelihood (exact or estimated), so bits/dim mean something. */
  public static boolean isLogLikelihood(String column) {
    return column.startsWith("log_prob");
  }

  /** {@code f} over minibatches of {@code data}, one value per example. */
  private static double[] batched(GenerativeModel model, Dataset data, int batchSize,
      Function<NDArray, NDArray> f) {
    double[] out = new double[data.size()];
    int d = data.dimension();
    float[] buffer = new float[batchSize * d];
    for (int start = 0; start < data.size(); start += batchSize) {
      int n = Math.min(batchSize, data.size() - start);
      data.copyRows(start, n, buffer); // by rows: data read on demand has no array
      try (NDScope scope = new NDScope(); NDManager step = model.manager().newSubManager()) {
        NDArray x = step.create(java.util.Arrays.copyOf(buffer, n * d), new Shape(n, d));
        float[] v = f.apply(x).toFloatArray();
        for (int i = 0; i < n; i++) {
          out[start + i] = v[i];
        }
      }
    }
    return out;
  }
}
