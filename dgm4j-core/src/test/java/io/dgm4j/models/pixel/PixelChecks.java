package io.dgm4j.models.pixel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Engines;
import java.util.Random;

/** Checks shared by the image autoregressive model tests. */
final class PixelChecks {
  private PixelChecks() {}

  /**
   * Replaces every weight by N(0, std^2) draws and every bias by a positive value, so no ReLU is
   * dead at the test inputs and every connection the masks allow shows in the gradients. The
   * border term ({@link Border}), a bias that depends on the position, gets small positive
   * values: the samplers must still add it at the right pixel, but it must neither kill ReLUs
   * nor saturate LSTM gates (either would hide connections).
   */
  static <M extends PixelModel> M randomized(M model, double std, long seed) {
    Random random = new Random(seed);
    model.parameters().asMap().forEach((name, p) -> {
      float[] v = new float[(int) p.getShape().size()];
      for (int i = 0; i < v.length; i++) {
        double g = random.nextGaussian() * std;
        boolean border = name.startsWith("border") || name.contains(".border");
        v[i] = (float) (border ? 0.1 * Math.abs(g) : name.endsWith("bias") ? 0.2 + Math.abs(g)
            : g);
      }
      p.set(v);
    });
    return model;
  }

  /**
   * depends[d][j]: whether conditional d's logits have a non-zero gradient with respect to input
   * sub-pixel j (flat channel-last indices), over three random images. One backward pass: the
   * batch holds D copies of the three images and copy d back-propagates only output d (rows of a
   * batch never interact in these models).
   */
  static boolean[][] dependencies(PixelModel model, NDArray labels) {
    int dimension = model.dimension();
    int images = 3;
    boolean[][] depends = new boolean[dimension][dimension];
    try (NDManager m = model.manager().newSubManager()) {
      Random random = new Random(7);
      float[] base = new float[images * dimension];
      for (int i = 0; i < base.length; i++) {
        base[i] = random.nextInt(model.levels());
      }
      int rows = dimension * images;
      float[] v = new float[rows * dimension];
      float[] select = new float[rows * dimension];
      int[] rowLabels = new int[rows];
      int[] given = labels == null ? null : labels.toIntArray();
      for (int d = 0; d < dimension; d++) {
        for (int i = 0; i < images; i++) {
          int row = d * images + i;
          System.arraycopy(base, i * dimension, v, row * dimension, dimension);
          select[row * dimension + d] = 1f;
          rowLabels[row] = given == null ? 0 : given[i % given.length];
        }
      }
      NDArray x = m.create(v, new Shape(rows, dimension));
      NDArray y = labels == null ? null : m.create(rowLabels);
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out = model.conditionalLogits(x, y)
            .mul(m.create(select, new Shape(rows, dimension, 1)));
        gc.backward(out.sum());
      }
      float[] g = x.getGradient().abs().toFloatArray();
      for (int d = 0; d < dimension; d++) {
        for (int i = 0; i < images; i++) {
          int row = d * images + i;
          for (int j = 0; j < dimension; j++) {
            depends[d][j] |= g[row * dimension + j] > 0;
          }
        }
      }
    }
    return depends;
  }

  /** Sum of p(x) over every image with values 0..levels-1 (levels^D of them). */
  static double totalProbability(PixelModel model, NDArray labelsOrNull) {
    int dimension = model.dimension();
    int levels = model.levels();
    int states = (int) Math.pow(levels, dimension);
    float[] v = new float[states * dimension];
    for (int s = 0; s < states; s++) {
      int rest = s;
      for (int d = 0; d < dimension; d++) {
        v[s * dimension + d] = rest % levels;
        rest /= levels;
      }
    }
    try (NDManager m = model.manager().newSubManager()) {
      NDArray x = m.create(v, new Shape(states, dimension));
      NDArray labels = labelsOrNull == null ? null
          : labelsOrNull.get(new NDIndex("0:1")).repeat(0, states);
      double total = 0;
      NDArray logProb = labels == null ? model.logProb(x) : model.logProb(x, labels);
      for (float p : logProb.exp().toFloatArray()) {
        total += p;
      }
      return total;
    }
  }

  /**
   * Fast and naive samplers, given the same uniforms, draw the same values, and the logits each
   * drew from equal the one-pass conditionals of the final images (to 1e-4): each sampler
   * computed p(x_d | x_{<d}) exactly.
   */
  static void assertSamplersAgree(PixelModel model, int n, NDArray labels, long seed) {
    int dimension = model.dimension();
    try (NDManager m = model.manager().newSubManager()) {
      Engines.seed(seed);
      NDArray u = m.randomUniform(0f, 1f, new Shape(n, dimension));
      NDArray zeros = m.zeros(new Shape(n, dimension));
      PixelModel.Draw fast = model.fill(zeros, new float[n * dimension], labels, u, true);
      PixelModel.Draw naive = model.fill(zeros, new float[n * dimension], labels, u, false);
      float[] fastValues = fast.values().toFloatArray();
      assertThat(fastValues).as("fast and naive samples").containsExactly(
          naive.values().toFloatArray());
      float[] reference = model.conditionalLogits(fast.values(), labels).toFloatArray();
      assertThat(fast.logits()).as("fast sampler's conditionals")
          .containsExactly(reference, within(1e-4f));
      assertThat(naive.logits()).as("naive sampler's conditionals")
          .containsExactly(reference, within(1e-4f));
      boolean varied = false;
      for (float f : fastValues) {
        varied |= f != fastValues[0];
      }
      assertThat(varied).as("samples are not constant").isTrue();
    }
  }

  /**
   * The autograd gradient of sum_n log p(x_n) with respect to the named parameters (every entry
   * of a small tensor, 8 random ones of a larger one) equals its central finite difference
   * (h = 1e-2, on random images with values 0..levels-1; randomize the parameters first, so
   * ReLUs are away from their kinks). The differences use only forward passes, so a gradient
   * autograd loses shows as a zero where they are not.
   */
  static void assertGradientsMatchFiniteDifferences(PixelModel model, int images,
      java.util.List<String> names) {
    int dimension = model.dimension();
    try (NDManager m = model.manager().newSubManager()) {
      Random random = new Random(5);
      float[] v = new float[images * dimension];
      for (int i = 0; i < v.length; i++) {
        v[i] = random.nextInt(model.levels());
      }
      NDArray x = m.create(v, new Shape(images, dimension));
      for (String name : names) {
        assertThat(model.parameters().asMap()).as("parameter %s", name).containsKey(name);
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(model.logProb(x).sum());
      }
      double h = 1e-2;
      for (String name : names) {
        NDArray p = model.parameters().get(name);
        float[] gradient = p.getGradient().toFloatArray();
        float[] values = p.toFloatArray();
        for (int trial = 0; trial < Math.min(values.length, 8); trial++) {
          int i = values.length <= 8 ? trial : random.nextInt(values.length);
          float[] changed = values.clone();
          changed[i] = (float) (values[i] + h);
          double up = logLikelihoodWith(model, x, p, changed);
          changed[i] = (float) (values[i] - h);
          double down = logLikelihoodWith(model, x, p, changed);
          p.set(values);
          double numeric = (up - down) / (2 * h);
          assertThat((double) gradient[i]).as("d sum log p / d %s[%d]", name, i)
              .isCloseTo(numeric, within(2e-3 + 0.02 * Math.abs(numeric)));
        }
      }
    }
  }

  private static double logLikelihoodWith(PixelModel model, NDArray x, NDArray p,
      float[] values) {
    p.set(values);
    try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
      return model.logProb(x).sum().getFloat();
    }
  }
}
