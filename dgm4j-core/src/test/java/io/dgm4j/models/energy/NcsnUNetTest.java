package io.dgm4j.models.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.Batch;
import io.dgm4j.objectives.energy.AnnealedDenoisingScoreMatching;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The U-Net score network of {@code ncsn --set network=unet}, on tiny images. */
class NcsnUNetTest {

  private static Ncsn.Config unet(int channels) {
    Ncsn.Config d = Ncsn.Config.defaults();
    return new Ncsn.Config(d.hidden(), 1, 0.01, 4, 5, 2e-5, "unet", channels, d.dilations());
  }

  /** 32 images of 8x8: the top or the bottom half lit. */
  private static NDArray halves(NDManager m) {
    float[] v = new float[32 * 64];
    for (int i = 0; i < 32; i++) {
      for (int p = 0; p < 64; p++) {
        v[i * 64 + p] = (i % 2 == 0) == (p < 32) ? 1f : 0f;
      }
    }
    return m.create(v, new Shape(32, 64));
  }

  /**
   * Denoising score matching trains it: the untrained network outputs 0, so the loss starts at
   * ½ E‖ε‖² = D/2 = 32 per image; 150 Adam steps must take it well below that.
   */
  @Test
  void learnsToDenoiseAndSamplesImagesInTheUnitBox() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(2);
      Ncsn model = new Ncsn(m.newSubManager(), new int[] {8, 8}, unet(4), 3);
      AnnealedDenoisingScoreMatching objective = new AnnealedDenoisingScoreMatching(model, 0);
      NDArray x = halves(m);
      double first = meanLoss(objective, x);
      assertThat(first).isCloseTo(32, org.assertj.core.data.Offset.offset(2.0));
      for (int step = 0; step < 150; step++) {
        try (NDScope scope = new NDScope()) {
          objective.step(Batch.of(x), step, 0.01);
        }
      }
      assertThat(meanLoss(objective, x)).isLessThan(0.5 * first);
      NDArray samples = model.sample(m, 3);
      assertThat(samples.getShape()).isEqualTo(new Shape(3, 64));
      assertThat(samples.min().getFloat()).isGreaterThanOrEqualTo(0f);
      assertThat(samples.max().getFloat()).isLessThanOrEqualTo(1f);
      model.close();
    }
  }

  private static double meanLoss(AnnealedDenoisingScoreMatching objective, NDArray x) {
    double sum = 0;
    for (int i = 0; i < 20; i++) {
      try (NDScope scope = new NDScope()) {
        sum += objective.validationLoss(Batch.of(x));
      }
    }
    return sum / 20;
  }

  @Test
  void imagesItCannotHalveTwiceAndVectorsAreRejected() {
    try (NDManager m = Engines.newManager()) {
      assertThatThrownBy(() -> new Ncsn(m.newSubManager(), new int[] {28, 30}, unet(4), 1))
          .hasMessageContaining("divisible by 4, got 28x30").hasMessageContaining("network=conv");
      assertThatThrownBy(() -> new Ncsn(m.newSubManager(), new int[] {2}, unet(4), 1))
          .hasMessageContaining("network=unet needs images");
      assertThat(List.of("mlp", "conv", "unet")).allSatisfy(net -> assertThat(
          new Ncsn.Config(List.of(8), 1, 0.01, 2, 1, 1e-5, net, 2, List.of(1)).network())
          .isEqualTo(net));
    }
  }
}
