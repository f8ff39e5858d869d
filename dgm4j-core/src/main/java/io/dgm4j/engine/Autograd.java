package io.dgm4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The few autograd operations DJL's public {@code GradientCollector} does not offer, reached
 * through the PyTorch engine's JNI layer. Kept in this one class so the rest of dgm4j depends
 * only on DJL's engine-neutral API.
 */
public final class Autograd {
  private Autograd() {}

  /** Whether operations are being recorded for autograd (inside a gradient collector). */
  public static boolean isRecording() {
    return JniUtils.isGradMode();
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
}
