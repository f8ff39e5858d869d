package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.distributions.Bernoulli;
import io.dgm4j.engine.Autograd;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.Batch;
import io.dgm4j.nn.TensorMath;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * MADE, the masked autoencoder for distribution estimation (Germain, Gregor, Murray and
 * Larochelle, ICML 2015).
 *
 * <p>An ordinary feed-forward network from x to D logits whose weight matrices are multiplied by
 * fixed 0/1 masks, so that logit l_d sees only the inputs before d in an ordering o. Then
 * p(x) = prod_d Bernoulli(x_d; sigmoid(l_d(x_{<d}))) is an exact, normalised autoregressive
 * model, and all D conditionals come out of one pass: a few large matmuls.
 *
 * <p><b>Masks.</b> Input coordinate j gets the degree m(j) = its position in o (0 .. D-1). Each
 * hidden unit k of layer l gets a degree m(k) drawn uniformly from [min of layer l-1's degrees,
 * D-2] (0-based; the paper's [min, D-1] in 1-based numbering: a unit of degree D-1 could feed no
 * output). Hidden mask M[k' -> k] = [m(k) >= m(k')]; output mask M[k -> d] = [m(d) > m(k)]; the
 * optional direct input-to-output connection has mask M[j -> d] = [m(d) > m(j)]. The strict
 * inequality at the output is what keeps x_d out of its own conditional. With D = 1 no degree
 * is valid: hidden units get degree D-1 = 0, feed nothing, and p(x_0) is a learned constant.
 *
 * <p><b>K masks.</b> Connectivity-agnostic training draws K mask sets once from {@code maskSeed}
 * (never re-sampled); training step t uses set t mod K ({@link #trainingLogProb}). With
 * {@code orderAgnostic} each set also draws a random ordering, except set 0, which always keeps
 * the natural ordering 0..D-1 so that {@link #ordering()}, {@link #logits(NDArray)} and
 * {@link #chainRuleComplete} have a fixed meaning. The model evaluated by {@link #logProb} is the uniform
 * mixture of the K autoregressive models, log p(x) = logMeanExp_k log p_k(x): exact and
 * normalised (the paper averages the K masks' probabilities the same way at test time).
 * {@link #sample} draws from that mixture exactly: a mask set uniformly per row, then D
 * sequential passes in its ordering.
 *
 * <p><b>Completion.</b> The mixture's conditional is
 * p(x_u | x_o) = sum_k p(k | x_o) p_k(x_u | x_o) with p(k | x_o) ∝ p_k(x_o). When the observed
 * coordinates are the first ones of every mask set's ordering (connectivity-agnostic masks
 * with the natural ordering and the top rows of an image), p_k(x_o) is the product of the
 * observed coordinates' conditionals, so {@link #chainRuleComplete} draws k from that posterior, then
 * the rest from mask set k: an exact draw. Otherwise no member's p_k(x_o) is available in one
 * pass and {@link #chainRuleComplete} gives only a starting draw (mask set 0's chain rule), which
 * {@link #completesExactly} reports.
 *
 * <p>Hidden activation: ReLU, as in the paper. Weights: Glorot uniform; biases: zero. Defaults:
 * one hidden layer of 500 units, one mask set, direct connection — the setting that trains
 * best per minute ({@link Config#defaults()}). The authors' command for their best binarized
 * MNIST result (86.64 nats) trains two hidden layers of 8,000 units with 32 mask sets, each with
 * its own ordering and connectivity ("Full" shuffling): {@code hidden=[8000,8000], masks=32,
 * orderAgnostic=true}.
 */
public final class Made extends BinaryAutoregressiveModel {

  /**
   * Settings.
   *
   * @param hidden sizes of the hidden layers, at least one, each positive
   * @param masks K, the number of mask sets trained in turn and averaged at evaluation
   * @param orderAgnostic whether each mask set (except set 0) draws a random input ordering
   * @param directConnection whether to add a masked direct input-to-output weight matrix
   * @param maskSeed seed of the mask sets and orderings (weights use the model's seed)
   */
  public record Config(
      int[] hidden, int masks, boolean orderAgnostic, boolean directConnection, long maskSeed) {
    public Config {
      if (hidden == null || hidden.length == 0) {
        throw new IllegalArgumentException("made: hidden must list at least one layer size");
      }
      for (int h : hidden) {
        if (h <= 0) {
          throw new IllegalArgumentException(
              "made: hidden layer sizes must be positive, got hidden=" + Arrays.toString(hidden));
        }
      }
      if (masks <= 0) {
        throw new IllegalArgumentException("made: masks (K) must be positive, got " + masks);
      }
      hidden = hidden.clone();
    }

    /**
     * The setting that trains best per minute: 500 ReLU units, one mask set (natural
     * ordering), and a masked direct input-to-output connection. Measured on binarized MNIST
     * (docs/BENCHMARKS.md): one mask reaches 89.58 nats in 10 epochs (about 2 minutes) and
     * 88.60 in 60, while 32 connectivity-agnostic masks, each trained on 1/32 of the steps,
     * were at 92.55 after 40 epochs. The 32-mask ensembles pay off with width: one hidden
     * layer of 8,000 units, {@code masks=32, orderAgnostic=true}, reached a test NLL of 85.60
     * after 100 epochs (2.3 hours of one core; the paper's one-layer ensemble: 88.04).
     *
     * <p>The direct connection is what the original experiments used (their hyper-parameter
     * grid fixes {@code direct_input_connect="Output"}); measured here on binarized MNIST with
     * one mask, 20k examples, 3 epochs, Adam 5e-3: validation NLL 100.4 nats with it against
     * 113.7 without, and without it a 150-epoch run stalled at FVSBN's level (98 nats), since
     * a hidden unit only helps conditionals after its degree and few units sit just before any
     * given pixel.
     */
    public static Config defaults() {
      return new Config(new int[] {500}, 1, false, true, 0L);
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Config c && Arrays.equals(hidden, c.hidden) && masks == c.masks
          && orderAgnostic == c.orderAgnostic && directConnection == c.directConnection
          && maskSeed == c.maskSeed;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(hidden) * 31
          + Arrays.hashCode(new long[] {masks, orderAgnostic ? 1 : 0, directConnection ? 1 : 0,
              maskSeed});
    }

    @Override
    public String toString() {
      return "Config[hidden=" + Arrays.toString(hidden) + ", masks=" + masks + ", orderAgnostic="
          + orderAgnostic + ", directConnection=" + directConnection + ", maskSeed=" + maskSeed
          + "]";
    }
  }

  private final Config config;
  private final int layers;
  private final NDArray[] weights; // hidden layer l: (in_l, out_l)
  private final NDArray[] biases; // (out_l)
  private final NDArray outputWeight; // (H_last, D)
  private final NDArray outputBias; // (D)
  private final NDArray directWeight; // (D, D), or null
  private final int[][] orderings; // [k][i] = coordinate generated i-th under mask set k
  private final int[][][] degrees; // [k]: mask set k's unit degrees (MadeMasks.drawDegrees)
  // [k][l]: mask of hidden layer l (l < layers), of the output (l = layers), of the direct
  // connection (l = layers + 1, when present); float 0/1, same shapes as the weights. All K
  // sets are kept while they fit in MASK_CACHE_ENTRIES; beyond that only the last one used.
  private final NDArray[][] masks;
  private static final long MASK_CACHE_ENTRIES = 1L << 26; // 256 MB of float masks
  private final boolean cacheAllSets; // whether all K sets' masks fit MASK_CACHE_ENTRIES
  private final long freeParameters; // weights some mask set uses, plus all biases
  private MadeGradient handGradient; // created at the first hand-derived step
  /**
   * Weight-matrix size from which training uses {@link MadeGradient}: 16M entries (64 MB). Its
   * gain is in the passes over weight matrices that no cache holds: 2 x 8,000 units (64M
   * entries), 110 -&gt; 226 examples/s. At 2 x 2,000 (4M) both routes ran at the same speed
   * and at 1 x 500 (0.4M) the hand-derived one was up to 8% slower at batch 512 (docs/BENCHMARKS.md).
   */
  private static final long HAND_GRADIENT_ENTRIES = 1L << 24;
  private boolean handDerivedGradient; // whether training steps use MadeGradient

  public Made(NDManager manager, int dimension, Config config, long seed) {
    super(manager, dimension, seed);
    this.config = config;
    int[] hidden = config.hidden();
    this.layers = hidden.length;
    this.weights = new NDArray[layers];
    this.biases = new NDArray[layers];
    int in = dimension;
    for (int l = 0; l < layers; l++) {
      weights[l] = parameters.glorot("hidden" + l + ".weight", in, hidden[l]);
      biases[l] = parameters.zeros("hidden" + l + ".bias", hidden[l]);
      in = hidden[l];
    }
    outputWeight = parameters.glorot("output.weight", in, dimension);
    outputBias = parameters.zeros("output.bias", dimension);
    directWeight = config.directConnection()
        ? parameters.glorot("direct.weight", dimension, dimension) : null;

    SplittableRandom random = new SplittableRandom(config.maskSeed());
    orderings = new int[config.masks()][];
    degrees = new int[config.masks()][][];
    masks = new NDArray[config.masks()][];
    for (int k = 0; k < config.masks(); k++) {
      orderings[k] = k > 0 && config.orderAgnostic() ? shuffled(dimension, random)
          : MadeMasks.naturalOrdering(dimension);
      degrees[k] = MadeMasks.drawDegrees(orderings[k], hidden, random);
    }
    long entries = 0;
    long largest = 0;
    for (MadeMasks.Link link : MadeMasks.links(degrees[0], directWeight != null)) {
      long size = (long) link.from().length * link.to().length;
      entries += size;
      largest = Math.max(largest, size);
    }
    this.cacheAllSets = entries * config.masks() <= MASK_CACHE_ENTRIES;
    this.handDerivedGradient = largest >= HAND_GRADIENT_ENTRIES;
    this.freeParameters = countFreeParameters();
  }

  /**
   * The scalars on some input-to-output path of some mask set: a weight counts when a mask set
   * lets it through into a unit that itself reaches an output in that set (with two or more
   * hidden layers a unit can be a dead end: no unit of the next layer has a degree at least its
   * own), a hidden bias when its unit reaches an output in some set; output biases always.
   */
  private long countFreeParameters() {
    int[] hidden = config.hidden();
    boolean[][] usedWeight = new boolean[layers + (directWeight != null ? 2 : 1)][];
    boolean[][] usedBias = new boolean[layers][];
    for (int l = 0; l < layers; l++) {
      usedBias[l] = new boolean[hidden[l]];
    }
    for (int[][] degree : degrees) {
      // live[l][j]: unit j of hidden layer l reaches an output. Every output is live, and a
      // unit reaches a live unit of the next layer iff its degree is at most (below, for the
      // output's strict inequality) the largest degree of the live units there.
      boolean[][] live = new boolean[layers][];
      int reach = dimension - 1; // the largest output degree; the output compares strictly
      boolean strict = true;
      for (int l = layers - 1; l >= 0; l--) {
        live[l] = new boolean[hidden[l]];
        int next = Integer.MIN_VALUE;
        for (int j = 0; j < hidden[l]; j++) {
          int d = degree[l + 1][j];
          live[l][j] = strict ? d < reach : d <= reach;
          usedBias[l][j] |= live[l][j];
          if (live[l][j]) {
            next = Math.max(next, d);
          }
        }
        reach = next;
        strict = false;
      }
      MadeMasks.Link[] links = MadeMasks.links(degree, directWeight != null);
      for (int l = 0; l < links.length; l++) {
        int in = links[l].from().length;
        int out = links[l].to().length;
        if (usedWeight[l] == null) {
          usedWeight[l] = new boolean[in * out];
        }
        boolean[] used = usedWeight[l];
        for (int i = 0; i < in; i++) {
          for (int j = 0; j < out; j++) {
            if (!used[i * out + j] && (l >= layers || live[l][j])
                && links[l].connects(i, j)) {
              used[i * out + j] = true;
            }
          }
        }
      }
    }
    long count = dimension; // output biases
    for (boolean[] group : usedWeight) {
      count += countTrue(group);
    }
    for (boolean[] group : usedBias) {
      count += countTrue(group);
    }
    return count;
  }

  private static long countTrue(boolean[] values) {
    long n = 0;
    for (boolean v : values) {
      n += v ? 1 : 0;
    }
    return n;
  }

  @Override
  public long parameterCount() {
    return freeParameters;
  }

  /**
   * The masks of set k, built from its degrees when not cached: all K sets stay cached when
   * they fit in {@link #MASK_CACHE_ENTRIES} entries (every ensemble of 500-unit layers does),
   * else only the set used last (2 x 8,000 units with 32 sets would hold 9.8 GB of masks).
   */
  private NDArray[] masksOf(int k) {
    if (masks[k] == null) {
      if (!cacheAllSets) {
        for (int other = 0; other < masks.length; other++) {
          if (masks[other] != null) {
            for (NDArray m : masks[other]) {
              m.close();
            }
            masks[other] = null;
          }
        }
      }
      masks[k] = MadeMasks.masks(parameters.manager(), degrees[k], directWeight != null);
    }
    return masks[k];
  }

  /**
   * The logits of mask set 0, the natural-ordering model that {@link #ordering()} and
   * {@link #chainRuleComplete} use. Note that {@link #logProb} is the K-mask mixture, not this model.
   */
  @Override
  public NDArray logits(NDArray x) {
    return logits(x, 0);
  }

  /**
   * The D conditional logits under mask set {@code maskIndex}: l_d depends only on the inputs
   * before d in {@link #ordering(int) ordering(maskIndex)}.
   *
   * @param x shape (N, D)
   * @return shape (N, D)
   */
  public NDArray logits(NDArray x, int maskIndex) {
    NDArray[] w = maskedWeights(maskIndex, x.getManager());
    NDArray out = top(x, w).matMul(w[layers]).add(outputBias); // (N, H) x (H, D) -> (N, D)
    if (directWeight != null) {
      out = out.add(x.matMul(w[layers + 1])); // (N, D) x (D, D)
    }
    return out;
  }

  /** log p_k(x) under the single mask set k, shape (N). */
  public NDArray logProb(NDArray x, int maskIndex) {
    return Bernoulli.logProb(logits(x, maskIndex), x).sum(new int[] {1});
  }

  /** The K-mask mixture: log p(x) = logMeanExp_k log p_k(x), shape (N). */
  @Override
  public NDArray logProb(NDArray x) {
    if (config.masks() == 1) {
      return logProb(x, 0);
    }
    NDList perMask = new NDList(config.masks());
    for (int k = 0; k < config.masks(); k++) {
      perMask.add(logProb(x, k));
    }
    return TensorMath.logMeanExp(NDArrays.stack(perMask, 1), 1); // (N, K) -> (N)
  }

  /** Connectivity-agnostic training: step t maximises log p_k(x) for mask set k = t mod K. */
  @Override
  public NDArray trainingLogProb(NDArray x, long step) {
    return logProb(x, maskAt(step));
  }

  private int maskAt(long step) {
    return (int) Math.floorMod(step, (long) config.masks());
  }

  /**
   * The maximum-likelihood loss of mask set t mod K. For large weight matrices
   * ({@link #HAND_GRADIENT_ENTRIES}), under autograd, with the vector API and the gradients in
   * CPU memory, the step is {@link MadeGradient}'s: the same products, the
   * gradient derived by hand and added straight into the gradient buffers, and the returned
   * scalar a leaf of its own (its backward pass touches no parameter); gradient buffers that do
   * not exist yet are created first, so every step of a run, resumed or not, takes this route.
   * Otherwise autograd of {@link #trainingLogProb}; {@code MadeTest} checks that both give the
   * same loss and gradients.
   */
  @Override
  public NDArray meanNegativeLogLikelihood(Batch batch, long step) {
    NDArray x = batch.x();
    NDArray[] weightList = allWeights();
    NDArray[] biasList = allBiases();
    ByteBuffer[] weightGradients = null;
    ByteBuffer[] biasGradients = null;
    if (handRoute() && Autograd.isRecording() && x.getShape().dimension() == 2
        && x.getDataType() == DataType.FLOAT32 && !x.getDevice().isGpu()) {
      Autograd.createGradientBuffers(weightList);
      Autograd.createGradientBuffers(biasList);
      weightGradients = Autograd.gradientViews(weightList);
      biasGradients = Autograd.gradientViews(biasList);
    }
    if (weightGradients == null || biasGradients == null) {
      return trainingLogProb(batch, step).mean().neg();
    }
    int k = maskAt(step);
    double loss = kernel().meanLossAndGradient(x,
        MadeMasks.links(degrees[k], directWeight != null), weightList, biasList,
        weightGradients, biasGradients, Engines.threads());
    return Autograd.lossLeaf(x.getManager(), loss);
  }

  private MadeGradient kernel() {
    if (handGradient == null) {
      handGradient = new MadeGradient(parameters.manager(), allWeights());
    }
    return handGradient;
  }

  /** Whether {@link MadeGradient} serves this model: large weights, vector API, CPU memory. */
  private boolean handRoute() {
    return handDerivedGradient && SharedMemory.VECTOR_API && !outputWeight.getDevice().isGpu();
  }

  /**
   * Whether training steps use the hand-derived gradient (where the vector API and CPU memory
   * allow), whatever the size; for tests, which check it on small networks.
   */
  Made handDerivedGradient(boolean use) {
    this.handDerivedGradient = use;
    return this;
  }

  /** The hidden layers' weights, the output's, then the direct connection's when present. */
  private NDArray[] allWeights() {
    NDArray[] all = new NDArray[layers + (directWeight != null ? 2 : 1)];
    System.arraycopy(weights, 0, all, 0, layers);
    all[layers] = outputWeight;
    if (directWeight != null) {
      all[layers + 1] = directWeight;
    }
    return all;
  }

  /** The hidden layers' biases, then the output's. */
  private NDArray[] allBiases() {
    NDArray[] all = Arrays.copyOf(biases, layers + 1);
    all[layers] = outputBias;
    return all;
  }

  /** Exact draws from the K-mask mixture: each row picks a mask set uniformly at random. */
  @Override
  public NDArray sample(NDManager out, int n) {
    float[] u = out.randomUniform(0f, 1f, new Shape(n)).toFloatArray();
    List<List<Integer>> rowsOf = new ArrayList<>();
    for (int k = 0; k < config.masks(); k++) {
      rowsOf.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      rowsOf.get(Math.min(config.masks() - 1, (int) (u[i] * config.masks()))).add(i);
    }
    float[] result = new float[n * dimension];
    for (int k = 0; k < config.masks(); k++) {
      List<Integer> rows = rowsOf.get(k);
      if (rows.isEmpty()) {
        continue;
      }
      try (NDManager m = out.newSubManager()) {
        Shape shape = new Shape(rows.size(), dimension);
        float[] draws = fill(m.zeros(shape), m.zeros(shape), k).toFloatArray();
        for (int r = 0; r < rows.size(); r++) {
          System.arraycopy(draws, r * dimension, result, rows.get(r) * dimension, dimension);
        }
      }
    }
    return out.create(result, new Shape(n, dimension));
  }

  /**
   * Completes x. When {@link #completesExactly} holds (the observed coordinates come first in
   * every mask set's ordering), an exact draw from the mixture's conditional: each row draws
   * its mask set k from p(k | x_o) ∝ p_k(x_o), then the rest from p_k(x_u | x_o). Otherwise a
   * starting draw by mask set 0's chain rule, which conditions each coordinate only on the
   * observed values before it; {@link #chainRuleComplete} then corrects it by Gibbs sweeps.
   */
  @Override
  public NDArray chainRuleComplete(NDArray x, NDArray observed) {
    NDArray keep = (observed.getShape().dimension() == 1
        ? observed.reshape(1, dimension).broadcast(x.getShape()) : observed)
        .toType(x.getDataType(), false);
    if (config.masks() == 1 || !completesExactly(observed)) {
      return fill(x, keep, 0);
    }
    int n = (int) x.getShape().get(0);
    int[] member = new int[n];
    try (NDScope scope = new NDScope()) {
      // log p_k(x_o): the observed coordinates' conditionals, which see only observed values
      NDList perMask = new NDList(config.masks());
      for (int k = 0; k < config.masks(); k++) {
        perMask.add(Bernoulli.logProb(logits(x, k), x).mul(keep).sum(new int[] {1}));
      }
      float[] logPosterior = NDArrays.stack(perMask, 1).toFloatArray(); // (N, K)
      float[] u = x.getManager().randomUniform(0f, 1f, new Shape(n)).toFloatArray();
      for (int i = 0; i < n; i++) {
        member[i] = drawIndex(logPosterior, i * config.masks(), config.masks(), u[i]);
      }
    }
    float[] result = new float[n * dimension];
    for (int k = 0; k < config.masks(); k++) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (member[i] == k) {
          rows.add(i);
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      try (NDManager m = x.getManager().newSubManager()) {
        NDArray index = m.create(rows.stream().mapToLong(Integer::longValue).toArray());
        float[] draws = fill(x.get(index), keep.get(index), k).toFloatArray();
        for (int r = 0; r < rows.size(); r++) {
          System.arraycopy(draws, r * dimension, result, rows.get(r) * dimension, dimension);
        }
      }
    }
    return x.getManager().create(result, new Shape(n, dimension));
  }

  /** Exact when the observed coordinates come first in every mask set's ordering. */
  @Override
  public boolean completesExactly(NDArray observed) {
    for (int[] order : orderings) {
      if (!io.dgm4j.models.AutoregressiveModel.observedIsPrefix(observed, order)) {
        return false;
      }
    }
    return true;
  }

  /** An index drawn with probabilities softmax(logWeights[from .. from+count)), using u. */
  private static int drawIndex(float[] logWeights, int from, int count, float u) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < count; k++) {
      max = Math.max(max, logWeights[from + k]);
    }
    double total = 0;
    for (int k = 0; k < count; k++) {
      total += Math.exp(logWeights[from + k] - max);
    }
    double cumulative = 0;
    for (int k = 0; k < count; k++) {
      cumulative += Math.exp(logWeights[from + k] - max) / total;
      if (u < cumulative) {
        return k;
      }
    }
    return count - 1;
  }

  /**
   * Draws the coordinates where keep is 0, one at a time in mask set k's ordering. The masked
   * weights are formed once; each step runs the hidden layers and one output column.
   */
  private NDArray fill(NDArray x, NDArray keep, int k) {
    NDArray result = x.duplicate();
    float[] observedInEveryRow = keep.min(new int[] {0}).toFloatArray();
    try (NDManager m = x.getManager().newSubManager()) {
      NDArray[] w = maskedWeights(k, m);
      for (int d : orderings[k]) {
        if (observedInEveryRow[d] == 1f) {
          continue;
        }
        try (NDScope scope = new NDScope()) {
          NDIndex column = new NDIndex(":, {}", d);
          NDArray logit = top(result, w).matMul(w[layers].get(column)).add(outputBias.get(d));
          if (directWeight != null) {
            logit = logit.add(result.matMul(w[layers + 1].get(column)));
          }
          NDArray draw = Bernoulli.sample(logit); // (N)
          NDArray kd = keep.get(column);
          result.set(column, kd.mul(result.get(column)).add(kd.neg().add(1).mul(draw)));
        }
      }
    }
    return result;
  }

  /**
   * W ∘ M for every layer of mask set k, owned by {@code owner} (not the model's manager). For
   * large weight matrices ({@link #HAND_GRADIENT_ENTRIES}) on the CPU outside autograd
   * (evaluation, sampling: no gradient has to flow through them), {@link MadeGradient}'s
   * buffers instead, filled by one pass that compares the degrees in registers (owned by the
   * model, valid until the next mask set is formed): at 2 x 8,000 units a forward pass of 100
   * rows took 478-493 ms with the masks built on the engine and multiplied in, 178 ms this way,
   * once per set and batch of an evaluation.
   */
  private NDArray[] maskedWeights(int k, NDManager owner) {
    if (handRoute() && !Autograd.isRecording()) {
      return kernel().masked(MadeMasks.links(degrees[k], directWeight != null), allWeights(),
          Engines.threads());
    }
    NDArray[] mask = masksOf(k);
    NDArray[] weight = allWeights();
    NDArray[] w = new NDArray[mask.length];
    for (int l = 0; l < w.length; l++) {
      w[l] = weight[l].mul(mask[l]);
      w[l].attach(owner);
    }
    return w;
  }

  /** The last hidden layer's activations: h_l = relu(h_{l-1} (W_l ∘ M_l) + b_l), (N, H_last). */
  private NDArray top(NDArray x, NDArray[] w) {
    NDArray h = x;
    for (int l = 0; l < layers; l++) {
      h = Activation.relu(h.matMul(w[l]).add(biases[l])); // (N, in_l) x (in_l, out_l)
    }
    return h;
  }

  private static int[] shuffled(int dimension, SplittableRandom random) {
    int[] o = MadeMasks.naturalOrdering(dimension);
    for (int i = dimension - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      int t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    return o;
  }

  /** The ordering of mask set 0, the natural one 0..D-1, used by {@link #chainRuleComplete}. */
  @Override
  public int[] ordering() {
    return ordering(0);
  }

  /** The ordering of mask set k: {@code ordering(k)[i]} is the coordinate generated i-th. */
  public int[] ordering(int maskIndex) {
    return orderings[maskIndex].clone();
  }

  /** K, the number of mask sets. */
  public int maskCount() {
    return config.masks();
  }

  @Override
  public String family() {
    return "made";
  }

  @Override
  public Config config() {
    return config;
  }
}
