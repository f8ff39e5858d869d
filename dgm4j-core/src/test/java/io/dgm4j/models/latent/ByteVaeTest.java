package io.dgm4j.models.latent;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.io.ModelSpec;
import io.dgm4j.models.Batch;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Support;
import io.dgm4j.objectives.Elbo;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VAE family with the discretized-logistic decoder on 8-bit pixels (decoder=logistic); its
 * gradients are checked with the Bernoulli decoder's in {@link VaeTest}.
 */
class ByteVaeTest {

  private static Vae tiny(NDManager m, int latent2) {
    Vae.Config c = new Vae.Config(2, List.of(8), "tanh", latent2, List.of(3), "logistic", "mlp",
        List.of());
    return new Vae("vae", m, new int[] {16}, c, 3);
  }

  /**
   * 8-bit images of 16 pixels: half are dark on the left and bright on the right, half the
   * reverse, with noise; clipped to 0..255, so both ends occur often (as in MNIST).
   */
  static float[] images(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * 16];
    for (int i = 0; i < n; i++) {
      boolean leftBright = r.nextBoolean();
      for (int d = 0; d < 16; d++) {
        boolean bright = (d % 4 < 2) == leftBright;
        double value = (bright ? 230 : 20) + 40 * r.nextGaussian();
        v[i * 16 + d] = (float) Math.max(0, Math.min(255, Math.rint(value)));
      }
    }
    return v;
  }

  @Test
  void theFamiliesModelBytesWithTheLogisticDecoder() {
    var settings = ModelRegistry.json().createObjectNode().put("decoder", "logistic");
    for (String family : List.of("vae", "iwae", "cvae", "autoencoder")) {
      assertThat(ModelRegistry.family(family).support(settings)).as(family)
          .isEqualTo(Support.BYTE);
      assertThat(ModelRegistry.family(family).support()).as(family).isEqualTo(Support.BINARY);
    }
  }

  @Test
  void trainsOnTinyEightBitImagesAndItsElboImproves() {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      Engines.seed(1);
      Vae vae = tiny(m, 0);
      assertThat(vae.support()).isEqualTo(Support.BYTE);
      NDArray data = m.create(images(256, 2), new Shape(256, 16));
      double before = meanElbo(vae, data);
      Elbo objective = new Elbo(vae, Elbo.Config.defaults(), 0);
      SplittableRandom r = new SplittableRandom(5);
      float[] values = data.toFloatArray();
      for (int step = 0; step < 400; step++) {
        try (NDScope scope = new NDScope(); NDManager s = m.newSubManager()) {
          float[] batch = new float[32 * 16];
          for (int i = 0; i < 32; i++) {
            System.arraycopy(values, r.nextInt(256) * 16, batch, i * 16, 16);
          }
          objective.step(Batch.of(s.create(batch, new Shape(32, 16))), step, 0.01);
        }
      }
      double after = meanElbo(vae, data);
      // at the start the decoder is a broad logistic on mid-grey, about 5 nats per pixel. A
      // pixel's marginal is bimodal (dark or bright) with 4.56 nats of entropy (enumerated
      // from the clipped Gaussians), so any model of independent pixels (a decoder that ignores
      // z) needs at least 16 x 4.56 = 73.0 nats; the data's own entropy is 62.8 nats
      assertThat(before).isLessThan(-16 * 4.5);
      assertThat(after).as("ELBO per example after training (before: %.2f)", before)
          .isGreaterThan(before + 12).isGreaterThan(-71);
      // the IWAE estimate is a tighter bound: not below the ELBO
      Engines.seed(3);
      double iwae = vae.logProbEstimate(data, 50).mean().getFloat();
      assertThat(iwae).isGreaterThan(after - 0.5);

      float[] drawn = vae.sample(m, 200).toFloatArray();
      for (float x : drawn) {
        assertThat(x).isBetween(0f, 255f).isEqualTo((float) Math.rint(x));
      }
      float[] mean = vae.reconstruct(data.get("0:4")).toFloatArray();
      for (float x : mean) {
        assertThat(x).isBetween(0f, 255f);
      }
    }
  }

  private static double meanElbo(Vae vae, NDArray data) {
    Engines.seed(9);
    return vae.elbo(data).mean().getFloat();
  }

  @Test
  void saveAndLoadKeepTheDecoderAndTheWeights(@TempDir Path dir) {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      Vae vae = tiny(m, 0);
      for (NDArray p : vae.parameters().asMap().values()) {
        p.addi(Scalars.times(m.randomNormal(p.getShape()), 0.3f));
      }
      Path file = dir.resolve("vae.zip");
      Checkpoint.write(file, ModelSpec.of(vae, new int[] {16}, 3), vae, null, null);
      NDArray x = m.create(images(8, 6), new Shape(8, 16));
      Engines.seed(4);
      float[] before = vae.elbo(x).toFloatArray();
      try (NDManager other = Engines.newManager()) {
        Vae loaded = (Vae) Checkpoint.read(file, other.newSubManager()).model();
        assertThat(loaded.config().decoder()).isEqualTo("logistic");
        assertThat(loaded.support()).isEqualTo(Support.BYTE);
        for (var e : vae.parameters().asMap().entrySet()) {
          assertThat(loaded.parameters().get(e.getKey()).toFloatArray()).as(e.getKey())
              .containsExactly(e.getValue().toFloatArray());
        }
        Engines.seed(4);
        float[] after = loaded.elbo(other.create(x.toFloatArray(), x.getShape()))
            .toFloatArray();
        assertThat(after).containsExactly(before);
      }
    }
  }

  @Test
  void theConditionalVaeScoresBytesGivenALabel() {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      ConditionalVae cvae = new ConditionalVae(m, new int[] {16},
          new ConditionalVae.Config(2, List.of(8), "tanh", 2, "logistic"), 1);
      NDArray x = m.create(images(4, 8), new Shape(4, 16));
      NDArray weights = cvae.logImportanceWeights(new Batch(x, m.create(new int[] {0, 1, 0, 1})),
          5);
      assertThat(weights.getShape()).isEqualTo(new Shape(5, 4));
      for (float w : weights.toFloatArray()) {
        // 16 pixels under a broad logistic: a few nats each, finite
        assertThat(w).isFinite().isLessThan(0f).isGreaterThan(-16 * 12f);
      }
      for (float v : cvae.sampleGiven(m, m.create(new int[] {1, 0})).toFloatArray()) {
        assertThat(v).isBetween(0f, 255f).isEqualTo((float) Math.rint(v));
      }
    }
  }
}
