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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every energy objective, a few hundred steps on a 2-D toy with a 32-32 energy, gives a model
 * whose test NLL (log Z by quadrature on the grid) beats the maximum-likelihood Gaussian's,
 * which the evaluator computes independently in closed form: the objective has learned
 * structure no Gaussian has.
 *
 * <p>The cases differ where the objective needs it (measured 2026-11-22, seed 3; NLL against
 * the Gaussian's 3.55 on eight-gaussians and 1.90 on two-moons):
 * <ul>
 *   <li>{@code esm} and {@code ssm} run on two-moons, whose two arcs touch. Score matching sees
 *       only the score, which carries nothing of the relative mass of modes that do not overlap:
 *       on eight-gaussians the mode weights random-walk with the minibatch noise (exact score
 *       matching at 250 steps: 66% of the mass in one of the eight modes, 3.97 nats; its NLL
 *       went 3.67, 2.64 at step 100, back to 3.97 at 250 while the loss kept falling), and
 *       {@code ssm} passed there for one seed and failed for the next (2.78, 3.60).
 *   <li>{@code fce} and {@code adversarial} use a small flow (two layers of 16-16 MADEs) so the
 *       case stays within seconds, {@code adversarial} with 50 warm-up steps instead of 200.
 * </ul>
 * The same cases with what these objectives did before: dsm without antithetic pairs 3.85,
 * adversarial with α = 1 3.73, nce with log Z starting at 0 3.44 — all three fail; fce with log
 * Z starting at 0 3.42 (passes narrowly; with its former 200 warm-up steps and the default flow,
 * 3.89).
 */
class EnergyObjectivesOnToyDataTest {
  private static final int BATCH = 100;

  /** One objective's case: the toy, the number of Adam steps and the objective's settings. */
  record Case(String objective, String toy, int steps, String settings) {
    @Override
    public String toString() {
      return objective + " on " + toy + ", " + steps + " steps";
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("dsm", "eight-gaussians", 250, "{}"),
        new Case("esm", "two-moons", 250, "{}"),
        new Case("ssm", "two-moons", 500, "{}"),
        new Case("nce", "eight-gaussians", 250, "{}"),
        new Case("fce", "eight-gaussians", 250,
            "{\"flowHidden\": [16, 16], \"flowLayers\": 2}"),
        new Case("adversarial", "eight-gaussians", 250,
            "{\"samplerHidden\": [16, 16], \"samplerLayers\": 2, \"samplerWarmup\": 50}"),
        new Case("cd", "eight-gaussians", 250, "{\"k\": 10}"),
        new Case("pcd", "eight-gaussians", 250, "{\"k\": 10}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void beatsTheGaussianBaseline(Case c) throws Exception {
    Dataset train = ToyData.generate(c.toy(), 5_000, 1);
    Dataset test = ToyData.generate(c.toy(), 2_000, 2);
    try (NDManager m = Engines.newManager()) {
      Engines.seed(3);
      ObjectNode settings = (ObjectNode) ModelRegistry.json().readTree(
          "{\"hidden\": [32, 32]}");
      GenerativeModel model = ModelRegistry.family("ebm").create(m.newSubManager(),
          new int[] {2}, settings, 5);
      ObjectNode objectiveSettings = (ObjectNode) ModelRegistry.json().readTree(c.settings());
      Objective objective = Objectives.entry(c.objective()).create(model, objectiveSettings, 0);
      if (objective instanceof DataInitialized init) {
        init.initializeFrom(train, 1);
      }
      float[] v = train.values();
      for (int step = 0; step < c.steps(); step++) {
        int from = (step * BATCH) % (train.size() - BATCH);
        try (NDScope scope = new NDScope(); NDManager s = model.manager().newSubManager()) {
          objective.step(Batch.of(s.create(Arrays.copyOfRange(v, 2 * from, 2 * (from + BATCH)),
              new Shape(BATCH, 2))), step, 0.01);
        }
      }
      QuadratureEvaluator.Report r = new QuadratureEvaluator(train, test,
          ToyData.truth(c.toy())).evaluate(model);
      assertThat(r.testNll()).as("%s: test NLL vs Gaussian baseline %.3f", c,
          r.gaussianBaselineNll()).isLessThan(r.gaussianBaselineNll());
    }
  }
}
