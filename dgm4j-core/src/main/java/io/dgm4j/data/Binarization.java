package io.dgm4j.data;

import java.util.SplittableRandom;

/**
 * Turns grey-level data into binary (0/1) data, following the binarized-MNIST protocol of
 * dgm4j (DESIGN.md, "Protocols"):
 *
 * <ul>
 *   <li><b>training</b> uses <em>dynamic</em> binarization: each epoch draws a fresh
 *       {@code x ~ Bernoulli(value / scale)} for every pixel, so a model never sees the same
 *       binary image twice and cannot overfit one particular draw ({@link #dynamic});
 *   <li><b>the test set</b> is binarized <em>once</em> with a fixed seed, recorded in the run,
 *       so every model is scored on the same binary images ({@link #fixed}). Each example's
 *       draw is keyed by the seed and the example's own values, not by its position: an image
 *       binarizes the same way alone (a request to {@code dgm serve}), in a file, or in any
 *       partition of a Spark job, so its score never depends on what was scored with it.
 * </ul>
 *
 * <p>The draws come from a {@link SplittableRandom} whose seed is a fixed hash of
 * {@code (seed, epoch)}: the same seed and epoch always give identical data, on any machine.
 * {@code scale} says what value means probability 1: pass {@link #BYTE_SCALE} (255) for raw
 * IDX pixels, 1 for data already in [0, 1]; a value outside {@code [0, scale]} is an error.
 *
 * <p>A data set read {@linkplain Dataset#onDemand on demand} is binarized as it is read,
 * nothing held in memory: its held-out draw is the same as in memory (keyed by the values);
 * its training rows may be read in any order, so each draws from its own stream, seeded by
 * {@code (seed, epoch, example)}.
 */
public final class Binarization {
  /** The scale of raw 8-bit pixels: a pixel of 255 is on with probability 1. */
  public static final float BYTE_SCALE = 255f;
  /** The epoch tag {@link #fixed} uses; training epochs count from 0, so they never collide. */
  public static final int FIXED_EPOCH = -1;

  private Binarization() {}

  /** One epoch's draw: each value becomes 1 with probability {@code value / scale}, else 0. */
  public static Dataset dynamic(Dataset data, float scale, long seed, int epoch) {
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
    }
    long stream = streamSeed(seed, epoch);
    if (!data.inMemory()) {
      int d = data.dimension();
      return data.mapOnDemand((example, in, out, offset) -> draw(data, in, 0, out, offset, d,
          (long) example * d, scale, new SplittableRandom(rowSeed(stream, example))));
    }
    float[] in = data.values();
    float[] out = new float[in.length];
    draw(data, in, 0, out, 0, in.length, 0, scale, new SplittableRandom(stream));
    return copyWith(data, out);
  }

  /** Bernoulli(value / scale) draws of {@code length} values; {@code first} is the flat index. */
  private static void draw(Dataset data, float[] in, int inOffset, float[] out, int outOffset,
      int length, long first, float scale, SplittableRandom random) {
    for (int i = 0; i < length; i++) {
      float v = in[inOffset + i];
      if (!(v >= 0 && v <= scale)) {
        throw outOfRange(data, first + i, v, scale);
      }
      // 24 random bits as a uniform float in [0, 1): p = 0 is never on, p = 1 always.
      float u = (random.nextInt() >>> 8) * 0x1.0p-24f;
      out[outOffset + i] = u < v / scale ? 1f : 0f; // v / scale is exactly 1 at v == scale
    }
  }

  /** The seed of one row's stream, for data sets read on demand. */
  static long rowSeed(long stream, int example) {
    return mix64(stream ^ (example * 0xD1B54A32D192ED03L + 0x8CB92BA72F3D8DD7L));
  }

  /**
   * The held-out draw (validation, test, scoring): like {@link #dynamic}, but each example's
   * random stream is keyed by {@code seed} and the example's values ({@link #exampleSeed}), so
   * the same image always binarizes the same way wherever it appears.
   */
  public static Dataset fixed(Dataset data, float scale, long seed) {
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
    }
    int d = data.dimension();
    if (!data.inMemory()) {
      return data.mapOnDemand((example, in, out, offset) -> draw(data, in, 0, out, offset, d,
          (long) example * d, scale, new SplittableRandom(exampleSeed(seed, in, 0, d))));
    }
    float[] in = data.values();
    float[] out = new float[in.length];
    for (int n = 0; n < data.size(); n++) {
      draw(data, in, n * d, out, n * d, d, (long) n * d, scale,
          new SplittableRandom(exampleSeed(seed, in, n * d, d)));
    }
    return copyWith(data, out);
  }

  /**
   * The seed of one example's held-out draw: the stream seed of ({@code seed},
   * {@link #FIXED_EPOCH}) mixed with a 64-bit hash of the example's {@code length} values from
   * {@code offset}.
   */
  public static long exampleSeed(long seed, float[] values, int offset, int length) {
    long h = streamSeed(seed, FIXED_EPOCH);
    for (int i = offset; i < offset + length; i++) {
      h = mix64(h ^ Float.floatToIntBits(values[i]) + 0x9E3779B97F4A7C15L);
    }
    return h;
  }

  /** Deterministic thresholding: 1 where {@code value >= threshold}, else 0. */
  public static Dataset threshold(Dataset data, float threshold) {
    float[] in = data.values();
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[i] >= threshold ? 1f : 0f;
    }
    return copyWith(data, out);
  }

  /**
   * The seed of the random stream for one (seed, epoch): two rounds of a 64-bit finalizer
   * (the SplitMix64 mixing function), so nearby seeds and epochs give unrelated streams.
   */
  static long streamSeed(long seed, int epoch) {
    return mix64(mix64(seed) ^ (epoch * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static Dataset copyWith(Dataset data, float[] values) {
    return new Dataset(data.name(), values, data.size(), data.itemShape(), data.labels());
  }

  private static DataException outOfRange(Dataset data, long i, float v, float scale) {
    return new DataException(data.name(), "cannot binarize value " + v + " at example "
        + i / data.dimension() + ", index " + i % data.dimension() + ": values must lie in [0, "
        + scale + "]" + (scale == 1f && v <= BYTE_SCALE ? " (raw 0..255 pixels need scale 255)" : ""));
  }
}
