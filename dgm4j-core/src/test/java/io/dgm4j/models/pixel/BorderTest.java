package io.dgm4j.models.pixel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The border term ({@link Border}): what it makes possible, and old checkpoints. */
class BorderTest {

  /**
   * On a one-row image, pixel 1 given x0 = v and pixel 2 given (x0, x1) = (0, v) have the same
   * context once the padding before pixel 0 reads as a 0: without the border term PixelCNN,
   * Gated PixelCNN and Row LSTM (3-wide kernels) gave them the same logits for any weights.
   */
  @Test
  void pixelsOneAndTwoOfARowAreToldApart() {
    List<Function<NDManager, PixelModel>> models = List.of(
        m -> new PixelCnn(m, new int[] {1, 3}, new PixelCnn.Config(2, 4, 1, 3, 3, "plain"), 1),
        m -> GatedPixelCnn.create(m, new int[] {1, 3},
            new GatedPixelCnn.Config(2, 4, 2, 3, false, 1), 1),
        m -> new RowLstm(m, new int[] {1, 3}, new RowLstm.Config(2, 4, 1, 3, 3), 1));
    for (Function<NDManager, PixelModel> build : models) {
      try (NDManager m = Engines.newManager()) {
        PixelModel model = PixelChecks.randomized(build.apply(m.newSubManager()), 0.5, 3);
        for (float v : new float[] {0f, 1f}) {
          // rows (v, 0, 0) and (0, v, 0): logits of pixel 1 in the first, pixel 2 in the second
          NDArray x = m.create(new float[] {v, 0, 0, 0, v, 0}, new Shape(2, 3));
          float[] logits = model.conditionalLogits(x, null).toFloatArray(); // (2, 3, 1)
          assertThat(Math.abs(logits[1] - logits[3 + 2])).as("%s, v = %s", model.family(), v)
              .isGreaterThan(1e-3f);
        }
      }
    }
  }

  /**
   * A checkpoint written before the term existed (its weights absent) loads with the term at
   * zero, and then scores as the model without it did; a missing tensor of any other kind is
   * still an error.
   */
  @Test
  void checkpointsWithoutTheTermLoadAndScoreAsBefore() {
    try (NDManager m = Engines.newManager()) {
      PixelCnn saved = new PixelCnn(m.newSubManager(), new int[] {3, 3},
          new PixelCnn.Config(2, 4, 1, 3, 3, "plain"), 1);
      PixelChecks.randomized(saved, 0.5, 3);
      NDArray x = m.create(new float[] {1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1},
          new Shape(2, 9));
      NDList old = new NDList();
      for (NDArray p : saved.parameters().toNDList()) {
        if (p.getName().startsWith("border.")) {
          p.set(new float[(int) p.getShape().size()]); // the model as it was without the term
        } else {
          old.add(p);
        }
      }
      float[] before = saved.logProb(x).toFloatArray();
      PixelCnn loaded = PixelChecks.randomized(new PixelCnn(m.newSubManager(), new int[] {3, 3},
          new PixelCnn.Config(2, 4, 1, 3, 3, "plain"), 2), 0.5, 9); // the term nonzero before loading
      loaded.parameters().load(old, "old.zip");
      assertThat(loaded.parameters().get("border.weight").abs().sum().getFloat()).isZero();
      assertThat(loaded.logProb(x).toFloatArray()).containsExactly(before);
      NDList withoutFirst = new NDList();
      old.stream().filter(p -> !p.getName().equals("first.weight")).forEach(withoutFirst::add);
      assertThatThrownBy(() -> loaded.parameters().load(withoutFirst, "old.zip"))
          .hasMessageContaining("missing parameter first.weight");
    }
  }
}
