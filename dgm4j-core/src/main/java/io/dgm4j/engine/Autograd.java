package io.dgm4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The few autograd operations DJL's public {@code GradientCollector} does not offer, reached
 * through the PyTorch engine's JNI layer. Kept in this one class so the rest of dgm4j depends
 * only on DJL's engine-neutral API.
 *
 * <p><b>Input gradients.</b> Energy-based models need ∇x of a network's output (the score, for
 * Langevin dynamics and score matching), sometimes as a differentiable graph (score matching
 * differentiates it again with respect to the weights). PyTorch's backward pass accumulates
 * into every leaf it reaches, the model's weights included. For values only (sampling),
 * {@link #inputGradient} stops the weights from requiring a gradient during the pass, so none is
 * computed; when the gradient keeps a graph (score matching), it zeroes the weights' gradients
 * afterwards ({@code zeroGrad} also detaches them from the graph, so no graph survives into the
 * next step). Either way the weights' real gradient, computed later by the training step's own
 * backward pass, is not polluted.
 */
public final class Autograd {
  private Autograd() {}

  /** Whether operations are being recorded for autograd (inside a gradient collector). */
  public static boolean isRecording() {
    return JniUtils.isGradMode();
  }

  /**
   * The gradient buffer of {@code parameter} itself (PyTorch's {@code tensor.grad}), or null
   * while it has none, before the first backward pass reaches it. DJL's {@code getGradient()}
   * returns a fresh array of zeros then, which writing into would not change the gradient.
   */
  public static NDArray gradientBuffer(NDArray parameter) {
    return JniUtils.getGradient((PtNDArray) parameter);
  }

  /**
   * The scalar a hand-derived step returns as its loss once its gradient is in the gradient
   * buffers: a leaf of its own, so the trainer's backward pass of it touches no parameter.
   */
  public static NDArray lossLeaf(NDManager manager, double loss) {
    NDArray leaf = manager.create((float) loss);
    leaf.setRequiresGradient(true);
    return leaf;
  }

  /**
   * Views of the parameters' gradient buffers to add into, or null when a gradient does not
   * exist yet (before the first backward pass) or is not in plain CPU memory, e.g. on a GPU:
   * where a hand-derived gradient (NADE's, MADE's) adds itself, as a backward pass would.
   */
  public static ByteBuffer[] gradientViews(NDArray[] parameters) {
    ByteBuffer[] views = new ByteBuffer[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      NDArray buffer = gradientBuffer(parameters[i]);
      views[i] = buffer == null ? null : SharedMemory.view(buffer);
      if (views[i] == null || views[i].capacity() != parameters[i].size() * Float.BYTES) {
        return null;
      }
    }
    return views;
  }

  /**
   * Gives each parameter that has none a gradient buffer of zeros (a backward pass of its sum
   * with gradient 0), so that a hand-derived gradient can add itself from the first step of a
   * process: every step then takes the same route, and a resumed run continues exactly.
   */
  public static void createGradientBuffers(NDArray[] parameters) {
    for (NDArray p : parameters) {
      if (p.hasGradient() && gradientBuffer(p) == null) {
        try (NDArray sum = p.sum(); NDArray zero = sum.zerosLike()) {
          JniUtils.backward((PtNDArray) sum, (PtNDArray) zero, false, false);
        }
      }
    }
  }

  /** Sets the gradient buffer of {@code parameter} to zero (PyTorch {@code tensor.grad.zero_()}). */
  public static void zeroGradient(NDArray parameter) {
    JniUtils.zeroGrad((PtNDArray) parameter);
  }

  /**
   * Back-propagates {@code target} with a graph of the gradients kept, so that the gradients
   * themselves can be differentiated again (second-order methods: score matching, gradient
   * penalties). Call inside an open GradientCollector.
   */
  public static void backwardCreatingGraph(NDArray target, NDArray gradientOfTarget) {
    JniUtils.backward((PtNDArray) target, (PtNDArray) gradientOfTarget, true, true);
  }

  /**
   * The gradient of Σ_n f(x)_n with respect to x, i.e. ∇x f(x_n) for every row when f acts row
   * by row, together with the leaf it was taken at.
   *
   * @param input the leaf x at which the gradient was taken (requires gradient)
   * @param gradient shape of x; part of the autograd graph when taken with {@code createGraph}
   */
  public record InputGradient(NDArray input, NDArray gradient) {}

  /**
   * ∇x Σ_n f(x)_n, with autograd on whether or not a gradient collector is open.
   *
   * @param x shape (N, ...); not modified (a fresh leaf copy is differentiated)
   * @param f the function, one value per row, shape (N)
   * @param createGraph keep the graph of the gradient so it can be differentiated again
   *     (score matching); false for sampling (Langevin), which only needs the values
   * @param weights the model's parameters: with {@code createGraph} their accumulated gradients
   *     are zeroed afterwards; without, none is computed for them
   */
  public static InputGradient inputGradient(NDArray x, Function<NDArray, NDArray> f,
      boolean createGraph, Iterable<NDArray> weights) {
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    List<PtNDArray> frozen = createGraph ? List.of() : freeze(weights);
    try {
      NDArray leaf = x.stopGradient().duplicate();
      leaf.setRequiresGradient(true);
      NDArray total = f.apply(leaf).sum();
      NDArray ones = total.onesLike();
      JniUtils.backward((PtNDArray) total, (PtNDArray) ones, createGraph, createGraph);
      NDArray gradient = leaf.getGradient();
      if (createGraph) {
        zeroAll(weights);
      } else {
        gradient = gradient.duplicate();
      }
      return new InputGradient(leaf, gradient);
    } finally {
      for (PtNDArray w : frozen) {
        JniUtils.attachGradient(w, true);
      }
      JniUtils.setGradMode(gradMode);
    }
  }

  /**
   * Stops the weights that require a gradient from requiring one, for a backward pass that only
   * needs the input's: the pass then skips every weight-gradient product (about a third of a
   * convolutional network's backward work) and leaves the weights' gradients as they were.
   * Returns the weights to restore.
   */
  private static List<PtNDArray> freeze(Iterable<NDArray> weights) {
    List<PtNDArray> frozen = new ArrayList<>();
    for (NDArray w : weights) {
      PtNDArray p = (PtNDArray) w;
      if (JniUtils.requiresGrad(p)) {
        JniUtils.attachGradient(p, false);
        frozen.add(p);
      }
    }
    return frozen;
  }

  /**
   * The gradient of Σ_n f(x)_n with respect to the input x, one row per example: for a
   * per-example log-density f this is the score ∇x f(x), shape (N, D), with no graph (samplers).
   * Works with or without an open gradient collector; the gradients of
   * {@code parametersToClear} are left as they were (none is computed for them).
   *
   * @param f a per-example function, (N, D) → (N)
   * @param x shape (N, D); left without a gradient
   * @param parametersToClear the trainable tensors f depends on (may be empty): their gradients
   *     are not computed
   * @return ∇x Σ_n f(x)_n, shape (N, D), with no gradient attached
   */
  public static NDArray inputGradient(UnaryOperator<NDArray> f, NDArray x,
      Iterable<NDArray> parametersToClear) {
    InputGradient g = inputGradient(x, f, false, parametersToClear);
    g.input().close();
    return g.gradient();
  }

  /**
   * The vector-Jacobian product v_nᵀ ∂g_n/∂x_n per row, i.e. ∇x Σ_n v_n · g_n, of an input
   * gradient g = ∇x f taken with a graph (for g a gradient this is the Hessian-vector product
   * H_n v_n). One more backward pass; the result keeps a graph, so it can be differentiated with
   * respect to the weights (sliced and exact score matching).
   *
   * @param g an input gradient taken with {@code createGraph}, shape (N, D)
   * @param v the vectors, shape (N, D), constant
   * @param weights the leaves whose accumulated gradients are zeroed afterwards
   * @return shape (N, D)
   */
  public static NDArray vectorJacobian(InputGradient g, NDArray v, Iterable<NDArray> weights) {
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    try {
      NDArray before = g.input().getGradient();
      NDArray target = g.gradient().mul(v.stopGradient()).sum();
      JniUtils.backward((PtNDArray) target, (PtNDArray) target.onesLike(), true, true);
      // with grad mode on, PyTorch accumulates x.grad out of place: after - before is exactly
      // this pass's gradient, and the earlier gradient tensors are left untouched
      NDArray product = g.input().getGradient().sub(before);
      zeroAll(weights);
      return product;
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  /**
   * The divergence Σ_d ∂g_d/∂x_d of an input gradient g = ∇x f taken with a graph, per row: the
   * trace of the Hessian of f, by one vector-Jacobian product per input coordinate (D backward
   * passes; exact score matching is for small D). Keeps a graph.
   *
   * @param g an input gradient taken with {@code createGraph}, shape (N, D)
   * @param weights the leaves whose accumulated gradients are zeroed afterwards
   * @return shape (N)
   */
  public static NDArray divergence(InputGradient g, Iterable<NDArray> weights) {
    long dimension = g.gradient().getShape().get(1);
    NDArray trace = null;
    for (long d = 0; d < dimension; d++) {
      NDArray unit = g.gradient().zerosLike();
      unit.set(new NDIndex(":, {}", d), 1f);
      NDArray column = vectorJacobian(g, unit, weights).get(new NDIndex(":, {}", d));
      trace = trace == null ? column : trace.add(column);
    }
    return trace;
  }

  private static void zeroAll(Iterable<NDArray> weights) {
    for (NDArray w : weights) {
      if (w.hasGradient()) {
        zeroGradient(w);
      }
    }
  }
}
