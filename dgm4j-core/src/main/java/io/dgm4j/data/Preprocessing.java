package io.dgm4j.data;

import io.dgm4j.models.Support;
import java.util.SplittableRandom;

/**
 * How a source's values become what a model is trained and scored on, fixed when a run starts
 * and recorded in its {@code run.json} so that evaluation and scoring see the same data:
 *
 * <ul>
 *   <li>{@code binarize}: byte pixels (or values in [0, 1]) for a binary model — training uses a
 *       fresh dynamic binarization each epoch, validation and test one fixed draw each
 *       ({@link Binarization});
 *   <li>{@code binary}: data already 0/1, used as is (checked);
 *   <li>{@code dequantize}: byte pixels for a real-valued model — x = (pixel + u) / 256 with
 *       u ~ Uniform[0, 1) drawn anew each epoch for training and once, with the fixed seed, for
 *       validation and test; a density on [0, 1]^D then bounds the discrete likelihood
 *       (Theis et al., 2016);
 *   <li>{@code real}: real values used as is (checked finite).
 * </ul>
 *
 * @param kind one of the four above
 * @param scale the value that means probability 1 when binarizing (255 for pixels)
 * @param validationSeed the seed of the validation set's fixed draw
 * @param testSeed the seed of the test set's fixed draw
 */
public record Preprocessing(String kind, float scale, long validationSeed, long testSeed) {

  /** The fixed seed of the test-set binarization in every dgm4j run (the protocol's). */
  public static final long STANDARD_TEST_SEED = 20261121L;

  public Preprocessing {
    if (!java.util.List.of("binarize", "binary", "dequantize", "real").contains(kind)) {
      throw new IllegalArgumentException("unknown preprocessing " + kind);
    }
  }

  /** The preprocessing a model of {@code support} needs for {@code source}. */
  public static Preprocessing choose(Support support, DataSources.DataSplits source,
      long runSeed) {
    long validationSeed = runSeed ^ 0x5DEECE66DL;
    if (support == Support.BINARY) {
      return new Preprocessing(source.bytePixels() ? "binarize" : "binary",
          source.binarizationScale(), validationSeed, STANDARD_TEST_SEED);
    }
    return new Preprocessing(source.bytePixels() ? "dequantize" : "real", 1f, validationSeed,
        STANDARD_TEST_SEED);
  }

  /** Whether this preprocessing expects raw 8-bit pixels (it was chosen for an IDX source). */
  public boolean expectsBytePixels() {
    return kind.equals("binarize") || kind.equals("dequantize");
  }

  /**
   * What turns a model's log-density of preprocessed data into a figure for the data as given:
   * for {@code dequantize}, log p(y) - D ln 256 with y = (pixel + u) / 256 is, averaged over u,
   * a lower bound on log P(pixels) (Theis et al., 2016), so this returns D ln 256; 0 for the
   * other kinds, whose model scores the data itself. One draw of u per pixel gives an unbiased
   * estimate of that bound, not the bound.
   */
  public double pixelOffsetNats(int dimension) {
    return kind.equals("dequantize") ? dimension * Math.log(256) : 0;
  }

  /** The training data of epoch {@code epoch} (from 1). */
  public Dataset trainingEpoch(Dataset raw, long seed, int epoch) {
    return switch (kind) {
      case "binarize" -> Binarization.dynamic(raw, scale, seed, epoch);
      case "dequantize" -> dequantize(raw, seed, epoch);
      default -> raw;
    };
  }

  /** A held-out set drawn once with {@code seed} (validation or test), checked for the model. */
  public Dataset fixed(Dataset raw, long seed, String modelName) {
    Dataset out = switch (kind) {
      case "binarize" -> Binarization.fixed(raw, scale, seed);
      case "dequantize" -> dequantizeFixed(raw, seed);
      default -> raw;
    };
    check(out, modelName);
    return out;
  }

  /** Rejects data the model cannot score: NaN or infinite values, non-binary for binary kinds. */
  public void check(Dataset data, String modelName) {
    Validation.requireFinite(data);
    if (kind.equals("binary")) {
      Validation.requireBinary(data, modelName);
    }
  }

  /**
   * The held-out dequantization: (pixel + u) / 256 with each example's u drawn from a stream
   * keyed by the seed and the example's pixels ({@link Binarization#exampleSeed}), so an image
   * gets the same u wherever it is scored (read on demand too).
   */
  static Dataset dequantizeFixed(Dataset raw, long seed) {
    int d = raw.dimension();
    if (!raw.inMemory()) {
      return raw.mapOnDemand((example, in, out, offset) -> dequantize(raw, in, 0, out, offset, d,
          (long) example * d, new SplittableRandom(Binarization.exampleSeed(seed, in, 0, d))));
    }
    float[] in = raw.values();
    float[] out = new float[in.length];
    for (int n = 0; n < raw.size(); n++) {
      dequantize(raw, in, n * d, out, n * d, d, (long) n * d,
          new SplittableRandom(Binarization.exampleSeed(seed, in, n * d, d)));
    }
    return new Dataset(raw.name(), out, raw.size(), raw.itemShape(), raw.labels());
  }

  /**
   * (pixel + u) / 256 with u ~ Uniform[0, 1) from a stream fixed by (seed, epoch); a data set
   * read on demand is dequantized as it is read, each row from its own stream (as
   * {@link Binarization} does).
   */
  static Dataset dequantize(Dataset raw, long seed, int epoch) {
    long stream = Binarization.streamSeed(seed, epoch);
    int d = raw.dimension();
    if (!raw.inMemory()) {
      return raw.mapOnDemand((example, in, out, offset) -> dequantize(raw, in, 0, out, offset, d,
          (long) example * d, new SplittableRandom(Binarization.rowSeed(stream, example))));
    }
    float[] in = raw.values();
    float[] out = new float[in.length];
    dequantize(raw, in, 0, out, 0, in.length, 0, new SplittableRandom(stream));
    return new Dataset(raw.name(), out, raw.size(), raw.itemShape(), raw.labels());
  }

  /**
   * Dequantizes {@code length} values of {@code in} into {@code out}; {@code first} is the flat
   * index of the first (for messages).
   */
  private static void dequantize(Dataset raw, float[] in, int inOffset, float[] out,
      int outOffset, int length, long first, SplittableRandom random) {
    for (int i = 0; i < length; i++) {
      float v = in[inOffset + i];
      if (!(v >= 0 && v <= 255)) {
        long at = first + i;
        throw new DataException(raw.name(), "pixel value " + v + " at example "
            + at / raw.dimension() + ", pixel " + at % raw.dimension() + " is not in 0..255");
      }
      out[outOffset + i] = inBin(v, random.nextDouble());
    }
  }

  /**
   * (pixel + u) / 256 in float32, kept inside the pixel's bin [pixel, pixel + 1) / 256: with u
   * just below 1 the float rounding would otherwise land on the next bin's edge.
   */
  private static float inBin(float pixel, double u) {
    float y = (float) ((pixel + u) / 256.0);
    float top = (pixel + 1) / 256f;
    return y < top ? y : Math.nextDown(top);
  }
}
