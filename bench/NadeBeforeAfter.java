import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Binarization;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.Throughput;
import io.dgm4j.evaluation.WindowedRate;
import io.dgm4j.models.Batch;
import io.dgm4j.models.autoregressive.Nade;
import io.dgm4j.objectives.MaximumLikelihood;
import io.dgm4j.optim.Adam;
import io.dgm4j.optim.GradientStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * NADE's training speed through autograd (the block-wise forward pass, with Adam in tensor form:
 * before) and with the hand-derived gradient and the fused Adam (after), in one process, windows
 * alternating, next to a plain matmul.
 * Run by bench/nade-before-after.sh THREADS ROUNDS WINDOW_SECONDS.
 */
public class NadeBeforeAfter {
  public static void main(String[] args) {
    int threads = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    double seconds = Double.parseDouble(args[2]);
    int batch = 100;
    Engines.threads(threads);
    DataSources.DataSplits mnist = DataSources.resolve("mnist",
        Path.of(System.getenv().getOrDefault("DGM_DATA", "data")));
    Dataset data = Binarization.fixed(mnist.train().slice(0, 10_000), 255f, 1);
    try (NDManager root = Engines.newManager()) {
      Nade nade = new Nade(root.newSubManager(), 784, Nade.Config.defaults(), 1);
      // before: autograd through the block-wise forward pass, Adam in tensor form (as on main
      // before issue 11); after: the hand-derived gradient and the fused Adam
      Adam tensorFormAdam = new Adam(nade.parameters()).fused(false);
      StepFunction before = (b, step) -> GradientStep.minimize(
          () -> nade.logProb(b.x()).mean().neg(), tensorFormAdam, 0, 1e-4);
      MaximumLikelihood objective = new MaximumLikelihood(nade);
      StepFunction after = (b, step) -> objective.step(b, step, 1e-4);
      List<WindowedRate.Window> beforeWindows = new ArrayList<>();
      List<WindowedRate.Window> afterWindows = new ArrayList<>();
      List<WindowedRate.Window> matmulWindows = new ArrayList<>();
      DoubleSupplier stepBefore = steps(before, nade, data, batch);
      DoubleSupplier stepAfter = steps(after, nade, data, batch);
      for (int s = 0; s < 3; s++) {
        stepBefore.getAsDouble();
        stepAfter.getAsDouble();
      }
      for (int r = 0; r < rounds; r++) {
        matmulWindows.addAll(Throughput.matmul(root, 2048, 1, seconds).scaled(1e-9).windows());
        beforeWindows.addAll(WindowedRate.measure(stepBefore, 1, seconds).windows());
        afterWindows.addAll(WindowedRate.measure(stepAfter, 1, seconds).windows());
        System.out.printf("round %d: matmul %.1f GFLOP/s, autograd %.0f ex/s, hand-derived"
            + " %.0f ex/s (others: %.2f %.2f %.2f cores)%n", r + 1,
            last(matmulWindows).rate(), last(beforeWindows).rate(), last(afterWindows).rate(),
            last(matmulWindows).otherCores(), last(beforeWindows).otherCores(),
            last(afterWindows).otherCores());
      }
      WindowedRate mm = new WindowedRate(matmulWindows);
      WindowedRate b = new WindowedRate(beforeWindows);
      WindowedRate a = new WindowedRate(afterWindows);
      System.out.printf("threads %d, batch %d, %d rounds of %.0f s windows%n", threads, batch,
          rounds, seconds);
      System.out.printf("matmul 2048: median %.1f GFLOP/s [%.1f-%.1f]%n", mm.median(), mm.min(),
          mm.max());
      System.out.printf("autograd:     median %.0f ex/s [%.0f-%.0f], %.2f ex/s per matmul"
          + " GFLOP/s, %d/%d windows disturbed%n", b.median(), b.min(), b.max(),
          b.median() / mm.median(), b.disturbedWindows(), rounds);
      System.out.printf("hand-derived: median %.0f ex/s [%.0f-%.0f], %.2f ex/s per matmul"
          + " GFLOP/s, %d/%d windows disturbed%n", a.median(), a.min(), a.max(),
          a.median() / mm.median(), a.disturbedWindows(), rounds);
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratios[r] = afterWindows.get(r).rate() / beforeWindows.get(r).rate();
      }
      java.util.Arrays.sort(ratios);
      System.out.printf("speed-up per round: median %.2fx [%.2f-%.2f]%n", ratios[rounds / 2],
          ratios[0], ratios[rounds - 1]);
      // evaluation: log p(x) of 500 examples, block-wise forward (as recorded under autograd;
      // here run inside a collector) against the sweep's forward half
      int d = data.dimension();
      float[] evalBuffer = new float[500 * d];
      data.copyRows(0, 500, evalBuffer);
      DoubleSupplier recorded = () -> {
        try (NDScope scope = new NDScope(); NDManager m = nade.manager().newSubManager();
            ai.djl.training.GradientCollector gc =
                ai.djl.engine.Engine.getInstance().newGradientCollector()) {
          nade.logProb(m.create(evalBuffer, new Shape(500, d))).getFloat(0);
        }
        return 500;
      };
      DoubleSupplier swept = () -> {
        try (NDScope scope = new NDScope(); NDManager m = nade.manager().newSubManager()) {
          nade.logProb(m.create(evalBuffer, new Shape(500, d))).getFloat(0);
        }
        return 500;
      };
      recorded.getAsDouble();
      swept.getAsDouble();
      List<WindowedRate.Window> rw = new ArrayList<>();
      List<WindowedRate.Window> sw = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        rw.addAll(WindowedRate.measure(recorded, 1, seconds).windows());
        sw.addAll(WindowedRate.measure(swept, 1, seconds).windows());
      }
      WindowedRate re = new WindowedRate(rw);
      WindowedRate se = new WindowedRate(sw);
      System.out.printf("log p(x), examples/s: block-wise forward %.0f [%.0f-%.0f], sweep %.0f"
          + " [%.0f-%.0f]%n", re.median(), re.min(), re.max(), se.median(), se.min(), se.max());
    }
  }

  private static WindowedRate.Window last(List<WindowedRate.Window> w) {
    return w.get(w.size() - 1);
  }

  interface StepFunction {
    double step(Batch batch, long step);
  }

  private static DoubleSupplier steps(StepFunction objective, Nade nade, Dataset data,
      int batch) {
    int d = data.dimension();
    float[] buffer = new float[batch * d];
    long[] step = {0};
    return () -> {
      long s = step[0]++;
      int from = (int) ((s * batch) % (data.size() - batch));
      data.copyRows(from, batch, buffer);
      try (NDScope scope = new NDScope(); NDManager m = nade.manager().newSubManager()) {
        objective.step(Batch.of(m.create(buffer, new Shape(batch, d))), s);
      }
      return batch;
    };
  }
}
