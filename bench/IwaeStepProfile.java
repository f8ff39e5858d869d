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
import io.dgm4j.models.Batch;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.ImportanceWeightedBound;
import io.dgm4j.models.latent.VariationalModel;
import java.nio.file.Path;

/**
 * Where a two-stochastic-layer IWAE's (k = 50) training step spends its time, one thread: the
 * whole step, the forward pass, forward and backward, and the bare matrix products of every
 * layer that runs once per draw (forward and both backward products) at the same shapes, three
 * rounds. Run by bench/run-java.sh bench/IwaeStepProfile.java BATCH STEPS [HIDDEN [HIDDEN2]],
 * e.g. 20 40 '[200,200]' '[100,100]' (Burda et al.'s sizes, the default).
 */
public class IwaeStepProfile {
  public static void main(String[] args) throws Exception {
    int batch = Integer.parseInt(args[0]);
    int steps = Integer.parseInt(args[1]);
    Engines.threads(1);
    ObjectNode s = ModelRegistry.json().createObjectNode();
    s.put("latent", 100); s.put("latent2", 50);
    s.set("hidden", ModelRegistry.json().readTree(args.length > 2 ? args[2] : "[200,200]"));
    s.set("hidden2", ModelRegistry.json().readTree(args.length > 3 ? args[3] : "[100,100]"));
    DataSources.DataSplits mnist = DataSources.resolve("mnist", Path.of(System.getenv("DGM_DATA")));
    Dataset data = Binarization.fixed(mnist.train().slice(0, 10_000), 255f, 1);
    int d = data.dimension();
    try (NDManager root = Engines.newManager()) {
      GenerativeModel model = ModelRegistry.family("iwae").create(root.newSubManager(), d, s, 1);
      ImportanceWeightedBound objective = new ImportanceWeightedBound((VariationalModel) model,
          new ImportanceWeightedBound.Config(50), 0);
      float[] buf = new float[batch * d];
      long[] step = {0};
      java.util.function.Function<NDManager, NDArray> next = m -> {
        int from = (int) ((step[0]++ * batch) % (data.size() - batch));
        data.copyRows(from, batch, buf);
        return m.create(buf, new Shape(batch, d));
      };
      for (int round = 0; round < 3; round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          try (NDScope sc = new NDScope(); NDManager m = model.manager().newSubManager()) {
            objective.step(Batch.of(next.apply(m)), step[0], 1e-5);
          }
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          try (NDScope sc = new NDScope(); NDManager m = model.manager().newSubManager()) {
            objective.loss(Batch.of(next.apply(m)), 0).getFloat();
          }
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          try (NDScope sc = new NDScope(); NDManager m = model.manager().newSubManager();
              GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = objective.loss(Batch.of(next.apply(m)), 0);
            loss.getFloat();
            gc.backward(loss);
          }
        }
        long t3 = System.nanoTime();
        // bare products of the per-draw layers at rows = batch*50, forward and backward (3
        // products each)
        int r = batch * 50;
        java.util.List<int[]> layers = new java.util.ArrayList<>();
        chain(layers, 100, reversed(s.get("hidden")), d); // p(x | z1)
        chain(layers, 100, list(s.get("hidden2")), 2 * 50); // q(z2 | z1)
        chain(layers, 50, reversed(s.get("hidden2")), 2 * 100); // p(z1 | z2)
        int[][] shapes = layers.toArray(new int[0][]);
        try (NDManager m = root.newSubManager()) {
          NDArray[] xs = new NDArray[shapes.length];
          NDArray[] ws = new NDArray[shapes.length];
          NDArray[] gs = new NDArray[shapes.length];
          for (int j = 0; j < shapes.length; j++) {
            xs[j] = m.randomNormal(new Shape(r, shapes[j][0]));
            ws[j] = m.randomNormal(new Shape(shapes[j][0], shapes[j][1]));
            gs[j] = m.randomNormal(new Shape(r, shapes[j][1]));
          }
          long t4 = System.nanoTime();
          for (int i = 0; i < steps; i++) {
            try (NDScope sc = new NDScope()) {
              for (int j = 0; j < shapes.length; j++) {
                xs[j].matMul(ws[j]); gs[j].matMul(ws[j].transpose()); xs[j].transpose().matMul(gs[j]);
              }
            }
          }
          long t5 = System.nanoTime();
          System.out.printf("batch %d: step %.1f ms, forward %.1f, fwd+bwd %.1f, bare per-draw products fwd+bwd %.1f ms%n",
              batch, (t1 - t0) / 1e6 / steps, (t2 - t1) / 1e6 / steps, (t3 - t2) / 1e6 / steps, (t5 - t4) / 1e6 / steps);
        }
      }
    }
  }

  static java.util.List<Integer> list(com.fasterxml.jackson.databind.JsonNode sizes) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    sizes.forEach(n -> out.add(n.asInt()));
    return out;
  }

  static java.util.List<Integer> reversed(com.fasterxml.jackson.databind.JsonNode sizes) {
    java.util.List<Integer> out = list(sizes);
    java.util.Collections.reverse(out);
    return out;
  }

  /** Appends the (in, out) shapes of a dense chain in -> hidden... -> out. */
  static void chain(java.util.List<int[]> layers, int in, java.util.List<Integer> hidden, int out) {
    int from = in;
    for (int h : hidden) {
      layers.add(new int[] {from, h});
      from = h;
    }
    layers.add(new int[] {from, out});
  }
}
