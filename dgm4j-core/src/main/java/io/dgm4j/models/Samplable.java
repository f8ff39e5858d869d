package io.dgm4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * A model that can draw new examples x ~ p(x).
 *
 * <p>Some models have one exact way to sample (ancestral sampling); others offer several
 * samplers (a fast incremental and a naive reference sampler for PixelCNN; Gibbs or Langevin
 * chains for energy models, which only approach p(x) as the chain runs). {@link #samplers()}
 * names them, the default first; {@link #sample(NDManager, int, SamplingOptions)} picks one.
 */
public interface Samplable {

  /**
   * Draws {@code n} samples with the default sampler and settings, using the engine's random
   * generator (seed it with {@code Engines.seed}).
   *
   * @return shape (n, D), in {@code manager}
   */
  NDArray sample(NDManager manager, int n);

  /** The samplers this model offers, the default first (e.g. {@code ancestral}). */
  default List<String> samplers() {
    return List.of("ancestral");
  }

  /**
   * Draws {@code n} samples with the sampler and settings in {@code options}, returning them with
   * whatever the sampler measured on the way (acceptance rate, sweeps; empty for exact
   * samplers).
   */
  default Samples sample(NDManager manager, int n, SamplingOptions options) {
    options.requireOneOf(samplers());
    if (options.start() != null) {
      throw new IllegalArgumentException("this model samples exactly; it has no chains to"
          + " continue");
    }
    return new Samples(sample(manager, n), Map.of());
  }

  /**
   * How to sample: {@code sampler} one of {@link #samplers()} ({@code null}: the default) and, for
   * chains, {@code steps} (0: the model's default) and {@code start}: the n states to continue
   * (e.g. a run's persistent chains), or {@code null} for the model's own starting distribution.
   * Exact samplers have no chains to continue and refuse a {@code start}. Samplers that take a
   * while (chains, pixel by pixel) tell {@code progress} how far they are.
   */
  record SamplingOptions(String sampler, int steps, NDArray start, Progress progress) {
    public static final SamplingOptions DEFAULT = new SamplingOptions(null, 0);

    public SamplingOptions {
      if (steps < 0) {
        throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
      }
      progress = progress == null ? Progress.NONE : progress;
    }

    /** Fresh chains, or an exact sampler. */
    public SamplingOptions(String sampler, int steps) {
      this(sampler, steps, null, null);
    }

    /** Chains from {@code start} (null: fresh). */
    public SamplingOptions(String sampler, int steps, NDArray start) {
      this(sampler, steps, start, null);
    }

    /** The same options, reporting to {@code listener}. */
    public SamplingOptions withProgress(Progress listener) {
      return new SamplingOptions(sampler, steps, start, listener);
    }

    /**
     * The chains' starting states: {@code start} when given (checked to be n rows of D values),
     * else {@code fresh}, which is only evaluated then.
     */
    public NDArray startOr(int n, long dimension, java.util.function.Supplier<NDArray> fresh) {
      if (start == null) {
        return fresh.get();
      }
      if (!start.getShape().equals(new ai.djl.ndarray.types.Shape(n, dimension))) {
        throw new IllegalArgumentException("the chains to continue have shape " + start.getShape()
            + "; this draw needs (" + n + ", " + dimension + ")");
      }
      return start;
    }

    /** The sampler to use among {@code offered} (the first when none was asked for). */
    public String samplerOr(List<String> offered) {
      return sampler == null ? offered.get(0) : sampler;
    }

    /** Refuses a sampler the model does not offer, naming the ones it does. */
    public void requireOneOf(List<String> offered) {
      if (sampler != null && !offered.contains(sampler)) {
        throw new IllegalArgumentException("--sampler " + sampler + " is not offered by this"
            + " model; it offers " + String.join(", ", offered));
      }
    }
  }

  /** How far a sampler is: {@code done} of {@code total} units (steps, pixels). */
  @FunctionalInterface
  interface Progress {
    Progress NONE = (done, total) -> { };

    void advanced(long done, long total);
  }

  /** Samples, shape (n, D), and what the sampler measured while drawing them. */
  record Samples(NDArray values, Map<String, Double> statistics) {}
}
