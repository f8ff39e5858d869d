import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Binarization;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.evaluation.Throughput;
import io.dgm4j.evaluation.WindowedRate;
import io.dgm4j.models.Batch;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.MaximumLikelihood;
import io.dgm4j.optim.Adam;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Where a dense model's training step spends its time, in one process: the whole step, the
 * forward pass, forward and backward, the Adam update alone (fused and in tensor form), and the step's bare matrix products
 * at the same shapes without autograd, next to a 2048x2048 matmul. Each part runs in windows,
 * rounds alternating. Run by bench/dense-step-profile.sh MODEL BATCH THREADS ROUNDS SECONDS
 * [KEY=VALUE...] (settings as for `dgm bench --set`, without the model prefix).
 */
public class DenseStepProfile {
  public static void main(String[] args) throws Exception {
    String name = args[0];
    int batch = Integer.parseInt(args[1]);
    Engines.threads(Integer.parseInt(args[2]));
    int rounds = Integer.parseInt(args[3]);
    double seconds = Double.parseDouble(args[4]);
    ObjectNode settings = ModelRegistry.json().createObjectNode();
    for (int i = 5; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      settings.set(kv[0], ModelRegistry.json().readTree(kv[1]));
    }
    DataSources.DataSplits mnist = DataSources.resolve("mnist",
        Path.of(System.getenv().getOrDefault("DGM_DATA", "data")));
    Dataset data = Binarization.fixed(mnist.train().slice(0, 10_000), 255f, 1);
    int d = data.dimension();
    try (NDManager root = Engines.newManager()) {
      DensityModel model = (DensityModel) ModelRegistry.family(name)
          .create(root.newSubManager(), d, settings, 1);
      double flopsPerStep = Throughput.trainingFlopsPerExample(model) * batch;
      MaximumLikelihood objective = new MaximumLikelihood(model);
      Adam adam = new Adam(model.parameters());
      float[] buffer = new float[batch * d];
      long[] step = {0};
      java.util.function.Function<NDManager, NDArray> nextBatch = m -> {
        long s = step[0]++;
        int from = (int) ((s * batch) % (data.size() - batch));
        data.copyRows(from, batch, buffer);
        return SharedMemory.tensor(m, buffer, new Shape(batch, d));
      };
      Map<String, DoubleSupplier> parts = new LinkedHashMap<>();
      parts.put("whole step", () -> {
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
          objective.step(Batch.of(nextBatch.apply(m)), step[0], 1e-5);
        }
        return flopsPerStep;
      });
      parts.put("forward", () -> {
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
          model.meanNegativeLogLikelihood(Batch.of(nextBatch.apply(m)), step[0]).getFloat();
        }
        return flopsPerStep;
      });
      parts.put("forward+backward", () -> {
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = model.meanNegativeLogLikelihood(Batch.of(nextBatch.apply(m)), step[0]);
            loss.getFloat();
            gc.backward(loss);
          }
        }
        return flopsPerStep;
      });
      Adam tensorFormAdam = new Adam(model.parameters()).fused(false);
      parts.put("adam (fused)", () -> {
        adam.step(1e-9);
        return flopsPerStep;
      });
      parts.put("adam (tensor form)", () -> {
        tensorFormAdam.step(1e-9);
        return flopsPerStep;
      });
      // the step's products without autograd: forward (N, D) x (D, H) and (N, H) x (H, D), and
      // the backward ones at the same sizes; only for one-hidden-layer MADE and the mixture
      JsonShapes shapes = JsonShapes.of(model, batch, d);
      if (shapes != null) {
        NDManager pm = root.newSubManager();
        NDArray x = pm.randomUniform(0f, 1f, new Shape(batch, d));
        NDArray w1 = pm.randomNormal(new Shape(d, shapes.hidden));
        NDArray w2 = pm.randomNormal(new Shape(shapes.hidden, d));
        NDArray gOut = pm.randomNormal(new Shape(batch, d));
        NDArray h = pm.randomNormal(new Shape(batch, shapes.hidden));
        parts.put("bare products", shapes.mixture ? () -> {
          try (NDScope scope = new NDScope()) {
            NDArray joint = x.matMul(w2.transpose()); // (N, D) x (D, K)
            joint.transpose().matMul(x).getFloat(0, 0); // (K, N) x (N, D)
          }
          return flopsPerStep;
        } : () -> {
          try (NDScope scope = new NDScope()) {
            x.matMul(w1).getFloat(0, 0); // forward layer 1
            h.matMul(w2).getFloat(0, 0); // forward layer 2
            h.transpose().matMul(gOut).getFloat(0, 0); // dW2 = h^T g
            NDArray gh = gOut.matMul(w2.transpose()); // dh = g W2^T
            x.transpose().matMul(gh).getFloat(0, 0); // dW1 = x^T dh
          }
          return flopsPerStep;
        });
      }
      for (DoubleSupplier p : parts.values()) {
        for (int i = 0; i < 3; i++) {
          p.getAsDouble();
        }
      }
      Map<String, java.util.List<WindowedRate.Window>> windows = new LinkedHashMap<>();
      windows.put("matmul 2048", new java.util.ArrayList<>());
      parts.keySet().forEach(k -> windows.put(k, new java.util.ArrayList<>()));
      for (int r = 0; r < rounds; r++) {
        windows.get("matmul 2048").addAll(
            Throughput.matmul(root, 2048, 1, seconds).windows());
        for (Map.Entry<String, DoubleSupplier> p : parts.entrySet()) {
          windows.get(p.getKey()).addAll(WindowedRate.measure(p.getValue(), 1, seconds).windows());
        }
      }
      System.out.printf("%s %s, batch %d, %d threads, %d rounds of %.0f s; %.3f GFLOP per step%n",
          name, settings, batch, Engines.threads(), rounds, seconds, flopsPerStep / 1e9);
      double matmul = new WindowedRate(windows.get("matmul 2048")).median() / 1e9;
      for (Map.Entry<String, java.util.List<WindowedRate.Window>> e : windows.entrySet()) {
        WindowedRate rate = new WindowedRate(e.getValue());
        double gflops = rate.median() / 1e9;
        String perStep = e.getKey().startsWith("matmul") ? ""
            : String.format("  %.2f ms per step", flopsPerStep / rate.median() * 1e3);
        System.out.printf("%-18s %7.1f GFLOP/s-equivalent [%.1f-%.1f] = %3.0f%% of matmul%s,"
            + " %d/%d disturbed%n", e.getKey(), gflops, rate.min() / 1e9, rate.max() / 1e9,
            100 * gflops / matmul, perStep, rate.disturbedWindows(), rounds);
      }
    }
  }

  /** Hidden size (or K) of the shapes whose bare products are all of the counted flops. */
  record JsonShapes(int hidden, boolean mixture) {
    static JsonShapes of(DensityModel model, int batch, int d) {
      var c = ModelRegistry.json().valueToTree(model.config());
      if (model.family().equals("made") && c.get("hidden").size() == 1
          && !c.get("directConnection").asBoolean()) {
        return new JsonShapes(c.get("hidden").get(0).asInt(), false); // the 5 products a step runs
      }
      if (model.family().equals("mixture")) {
        return new JsonShapes(c.get("components").asInt(), true); // its 2 products
      }
      return null;
    }
  }
}
