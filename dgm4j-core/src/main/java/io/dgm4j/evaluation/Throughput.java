package io.dgm4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.Batch;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Samplable;
import io.dgm4j.models.TrainingCost;
import io.dgm4j.objectives.Objective;
import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * Speed measurements in one engine and one process, so figures compare: a plain large matmul
 * (what the hardware reaches through the engine), a model's training step (forward, backward,
 * Adam) and its sampling. Rates are measured in windows of several seconds each and reported
 * with their spread and the machine's load meanwhile ({@link WindowedRate}).
 */
public final class Throughput {
  private Throughput() {}

  /**
   * Flop/s of a float32 {@code size x size} matmul (2 size^3 flops each), repeated in windows
   * (see {@link WindowedRate}) after one untimed product.
   */
  public static WindowedRate matmul(NDManager manager, int size, int windows,
      double windowSeconds) {
    try (NDManager m = manager.newSubManager()) {
      NDArray a = m.randomNormal(new Shape(size, size));
      NDArray b = m.randomNormal(new Shape(size, size));
      double flops = 2.0 * size * size * (double) size;
      DoubleSupplier product = () -> {
        try (NDScope scope = new NDScope()) {
          a.matMul(b).getFloat(0, 0);
        }
        return flops;
      };
      product.getAsDouble();
      return WindowedRate.measure(product, windows, windowSeconds);
    }
  }

  /**
   * GFLOP/s of a plain float32 3x3 convolution, {@code batch} images of {@code channels} maps of
   * {@code size x size} to {@code channels} maps, zero padding (2 * 9 * C^2 * size^2 * batch
   * flops), best of {@code reps}.
   */
  public static double convolutionGflops(NDManager manager, int batch, int channels, int size,
      int reps) {
    double best = 0;
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.randomNormal(new Shape(batch, channels, size, size));
      NDArray w = m.randomNormal(new Shape(channels, channels, 3, 3));
      double flops = 2.0 * 9 * channels * (double) channels * size * size * batch;
      for (int r = 0; r < reps + 1; r++) {
        try (NDScope scope = new NDScope()) {
          long t = System.nanoTime();
          ai.djl.nn.convolutional.Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1))
              .singletonOrThrow().getFloat(0, 0, 0, 0);
          double s = (System.nanoTime() - t) / 1e9;
          if (r > 0) {
            best = Math.max(best, flops / s / 1e9);
          }
        }
      }
    }
    return best;
  }

  /**
   * Training examples/s of {@code objective}'s steps (Adam) on consecutive batches of {@code data}
   * (with their labels, when it has them), in windows (see {@link WindowedRate}), after
   * {@code warmup} untimed steps.
   */
  public static WindowedRate training(GenerativeModel model, Objective objective, Dataset data,
      int batchSize, int warmup, int windows, double windowSeconds) {
    int d = data.dimension();
    float[] buffer = new float[batchSize * d];
    long[] step = {0};
    DoubleSupplier trainingStep = () -> {
      long s = step[0]++;
      int from = (int) ((s * batchSize) % Math.max(1, data.size() - batchSize));
      data.copyRows(from, batchSize, buffer);
      try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
        NDArray x = SharedMemory.tensor(m, buffer, new Shape(batchSize, d));
        NDArray labels = data.hasLabels()
            ? m.create(Arrays.copyOfRange(data.labels(), from, from + batchSize)) : null;
        objective.step(new Batch(x, labels), s, 1e-4);
      }
      return batchSize;
    };
    for (int s = 0; s < warmup; s++) {
      trainingStep.getAsDouble();
    }
    return WindowedRate.measure(trainingStep, windows, windowSeconds);
  }

  /**
   * Seconds to draw {@code n} samples (after one untimed draw of the same size), in arrays of a
   * sub-manager of {@code manager} (the model's).
   */
  public static double samplingSeconds(Samplable model, NDManager manager, int n) {
    double seconds = 0;
    for (int r = 0; r < 2; r++) {
      try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
        long t = System.nanoTime();
        model.sample(m, n).toFloatArray();
        seconds = (System.nanoTime() - t) / 1e9;
      }
    }
    return seconds;
  }

  /**
   * Seconds to draw {@code n} samples with one named sampler of the model, timed once (run
   * {@link #samplingSeconds(Samplable, NDManager, int)} first to warm the engine up).
   */
  public static double samplingSeconds(Samplable model, NDManager manager, int n,
      String sampler) {
    try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
      long t = System.nanoTime();
      model.sample(m, n, new io.dgm4j.models.Samplable.SamplingOptions(sampler, 0)).values()
          .toFloatArray();
      return (System.nanoTime() - t) / 1e9;
    }
  }

  /**
   * Floating-point operations of one example's forward pass, counting the matrix products
   * (2 flops per multiply-add) that dominate each family; {@code NaN} where no product
   * dominates. See {@link #trainingFlopsPerExample} for a training step.
   */
  public static double forwardFlopsPerExample(GenerativeModel model) {
    if (model instanceof TrainingCost cost) {
      return 2.0 * cost.forwardMultiplyAdds(1);
    }
    JsonNode c = ModelRegistry.json().valueToTree(model.config());
    double d = model.dimension();
    return switch (model.family()) {
      case "mixture" -> 2 * d * c.get("components").asDouble();
      case "fvsbn" -> 2 * d * d;
      // a_d for all d (incremental form: D H) and the D output dot products (D H)
      case "nade" -> 4 * d * c.get("hidden").asDouble();
      case "rnade" -> 2 * d * c.get("hidden").asDouble()
          * (1 + 3 * c.get("components").asDouble());
      case "made" -> {
        double flops = 0;
        double in = d;
        for (JsonNode h : c.get("hidden")) {
          flops += 2 * in * h.asDouble();
          in = h.asDouble();
        }
        flops += 2 * in * d;
        if (c.get("directConnection").asBoolean()) {
          flops += 2 * d * d;
        }
        yield flops;
      }
      // every weight of every convolution is applied at every pixel (masked taps included: the
      // engine multiplies them too); the diagonal LSTM's skewed maps are about twice as wide
      case "pixelcnn", "gated-pixelcnn", "row-lstm", "diagonal-bilstm" -> {
        int[] hwc = ((io.dgm4j.models.pixel.PixelModel) model).imageShape();
        double weights = model.parameters().asMap().entrySet().stream()
            .filter(e -> e.getKey().endsWith(".weight"))
            .mapToDouble(e -> e.getValue().getShape().size()).sum();
        yield 2 * weights * hwc[0] * hwc[1];
      }
      default -> Double.NaN;
    };
  }

  /**
   * Floating-point operations of one example's training step (forward and backward), counting
   * the matrix products a step executes: each forward product P = A B has two backward products,
   * dA and dB, except that no gradient flows into the data, so the products that read x (the
   * mixture's, FVSBN's, MADE's first layer and direct connection) have only dB. Hence 2x the
   * forward products for the mixture and FVSBN, 3x less the input-side products for MADE; for
   * NADE and RNADE, whose work is not one product per layer, 3x the forward count. Models that
   * count their own work ({@link TrainingCost}: the latent-variable family) likewise, with one
   * latent draw per example.
   */
  public static double trainingFlopsPerExample(GenerativeModel model) {
    return trainingFlopsPerExample(model, 1);
  }

  /**
   * As {@link #trainingFlopsPerExample(GenerativeModel)}, for an objective that draws
   * {@code latentSamples} latent values per example (the k of the importance-weighted bound).
   */
  public static double trainingFlopsPerExample(GenerativeModel model, int latentSamples) {
    if (model instanceof TrainingCost cost) {
      return 2.0 * (3 * cost.forwardMultiplyAdds(latentSamples) - cost.dataLayerMultiplyAdds());
    }
    double forward = forwardFlopsPerExample(model);
    JsonNode c = ModelRegistry.json().valueToTree(model.config());
    double d = model.dimension();
    return switch (model.family()) {
      case "mixture", "fvsbn" -> 2 * forward;
      case "made" -> 3 * forward - 2 * d * c.get("hidden").get(0).asDouble()
          - (c.get("directConnection").asBoolean() ? 2 * d * d : 0);
      default -> 3 * forward;
    };
  }
}
