package io.dgm4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.data.Binarization;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.autoregressive.Made;
import io.dgm4j.objectives.MaximumLikelihood;
import io.dgm4j.training.Trainer;
import io.dgm4j.training.TrainingConfig;
import io.dgm4j.training.TrainingState;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java API example of the README, run on tiny data so it keeps compiling and working. */
class JavaApiExampleTest {

  @Test
  void readmeExampleRuns() {
    Dataset pixels = randomImages(300, 4, 4); // stands in for MnistFetcher.load(...).train()
    // --- README example starts here ---
    try (NDManager manager = Engines.newManager()) {
      Dataset train = pixels.slice(0, 250);
      Dataset validation = Binarization.fixed(pixels.slice(250, 300), 255f, 7);

      Made made = new Made(manager.newSubManager(), train.dimension(),
          new Made.Config(new int[] {64}, 4, true, false, 0), 1);
      Trainer trainer = new Trainer(made, new MaximumLikelihood(made),
          new TrainingConfig(3, 50, 1e-2, "cosine", 0, 0, 1), TrainingState.start(), List.of());
      trainer.fit(epoch -> Binarization.dynamic(train, 255f, 1, epoch), validation);

      NDArray x = manager.create(validation.values(), new ai.djl.ndarray.types.Shape(
          validation.size(), validation.dimension()));
      NDArray logProb = made.logProb(x); // exact log p(x) in nats, one per row
      NDArray samples = made.sample(manager, 16); // 16 new binary images, shape (16, 16)
      // --- README example ends here ---
      assertThat(logProb.getShape().get(0)).isEqualTo(50);
      assertThat(samples.getShape().dimension()).isEqualTo(2);
      assertThat(logProb.max().getFloat()).isLessThan(0f);
    }
  }

  private static Dataset randomImages(int n, int h, int w) {
    SplittableRandom r = new SplittableRandom(1);
    float[] v = new float[n * h * w];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(256);
    }
    return new Dataset("random", v, n, new int[] {h, w}, null);
  }
}
