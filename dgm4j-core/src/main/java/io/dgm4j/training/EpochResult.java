package io.dgm4j.training;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * What one epoch measured; one line of a run's {@code metrics.jsonl}.
 *
 * @param epoch the epoch number, from 1
 * @param step optimizer steps taken by its end
 * @param trainLoss mean training loss over its minibatches (nats per example for likelihood
 *     objectives)
 * @param validationLoss the validation figure, lower is better (see {@code validationMetric})
 * @param validationMetric what {@code validationLoss} is: {@code nll} (nats per example),
 *     {@code neg_elbo} (nats, a bound), {@code neg_iwae_bound_k}K (nats, the K-sample bound an
 *     IWAE run trains on), {@code objective} (the objective's own loss), {@code none} or {@code
 *     skipped} (an epoch between validations; the value is NaN); see {@code Validator}
 * @param learningRate the learning rate at its last step
 * @param seconds wall time of the epoch (training and validation)
 * @param examplesPerSecond training examples processed per second of training time
 * @param improved whether the validation figure is the best so far
 * @param otherCores how many cores other processes kept busy, on average, while the epoch
 *     trained ({@link io.dgm4j.evaluation.CpuLoad}): near 0 on an otherwise idle machine, so its
 *     time is this run's own; {@code null} where it cannot be read (not Linux) and in metrics
 *     written before it was recorded
 */
public record EpochResult(
    int epoch, long step, double trainLoss,
    @JsonAlias("validationNll") double validationLoss, String validationMetric,
    double learningRate, double seconds, double examplesPerSecond, boolean improved,
    Double otherCores) {

  public EpochResult {
    if (validationMetric == null) {
      validationMetric = "nll"; // metrics written before the metric was recorded were all NLLs
    }
  }
}
