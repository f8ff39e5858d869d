package io.dgm4j.objectives.energy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.ToyData;
import io.dgm4j.engine.Engines;
import io.dgm4j.evaluation.QuadratureEvaluator;
import io.dgm4j.models.Batch;
import io.dgm4j.models.DataInitialized;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.Objective;
import io.dgm4j.objectives.Objectives;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Energy objectives, a few hundred steps on the eight-Gaussians toy, give a model whose test NLL
 * (log Z by quadrature on the grid) beats the maximum-likelihood Gaussian's: the objective has
 * learned the multimodal structure no Gaussian has.
 *
 * <p>Not here, because they do not meet this at this test's budget (250 steps, a 32-32 energy;
 * measured on 2026-11-22, docs/BENCHMARKS.md has their figures at 500 steps and 128-128):
 * {@code dsm} (3.85 nats against the baseline's 3.55) and {@code esm} (3.97), which pass only
 * with the larger budget (esm) or not yet (dsm); {@code fce}, which also took minutes here;
 * {@code nce}, whose Gaussian noise is told apart from eight separated modes too easily to
 * teach much in a few hundred steps; and {@code adversarial}, whose min-max game diverges or
 * collapses onto a spurious well in this implementation.
 */
class EnergyObjectivesOnToyDataTest {
  private static final int STEPS = 250;
  private static final int BATCH = 100;

  @ParameterizedTest
  @ValueSource(strings = {"ssm", "cd", "pcd"})
  void beatsTheGaussianBaseline(String objectiveName) throws Exception {
    Dataset train = ToyData.generate("eight-gaussians", 5_000, 1);
    Dataset test = ToyData.generate("eight-gaussians", 2_000, 2);
    try (NDManager m = Engines.newManager()) {
      Engines.seed(3);
      ObjectNode settings = (ObjectNode) ModelRegistry.json().readTree(
          "{\"hidden\": [32, 32]}");
      GenerativeModel model = ModelRegistry.family("ebm").create(m.newSubManager(),
          new int[] {2}, settings, 5);
      ObjectNode objectiveSettings = ModelRegistry.json().createObjectNode();
      if (objectiveName.endsWith("cd")) {
        objectiveSettings.put("k", 10);
      }
      Objective objective = Objectives.entry(objectiveName).create(model, objectiveSettings, 0);
      if (objective instanceof DataInitialized init) {
        init.initializeFrom(train, 1);
      }
      float[] v = train.values();
      for (int step = 0; step < STEPS; step++) {
        int from = (step * BATCH) % (train.size() - BATCH);
        try (NDScope scope = new NDScope(); NDManager s = model.manager().newSubManager()) {
          objective.step(Batch.of(s.create(Arrays.copyOfRange(v, 2 * from, 2 * (from + BATCH)),
              new Shape(BATCH, 2))), step, 0.01);
        }
      }
      QuadratureEvaluator.Report r = new QuadratureEvaluator(train, test,
          ToyData.truth("eight-gaussians")).evaluate(model);
      assertThat(r.testNll()).as("%s: test NLL vs Gaussian baseline %.3f", objectiveName,
          r.gaussianBaselineNll()).isLessThan(r.gaussianBaselineNll());
    }
  }
}
