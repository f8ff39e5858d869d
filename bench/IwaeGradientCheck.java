import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.data.Binarization;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.models.Batch;
import io.dgm4j.models.latent.VariationalModel;
import io.dgm4j.objectives.ImportanceWeightedBound;
import java.nio.file.Path;

/**
 * The IWAE (k = 50) loss and each parameter's gradient norm and sum on one batch of 20 MNIST
 * images for a checkpoint, with a fixed seed: run with two builds to compare them. Run by
 * bench/run-java.sh bench/IwaeGradientCheck.java CHECKPOINT.zip (DGM_DATA set).
 */
public class IwaeGradientCheck {
  public static void main(String[] args) throws Exception {
    Engines.threads(1);
    DataSources.DataSplits mnist = DataSources.resolve("mnist", Path.of(System.getenv("DGM_DATA")));
    Dataset data = Binarization.fixed(mnist.train().slice(0, 100), 255f, 1);
    try (NDManager root = Engines.newManager()) {
      Checkpoint.Loaded loaded = Checkpoint.read(Path.of(args[0]), root.newSubManager());
      VariationalModel model = (VariationalModel) loaded.model();
      ImportanceWeightedBound objective = new ImportanceWeightedBound(model, new ImportanceWeightedBound.Config(50), 0);
      float[] buf = new float[20 * 784];
      data.copyRows(0, 20, buf);
      NDArray x = root.create(buf, new Shape(20, 784));
      for (var p : loaded.model().parameters().asMap().values()) { p.setRequiresGradient(true); }
      Engines.seed(42);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = objective.loss(Batch.of(x), 0);
        System.out.printf("loss %.6f%n", loss.getFloat());
        gc.backward(loss);
      }
      var map = new java.util.TreeMap<>(loaded.model().parameters().asMap());
      for (var e : map.entrySet()) {
        NDArray g = e.getValue().getGradient();
        System.out.printf("%s %.6e %.6e%n", e.getKey(), g.norm().getFloat(), g.sum().getFloat());
      }
    }
  }
}
