package io.dgm4j.training;

/**
 * What one epoch measured; one line of a run's {@code metrics.jsonl}.
 *
 * @param epoch the epoch number, from 1
 * @param step optimizer steps taken by its end
 * @param trainLoss mean training loss over its minibatches (nats per example)
 * @param validationNll mean negative log-likelihood of the validation set (nats per example)
 * @param learningRate the learning rate at its last step
 * @param seconds wall time of the epoch (training and validation)
 * @param examplesPerSecond training examples processed per second of training time
 * @param improved whether the validation NLL is the best so far
 */
public record EpochResult(
    int epoch, long step, double trainLoss, double validationNll, double learningRate,
    double seconds, double examplesPerSecond, boolean improved) {}
