package io.dgm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Preprocessing;
import io.dgm4j.data.ToyData;
import io.dgm4j.evaluation.GridQuadrature;
import io.dgm4j.evaluation.QuadratureEvaluator;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The evaluation of a model of 2-D data by quadrature on a grid ({@link QuadratureEvaluator}):
 * every energy model gets a true test NLL, and every run a density picture. Used by
 * {@code dgm eval} and at the end of {@code dgm train}.
 */
final class QuadratureReport {
  private QuadratureReport() {}

  /** Whether this model on this data is evaluated by quadrature. */
  static boolean applies(GenerativeModel model, int dimension) {
    return dimension == 2 && (model instanceof EnergyModel || model instanceof DensityModel);
  }

  /**
   * Evaluates {@code model} on the run's data and writes {@code picture}; returns the figures
   * as JSON fields.
   */
  static ObjectNode evaluate(GenerativeModel model, ObjectNode runData, Path dataHome,
      Path picture) {
    String spec = runData.get("spec").asText();
    Preprocessing prep = RunData.preprocessingOf(runData);
    DataSources.DataSplits source = DataSources.resolve(spec, dataHome);
    Dataset train = prep.fixed(source.train(), prep.validationSeed(), "");
    Dataset test = prep.fixed(source.test(), prep.testSeed(), "");
    Optional<ToyData.LogDensity> truth = spec.startsWith("toy:")
        ? ToyData.truth(spec.substring(4)) : Optional.empty();
    QuadratureEvaluator evaluator = new QuadratureEvaluator(train, test, truth);
    QuadratureEvaluator.Report r = evaluator.evaluate(model);
    evaluator.writePicture(picture, r, model.family() + " (grid-normalized)");
    ObjectNode o = ModelRegistry.json().createObjectNode();
    o.put("examples", test.size());
    o.put("test_nll_nats", r.testNll());
    o.put("nll_method", model instanceof DensityModel ? "exact" : "quadrature");
    o.put(model instanceof DensityModel ? "grid_log_mass" : "log_z_quadrature",
        r.logZQuadrature());
    if (!Double.isNaN(r.learnedLogZ())) {
      o.put("log_z_learned", r.learnedLogZ());
      o.put("log_z_learned_method", ((EnergyModel) model).logZ().orElseThrow().method());
      o.put("test_nll_learned_log_z_nats", r.testNllLearnedLogZ());
    }
    o.put("gaussian_baseline_nll_nats", r.gaussianBaselineNll());
    if (!Double.isNaN(r.klTruthToModel())) {
      o.put("kl_truth_to_model_nats", r.klTruthToModel());
    }
    GridQuadrature.Grid g = evaluator.grid();
    o.put("grid", String.format("[%.3f, %.3f] x [%.3f, %.3f], %d x %d cells", g.xMin(),
        g.xMax(), g.yMin(), g.yMax(), g.resolution(), g.resolution()));
    o.put("density_png", picture.toString());
    return o;
  }
}
