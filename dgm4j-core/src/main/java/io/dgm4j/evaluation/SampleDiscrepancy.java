package io.dgm4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Permutations;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.info.MaximumMeanDiscrepancy;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.Samplable;
import java.util.SplittableRandom;

/**
 * How far a model's samples are from a data set, for models that only sample (a GAN): the
 * unbiased squared MMD ({@link MaximumMeanDiscrepancy}) between each batch of the data and as
 * many fresh samples, averaged over the batches, with the standard error of that mean. Each
 * batch's estimate is unbiased, so their mean is too; batches keep the cost at batch² kernel
 * evaluations each instead of the whole set squared.
 *
 * <p>The batches are drawn from the data in a seeded random order, not file order: a batch of
 * consecutive rows need not be a sample of the whole set (MNIST's test set holds its two writer
 * groups in its two halves: consecutive training images against consecutive test images gave
 * an MMD² of 0.0150, shuffled ones 0.0003, bench/MmdReferences.java), and a generator that draws
 * from the whole distribution would then be charged for the file's order.
 */
public final class SampleDiscrepancy {
  private SampleDiscrepancy() {}

  /**
   * The mean over batches of MMD²_u, its standard error over batches, and what it covered.
   *
   * @param batches number of batches averaged (a final batch of fewer than 2 rows is left out)
   */
  public record Report(double mmd2, double standardError, int batches, int batchSize,
      int examples) {}

  /**
   * Measures {@code model}, which must be {@link Samplable}, against {@code data},
   * {@code batchSize} rows at a time (at least 2), the rows in the order of a permutation drawn
   * with {@code seed}.
   */
  public static Report mmd(GenerativeModel model, Dataset data, int batchSize, long seed) {
    if (!(model instanceof Samplable sampler)) {
      throw new IllegalArgumentException(model.family() + " cannot sample, so its samples"
          + " cannot be compared with data");
    }
    if (batchSize < 2) {
      throw new IllegalArgumentException("--batch-size must be at least 2 for an MMD, got "
          + batchSize);
    }
    int d = data.dimension();
    float[] buffer = new float[batchSize * d];
    int[] order = Permutations.of(data.size(), new SplittableRandom(seed));
    double sum = 0;
    double sumOfSquares = 0;
    int batches = 0;
    int examples = 0;
    for (int start = 0; start + 2 <= data.size(); start += batchSize) {
      int n = Math.min(batchSize, data.size() - start);
      data.gather(order, start, n, buffer);
      try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
        NDArray x = SharedMemory.tensor(m, buffer, 0, n * d, new Shape(n, d));
        double v = MaximumMeanDiscrepancy.unbiasedSquared(x, sampler.sample(m, n));
        sum += v;
        sumOfSquares += v * v;
        batches++;
        examples += n;
      }
    }
    if (batches == 0) {
      throw new IllegalArgumentException("an MMD needs at least 2 examples, the data has "
          + data.size());
    }
    double mean = sum / batches;
    double variance = batches > 1
        ? Math.max(0, (sumOfSquares - batches * mean * mean) / (batches - 1)) : 0;
    return new Report(mean, Math.sqrt(variance / batches), batches, batchSize, examples);
  }
}
