package io.dgm4j.evaluation;

import io.dgm4j.data.Dataset;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.GenerativeModel;

/**
 * One number per example saying how well the model explains it — higher is more typical —
 * whatever the model can compute, labelled with what it is. This is what {@code dgm score} and
 * the server's score endpoint report, and what anomaly detection ranks by.
 *
 * <ul>
 *   <li>{@code log_prob_nats}: exact log p(x) ({@link DensityModel}).
 * </ul>
 */
public final class ExampleScores {
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
    throw new IllegalArgumentException(model.family() + " has no per-example score (it has"
        + " neither a likelihood, a likelihood estimate nor an energy)");
  }
}
