package io.dgm4j.data;

import java.util.SplittableRandom;

/**
 * Input noise for a <em>background</em> model (Ren et al., 2019, "Likelihood Ratios for
 * Out-of-Distribution Detection"): each value of each example is, with probability
 * {@code rate}, replaced by a value drawn uniformly from the data's range — integers
 * {@code low..high} for byte pixels (0..255) and for binary data (0/1), a real value in
 * [{@code low}, {@code high}] otherwise. A model trained on such data learns the population's
 * background statistics (how much ink, how smooth) but not its semantics, so
 * log p(x) − log p_background(x) cancels what both share.
 *
 * <p>Training draws fresh noise every epoch (a function of seed and epoch); the validation set
 * is perturbed once with a fixed draw, like its binarization.
 *
 * @param rate the probability μ that a value is replaced, in [0, 1]
 * @param low the smallest value of the data's range
 * @param high the largest value of the data's range
 * @param integer whether replacement values are integers (pixels, binary data)
 */
public record Perturbation(double rate, float low, float high, boolean integer) {

  /** No perturbation. */
  public static final Perturbation NONE = new Perturbation(0, 0, 0, true);

  public Perturbation {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("--perturb must be a probability in [0, 1], got "
          + rate);
    }
    if (!(low <= high)) {
      throw new IllegalArgumentException("perturbation range [" + low + ", " + high
          + "] is empty");
    }
  }

  /**
   * The perturbation at {@code rate} for {@code source}: 0..255 for byte pixels, 0/1 for data
   * whose values are all 0 or 1, else the range of the training values.
   */
  public static Perturbation of(double rate, DataSources.DataSplits source) {
    if (source.bytePixels()) {
      return new Perturbation(rate, 0, 255, true);
    }
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    boolean binary = true;
    for (float v : source.train().values()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      binary &= v == 0f || v == 1f;
    }
    return binary ? new Perturbation(rate, 0, 1, true) : new Perturbation(rate, min, max, false);
  }

  /** Whether this changes anything. */
  public boolean active() {
    return rate > 0;
  }

  /** {@code data} with values replaced as described, from a stream fixed by (seed, epoch). */
  public Dataset apply(Dataset data, long seed, int epoch) {
    if (!active()) {
      return data;
    }
    float[] in = data.values();
    float[] out = in.clone();
    SplittableRandom random = new SplittableRandom(
        Binarization.streamSeed(seed ^ 0x7E57AB1EL, epoch));
    int levels = (int) (high - low) + 1;
    for (int i = 0; i < out.length; i++) {
      if (random.nextDouble() < rate) {
        out[i] = integer ? low + random.nextInt(levels)
            : (float) (low + random.nextDouble() * (high - low));
      }
    }
    return new Dataset(data.name(), out, data.size(), data.itemShape(), data.labels());
  }
}
