package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
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

/**
 * Neural autoregressive distribution estimator (NADE; Larochelle and Murray 2011): every
 * conditional reads a hidden layer whose weights are shared across coordinates,
 *
 * <pre>
 *   h_d = sigmoid(c + sum_{j before d} W_j x_j)        (H)
 *   p(x_d = 1 | x_{<d}) = sigmoid(b_d + V_d . h_d)
 * </pre>
 *
 * with W_j, V_d rows of (D, H) matrices (coordinate-indexed, so a trained model's weights mean
 * the same thing whatever its ordering). The paper reports 88.33 nats on binarized MNIST with
 * H = 500.
 *
 * <p>The forward pass walks the ordering in blocks of B = 8 steps, carrying the running
 * pre-activation a = c + sum_{j before the block} W_j x_j (N, H). Shifting the inputs by one step
 * (a leading 1 carrying c, the last coordinate dropped) makes each a_d an inclusive prefix sum.
 * Per block: one matrix product of the block's lower-triangular masked inputs (B N, B) with its
 * weight rows (B, H) gives the within-block sums, a is added by broadcasting, then sigmoid, the
 * output dot products as a product with V's rows and a sum over H, and a += x_block W_block.
 * Every intermediate is (B, N, H), 1.6 MB at N = 100, H = 500, so it stays in cache, and is closed
 * at once (autograd keeps only what the backward pass needs); W and V are split into blocks once
 * (one concat in the backward pass) rather than sliced per block. The previous loop-free version
 * materialised several (N, D, H) tensors (157 MB each at D = 784) and was memory-bandwidth bound.
 * Measured maximum-likelihood training steps (forward, backward, Adam) at N = 100, D = 784,
 * H = 500, 1 thread, old and new alternating in one process, median of 3: 177 examples/s for the
 * loop-free (N, D, H) version, 776 examples/s for blocks of 8 (blocks of 4: 716, 12: 796,
 * 16: 653; a batched (B, N, H) x (B, H, 1) output product instead of multiply-and-sum, or a
 * cumSum instead of the masked product, or a slice of the last pre-activation for the update
 * of a, were each slower). What remains is mostly the N D H sigmoids and additions themselves.
 *
 * <p><b>Training uses a hand-derived gradient</b> ({@link #meanNegativeLogLikelihood},
 * {@link NadeGradient}): one sweep over the ordering per block of 8 examples computes the loss
 * and the exact gradient of all four parameters in O(D H) per example, with the paper's
 * backward recursion folded into the forward sweep, on plain float arrays with the JDK's
 * vector API, examples split over the engine's thread count; {@link #logProb} outside autograd (evaluation, validation) runs the
 * sweep's forward half. The block-wise forward pass above stays for {@link #logits} and for
 * {@link #logProb} under autograd (any objective can differentiate it), and is the reference
 * the sweep is tested against. Why
 * this route, by measurement (2026-11-22, on a shared machine that other sessions kept at a
 * load of about 20 on 2 cores, so the figures compare only within one line):
 * <ul>
 *   <li>autograd through the block-wise pass against the hand-derived gradient, 1 thread,
 *       batch 100, windows of 10 s alternating in one process ({@code bench/nade-before-after.sh
 *       1 3 10}): 28 against 222 examples/s, 7.9x (per round 5.2-8.5x);
 *   <li>the D H sigmoids dominate the useful work. The vector API's {@code EXP} (SVML on x86)
 *       computes a sigmoid in 0.33 ns per element with AVX-512; a plain Java loop calling
 *       {@code Math.exp} takes 5.8 ns (the JIT cannot vectorise it), which alone would cap
 *       training near 440 examples/s per core. Plain loops were therefore not an option for
 *       the exponentials; the other loops (fma, add) gain from the same vectors;
 *   <li>the sweep as first written (one example at a time, sigmoids at every step) ran at
 *       3,322-3,539 examples/s for the whole training step (2 threads, batch 100, random
 *       binary inputs with 13% ones, idle machine, 2026-11-22); of its 28 ms per step 21 went
 *       to the sweep, which streamed V and its gradient (1.6 MB each) through the cache once
 *       per example and computed all D H sigmoids although h changes only after an input that
 *       is not 0. Sweeping blocks of 8 examples together, computing sigmoids only where h
 *       changes, four examples' dot products per load of V and the per-step softplus as one
 *       vector operation took the sweep to 11.4 ms; adding the workers' sums row-parallel
 *       straight into the gradient buffers (1.4 ms of serial copies before) and reading the
 *       parameters from their memory without a second copy brought the step to 6,513-7,050
 *       examples/s in the same session ({@code ./dgm bench --models nade --threads 2}, alternating
 *       with the previous build: 3,806 and 3,497 before, 6,958 and 6,859 after, next to a
 *       325-328 GFLOP/s matmul: 21 examples/s per GFLOP/s). Blocks of 4, 12 and 16 gave
 *       6,070-6,469, 5,948-6,248 and 5,113-5,167: eight examples' five rows of state (80 KB) stay
 *       closest to the core; an earlier measurement of groups (when the sigmoids of every step
 *       still dominated) had shown no gain;
 *   <li>the flag: the vector API is an incubator module in Java 17, so the build compiles with
 *       {@code --add-modules jdk.incubator.vector} and the {@code dgm} launcher and the tests
 *       run with it. A JVM started without it still runs dgm4j: {@link SharedMemory#VECTOR_API} is false and
 *       training falls back to autograd, with the same results, only slower.
 * </ul>
 *
 * <p>Sampling and completion use the incremental sampler of the paper: a running pre-activation
 * a += W_d x_d after each draw, O(H) per coordinate and example.
 *
 * <p>Initialisation: the paper does not prescribe one; W and V are Glorot-uniform, b and c zero.
 */
public final class Nade extends BinaryAutoregressiveModel {
  /** Steps per block of the forward pass; see the class comment. */
  private static final int BLOCK = 8;

  /**
   * @param hidden number of hidden units H (shared by all conditionals)
   * @param ordering "raster" or "random" (see {@link Orderings})
   * @param orderingSeed seed of the random ordering (ignored for raster)
   */
  public record Config(int hidden, String ordering, long orderingSeed) {
    public Config {
      if (hidden <= 0) {
        throw new IllegalArgumentException("hidden must be positive, got " + hidden);
      }
      Orderings.check(ordering);
    }

    /** H = 500 with a raster ordering, the paper's binarized-MNIST setting (88.33 nats). */
    public static Config defaults() {
      return new Config(500, "raster", 0);
    }
  }

  private final Config config;
  private final int hidden;
  private final int[] order;
  private final boolean raster;
  private final NDArray order64; // ordering as an int64 index
  private final NDArray position64; // inverse ordering as an int64 index
  private final NDArray w; // (D, H): input weights, row j for x_j
  private final NDArray c; // (H): hidden bias
  private final NDArray v; // (D, H): output weights, row d for conditional d
  private final NDArray b; // (D): output bias
  private final NDArray lowerTriangle; // (B, 1, B): 1 where r' <= r
  private NadeGradient gradient; // created on first use, holds per-thread buffers

  public Nade(NDManager manager, int dimension, Config config, long seed) {
    super(manager, dimension, seed);
    this.config = config;
    this.hidden = config.hidden();
    this.order = Orderings.of(config.ordering(), config.orderingSeed(), dimension);
    this.raster = Orderings.isIdentity(order);
    this.order64 = manager.create(toLong(order));
    this.position64 = manager.create(toLong(Orderings.positions(order)));
    this.w = parameters.glorot("w", dimension, hidden);
    this.c = parameters.zeros("c", hidden);
    this.v = parameters.glorot("v", dimension, hidden);
    this.b = parameters.zeros("b", dimension);
    float[] tri = new float[BLOCK * BLOCK];
    for (int r = 0; r < BLOCK; r++) {
      for (int q = 0; q <= r; q++) {
        tri[r * BLOCK + q] = 1f;
      }
    }
    this.lowerTriangle = manager.create(tri, new Shape(BLOCK, 1, BLOCK));
  }

  @Override
  public NDArray logits(NDArray x) {
    NDManager m = x.getManager();
    long n = x.getShape().get(0);
    // Ordering space: column i is coordinate order[i]. Shift by one so that step i sees inputs
    // 0..i-1 inclusively; the leading 1 carries the hidden bias c. These copies are (N, D) and
    // (D, H), small next to the per-step hidden layers.
    NDArray xo = raster ? x : x.get(new NDIndex(":, {}", order64)); // (N, D)
    NDArray wo = raster ? w : w.get(order64);
    NDArray vo = raster ? v : v.get(order64);
    NDArray xs = m.ones(new Shape(n, 1));
    NDArray ws = c.reshape(1, hidden);
    if (dimension > 1) {
      xs = TensorMath.concat(new NDList(xs, xo.get(new NDIndex(":, :{}", dimension - 1))), 1);
      ws = TensorMath.concat(new NDList(ws, wo.get(new NDIndex(":{}", dimension - 1))), 0);
    }
    // One split per weight matrix (its backward is a single concat), not a slice per block
    // (each of whose backward would write a zero (D, H) gradient).
    long[] cuts = new long[(dimension - 1) / BLOCK];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = (long) (i + 1) * BLOCK;
    }
    NDList wParts = cuts.length == 0 ? new NDList(ws) : ws.split(cuts, 0); // (k, H) each
    NDList vParts = cuts.length == 0 ? new NDList(vo) : vo.split(cuts, 0);
    NDList pieces = new NDList(wParts.size());
    NDArray running = null; // (N, H): c + sum of W_j x_j over all earlier blocks
    for (int block = 0; block < wParts.size(); block++) {
      int start = block * BLOCK;
      int k = (int) wParts.get(block).getShape().get(0);
      NDArray piece;
      NDArray next = null;
      // intermediates are closed at once; autograd keeps what the backward pass needs
      try (NDScope scope = new NDScope()) {
        NDArray wk = wParts.get(block);
        NDArray xk = xs.get(new NDIndex(":, {}:{}", start, start + k)); // (N, k)
        // row (r, n) holds x_{n, r'} for r' <= r: (k, N, k) -> (k N, k)
        NDArray masked = xk.reshape(1, n, k).mul(triangle(k)).reshape(k * n, k);
        NDArray pre = masked.matMul(wk).reshape(k, n, hidden); // (k, N, H)
        if (running != null) {
          pre = pre.add(running);
        }
        NDArray h = Activation.sigmoid(pre);
        piece = h.mul(vParts.get(block).reshape(k, 1, hidden)).sum(new int[] {2}); // (k, N)
        if (start + k < dimension) {
          next = xk.matMul(wk);
          if (running != null) {
            next = next.add(running);
          }
          NDScope.unregister(next);
        }
        NDScope.unregister(piece);
      }
      pieces.add(piece);
      if (running != null) {
        running.close();
      }
      running = next;
    }
    NDArray lo = TensorMath.concat(pieces, 0).transpose(); // (N, D)
    pieces.close();
    lo = lo.add(raster ? b : b.get(order64));
    return raster ? lo : lo.get(new NDIndex(":, {}", position64));
  }

  /** (k, 1, k) lower-triangular mask, 1 where r' <= r; the full block's is kept. */
  private NDArray triangle(int k) {
    if (k == BLOCK) {
      return lowerTriangle;
    }
    return lowerTriangle.get(new NDIndex(":{}, :, :{}", k, k));
  }

  /**
   * The D log conditionals log p(x_d | x_{<d}), shape (N, D); their sum over d is
   * {@link #logProb}.
   */
  public NDArray logConditionals(NDArray x) {
    return Bernoulli.logProb(logits(x), x);
  }

  /**
   * The paper's O(DH) sampler: the running pre-activation a gains W_d x_d after each draw, and
   * x_d = 1 iff V_d . sigmoid(a) + b_d exceeds logistic noise.
   */
  @Override
  public NDArray chainRuleComplete(NDArray x, NDArray observed) {
    try (NDScope scope = new NDScope()) {
      NDList noise = RunningSumCompletion.logisticNoise(x);
      NDList outputColumns = v.transpose().split(dimension, 1); // (H, 1) each
      NDArray completed = RunningSumCompletion.complete(x, observed, order, c,
          w.split(dimension, 0),
          (a, d) -> Activation.sigmoid(a).matMul(outputColumns.get(d)).add(b.get(d))
              .gt(noise.get(d)).toType(DataType.FLOAT32, false));
      NDScope.unregister(completed);
      return completed;
    }
  }

  /**
   * Exact log p(x). Outside autograd (evaluation, validation, scoring) and with the vector API,
   * the forward half of {@link NadeGradient}'s sweep; under autograd (any objective that
   * differentiates it) the block-wise forward pass above, which the tests check it against.
   */
  @Override
  public NDArray logProb(NDArray x) {
    if (!SharedMemory.VECTOR_API || Autograd.isRecording() || x.getShape().dimension() != 2) {
      return super.logProb(x);
    }
    int n = (int) x.getShape().get(0);
    float[] out = new float[n];
    kernel().logProb(x.toFloatArray(), n, order, new NDArray[] {w, c, v, b}, Engines.threads(),
        out);
    return x.getManager().create(out);
  }

  /** The sweep's gradient buffers for W, c, V and b, reused across steps. */
  private float[][] gradients;

  private NadeGradient kernel() {
    if (gradient == null) {
      gradient = new NadeGradient(dimension, hidden);
    }
    return gradient;
  }

  /**
   * The maximum-likelihood loss with its hand-derived gradient ({@link NadeGradient}) when the
   * JVM has the vector API module, else through autograd of {@link #logProb}. The returned
   * scalar equals the mean negative log-likelihood, and its backward pass leaves the exact
   * gradient (autograd's up to float rounding, checked in {@code NadeTest}) in the four
   * parameters' gradients. On the CPU under autograd the sweep adds its gradients straight into
   * the gradient buffers (as a backward pass accumulates) and the returned scalar is a leaf of
   * its own whose backward pass touches no parameter. That skips a linear stand-in's four
   * products and sums, their backward pass and two (D, H) copies: in alternating processes on
   * an idle machine (2 threads, batch 100, 2026-11-22) the step went from 2,146-3,100 to
   * 2,867-3,073 examples/s, with the same losses to the last digit over two epochs. The first
   * step of a process, before any gradient buffer exists, and other devices (a GPU) take the
   * gradient to the parameters through that stand-in, sum_p &lt;p, G_p&gt; minus its own
   * detached value.
   */
  @Override
  public NDArray meanNegativeLogLikelihood(Batch batch, long step) {
    NDArray x = batch.x();
    if (!SharedMemory.VECTOR_API || x.getShape().dimension() != 2) {
      return trainingLogProb(batch, step).mean().neg();
    }
    int n = (int) x.getShape().get(0);
    NDArray[] parameters = {w, c, v, b};
    NDManager m = x.getManager();
    float[] xa = x.toFloatArray();
    ByteBuffer[] views = Autograd.isRecording() ? Autograd.gradientViews(parameters) : null;
    if (views == null && gradients == null) {
      gradients = new float[][] {new float[dimension * hidden], new float[hidden],
          new float[dimension * hidden], new float[dimension]};
    }
    double loss = kernel().meanLossAndGradient(xa, n, order, parameters, views,
        gradients, Engines.threads());
    if (views != null) {
      return Autograd.lossLeaf(m, loss); // the gradients are in place
    }
    NDArray linear = w.mul(m.create(gradients[0], w.getShape())).sum()
        .add(c.mul(m.create(gradients[1], c.getShape())).sum())
        .add(v.mul(m.create(gradients[2], v.getShape())).sum())
        .add(b.mul(m.create(gradients[3], b.getShape())).sum());
    return linear.sub(linear.stopGradient()).add(m.create((float) loss));
  }

  @Override
  public int[] ordering() {
    return order.clone();
  }

  /**
   * (D - 1) H + H + D H + D: the input weights W_j of the coordinate generated last feed no
   * conditional (it has no successor), so they are stored but not counted.
   */
  @Override
  public long parameterCount() {
    return (long) (dimension - 1) * hidden + hidden + (long) dimension * hidden + dimension;
  }

  @Override
  public String family() {
    return "nade";
  }

  @Override
  public Config config() {
    return config;
  }

  private static long[] toLong(int[] values) {
    long[] r = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      r[i] = values[i];
    }
    return r;
  }
}
