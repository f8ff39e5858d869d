package io.dgm4j.evaluation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Permutations;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.Batch;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.LatentVariableModel;
import io.dgm4j.objectives.Objective;
import java.util.SplittableRandom;

/**
 * The figure a training run watches on held-out data after every epoch (for the best checkpoint
 * and early stopping), chosen by what the model can compute — lower is better in every case:
 *
 * <ul>
 *   <li>{@code nll}: exact negative log-likelihood, nats per example ({@link DensityModel}, or an
 *       {@link EnergyModel} whose log Z is known);
 *   <li>{@code neg_elbo}: the negative evidence lower bound, nats per example
 *       ({@link LatentVariableModel}; an upper bound on the NLL);
 *   <li>{@code neg_iwae_bound_k}<i>K</i>, e.g. {@code neg_iwae_bound_k50}: the negative K-sample
 *       importance-weighted bound, nats per example, for a {@link LatentVariableModel} trained on
 *       that bound ({@link Objective#latentDrawsPerExample()} = K &gt; 1, the IWAE). It is what
 *       the run optimises and a tighter bound than the ELBO; the IWAE's training widens q(z|x),
 *       so its ELBO can worsen while its likelihood improves, and a best checkpoint chosen by
 *       the ELBO would stop at the wrong epoch;
 *   <li>{@code objective}: the training objective's own loss on held-out data, for models with
 *       neither;
 *   <li>{@code none}: nothing to measure (no validation examples, or the objective has no
 *       held-out loss); every epoch then
 *       counts as the best so far and early stopping is unavailable.
 * </ul>
 */
public final class Validator {
  private static final long BATCH_ORDER_SEED = 0x5EED;
  private final int batchSize;

  public Validator(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * A validation figure.
   *
   * @param metric {@code nll}, {@code neg_elbo}, {@code objective}, {@code none} or {@code
   *     skipped}
   * @param value the mean over examples (NaN only for {@code none} and {@code skipped}, or when
   *     the model diverged)
   */
  public record Result(String metric, double value) {
    /** An epoch the run does not validate ({@code dgm train --validate-every}). */
    public static final Result SKIPPED = new Result("skipped", Double.NaN);

    /** Whether the value is in nats per example (so bits/dim can be shown). */
    public boolean inNats() {
      return Validator.inNats(metric);
    }
  }

  private static final String IWAE_BOUND = "neg_iwae_bound_k";

  /** Whether a figure of {@code metric} is in nats per example. */
  public static boolean inNats(String metric) {
    return metric.equals("nll") || metric.equals("neg_elbo") || metric.startsWith(IWAE_BOUND);
  }

  /** How a person reads {@code metric}: {@code NLL}, {@code -ELBO}, {@code -IWAE-50 bound}. */
  public static String label(String metric) {
    if (metric.startsWith(IWAE_BOUND)) {
      return "-IWAE-" + metric.substring(IWAE_BOUND.length()) + " bound";
    }
    return switch (metric) {
      case "nll" -> "NLL";
      case "neg_elbo" -> "-ELBO";
      case "objective" -> "loss";
      case "mmd2" -> "MMD²";
      default -> metric.replace('_', ' ');
    };
  }

  /** The metric this validator reports for {@code model} trained by {@code objective}. */
  public static String metricFor(GenerativeModel model, Objective objective) {
    if (model instanceof DensityModel
        || model instanceof EnergyModel e && e.logZ().isPresent()) {
      return "nll";
    }
    if (model instanceof LatentVariableModel) {
      int k = objective.latentDrawsPerExample();
      return k > 1 ? IWAE_BOUND + k : "neg_elbo";
    }
    return objective.validationMetric();
  }

  /** Measures {@code model} on {@code data}. */
  public Result validate(GenerativeModel model, Objective objective, Dataset data) {
    if (data.size() == 0) {
      return new Result("none", Double.NaN); // no validation set (dgm train --validation 0)
    }
    String metric = metricFor(model, objective);
    if (metric.equals("nll") && model instanceof DensityModel density) {
      return new Result(metric, new LikelihoodEvaluator(batchSize).evaluate(density, data)
          .nllNats());
    }
    // log Z once per validation, not once per batch (an exact enumeration can take seconds)
    double logZ = metric.equals("nll")
        ? ((EnergyModel) model).logZ().orElseThrow().value() : Double.NaN;
    double sum = 0;
    int d = data.dimension();
    float[] buffer = new float[batchSize * d];
    // batches in one fixed shuffled order, the same every epoch, not in file order: a figure an
    // objective computes per batch (a GAN's MMD², see SampleDiscrepancy) would otherwise be
    // charged for how the file happens to be sorted
    int[] order = Permutations.of(data.size(), new SplittableRandom(BATCH_ORDER_SEED));
    for (int start = 0; start < data.size(); start += batchSize) {
      int n = Math.min(batchSize, data.size() - start);
      data.gather(order, start, n, buffer);
      try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
        var x = SharedMemory.tensor(m, buffer, 0, n * d, new Shape(n, d));
        double batchMean = switch (metric) {
          case "nll" -> {
            yield ((EnergyModel) model).energy(x).mean().getFloat() + logZ;
          }
          case "neg_elbo" -> -((LatentVariableModel) model).elbo(x).mean().getFloat();
          default -> metric.startsWith(IWAE_BOUND)
              ? -((LatentVariableModel) model).logProbEstimate(x,
                  objective.latentDrawsPerExample()).mean().getFloat()
              : objective.validationLoss(new Batch(x, labels(m, data, order, start, n)));
        };
        if (Double.isNaN(batchMean) && !inNats(metric)) {
          return new Result("none", Double.NaN);
        }
        sum += batchMean * n;
      }
    }
    return new Result(metric, sum / data.size());
  }

  private static ai.djl.ndarray.NDArray labels(NDManager m, Dataset data, int[] order,
      int start, int n) {
    if (!data.hasLabels()) {
      return null;
    }
    int[] labels = new int[n];
    data.gatherLabels(order, start, n, labels);
    return m.create(labels);
  }
}
