package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.SharedMemory;
import java.util.SplittableRandom;

/**
 * The chain states a training run keeps beside its weights: persistent contrastive divergence's
 * chains (Tieleman, 2008; {@code rbm}) and the replay buffer of Du and Mordatch (2019;
 * {@code ebm}). Both are saved in the objective's state under the names here, so a finished run
 * can continue them: they have been run for thousands of updates, and are usually far nearer
 * p(x) than fresh chains run for a few hundred steps from noise. Their states were drawn under
 * earlier weights, so a few steps under the final weights (the sampler's {@code --steps})
 * should follow.
 */
public final class PersistentChains {

  /** The name of an RBM's persistent chains in the objective state. */
  public static final String CHAINS = "pcd.chains";

  /** The name of an energy model's replay buffer in the objective state. */
  public static final String REPLAY_BUFFER = "pcd.buffer";

  private PersistentChains() {}

  /**
   * The chain states saved in {@code objectiveState}, one per row, or null when the run keeps
   * none (every objective but {@code pcd}, or a checkpoint without objective state).
   */
  public static NDArray find(NDList objectiveState) {
    if (objectiveState == null) {
      return null;
    }
    for (NDArray a : objectiveState) {
      if (CHAINS.equals(a.getName()) || REPLAY_BUFFER.equals(a.getName())) {
        return a;
      }
    }
    return null;
  }

  /**
   * {@code n} rows of {@code states} (rows × D) chosen at random with the given seed: without
   * replacement while {@code n} ≤ rows, and every row used ⌈n / rows⌉ times at most otherwise.
   *
   * @return shape (n, D), float32, in {@code manager}
   */
  public static NDArray pick(NDManager manager, NDArray states, int n, long seed) {
    long rows = states.getShape().get(0);
    if (rows < 1 || n < 1) {
      throw new IllegalArgumentException("need at least one saved state and n >= 1, got "
          + rows + " states and n = " + n);
    }
    int d = (int) (states.size() / rows);
    float[] all = states.toFloatArray();
    int[] order = new int[(int) rows];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] picked = new float[n * d];
    for (int i = 0; i < n; i++) {
      int within = i % order.length;
      if (within == 0) { // a fresh permutation for each pass over the rows (Fisher-Yates)
        for (int j = order.length - 1; j > 0; j--) {
          int k = random.nextInt(j + 1);
          int t = order[j];
          order[j] = order[k];
          order[k] = t;
        }
      }
      System.arraycopy(all, order[within] * d, picked, i * d, d);
    }
    return SharedMemory.tensor(manager, picked, new Shape(n, d));
  }
}
