package io.dgm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The toy sets: seeded, the documented sizes, and closed-form densities that match the draws. */
class ToyDataTest {

  @Test
  void everyToyHasTheDocumentedSizesAndIsReproducible() {
    for (String name : ToyData.names()) {
      DataSources.DataSplits s = DataSources.resolve("toy:" + name, Path.of("/nonexistent"));
      assertThat(s.train().size()).isEqualTo(20_000);
      assertThat(s.test().size()).isEqualTo(5_000);
      assertThat(s.train().itemShape()).containsExactly(2);
      assertThat(ToyData.generate(name, 100, 5).values())
          .containsExactly(ToyData.generate(name, 100, 5).values());
      assertThat(s.test().values()).isNotEqualTo(
          java.util.Arrays.copyOf(s.train().values(), s.test().values().length));
    }
    assertThatThrownBy(() -> DataSources.resolve("toy:nope", Path.of(".")))
        .hasMessageContaining("toy:two-moons");
  }

  @Test
  void knownDensitiesIntegrateToOneAndMatchTheSamples() {
    for (String name : new String[] {"rings", "eight-gaussians", "checkerboard"}) {
      ToyData.LogDensity truth = ToyData.truth(name).orElseThrow();
      int r = 500;
      double lo = -5.5;
      double h = 11.0 / r;
      double mass = 0;
      double massRightHalf = 0; // x > 0.5, a region that cuts through structure
      for (int j = 0; j < r; j++) {
        for (int i = 0; i < r; i++) {
          double x = lo + (i + 0.5) * h;
          double y = lo + (j + 0.5) * h;
          double p = Math.exp(truth.at(x, y)) * h * h;
          mass += p;
          if (x > 0.5) {
            massRightHalf += p;
          }
        }
      }
      assertThat(mass).as("%s integrates to 1", name).isCloseTo(1.0, within(0.01));
      Dataset points = ToyData.generate(name, 40_000, 1);
      int right = 0;
      for (int n = 0; n < points.size(); n++) {
        if (points.get(n, 0) > 0.5) {
          right++;
        }
      }
      // binomial standard error at n = 40,000 is at most 0.0025
      assertThat(right / 40_000.0).as("%s: fraction of draws with x > 0.5", name)
          .isCloseTo(massRightHalf, within(0.012));
    }
  }
}
