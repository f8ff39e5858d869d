package io.dgm4j.evaluation;

import io.dgm4j.data.Dataset;
import io.dgm4j.data.ToyData;
import io.dgm4j.distributions.FullCovarianceGaussian;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.GenerativeModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Test NLL of any 2-D model by quadrature, whatever taught it: an energy model's log Z is
 * integrated on a grid covering the training and test points ({@link GridQuadrature}), so
 * contrastive divergence, score matching, NCE and adversarial training are all compared in
 * nats. Beside it: the maximum-likelihood full-covariance Gaussian of the training data scored
 * on the test data (the baseline every model should beat), and where the toy's density is known,
 * KL(truth ‖ model) on the grid.
 */
public final class QuadratureEvaluator {
  /** The grid's margin beyond the data on each side, as a fraction of the data's range. */
  public static final double MARGIN = 0.15;
  /** Cells per side. */
  public static final int RESOLUTION = 300;

  private final Dataset train;
  private final Dataset test;
  private final Optional<ToyData.LogDensity> truth;
  private final GridQuadrature.Grid grid;

  /**
   * @param train the training points (the Gaussian baseline is fitted to them; the grid covers
   *     them)
   * @param test the test points
   * @param truth the true log-density, when known
   */
  public QuadratureEvaluator(Dataset train, Dataset test, Optional<ToyData.LogDensity> truth) {
    this.train = train;
    this.test = test;
    this.truth = truth;
    this.grid = GridQuadrature.covering(MARGIN, RESOLUTION, train, test);
  }

  /**
   * The figures of one model.
   *
   * @param testNll mean test NLL in nats: exact for a density model, with the grid's log Z for an
   *     energy model
   * @param logZQuadrature log Z on the grid (for a density model, the log of the mass it puts on
   *     the grid, ≈ 0)
   * @param learnedLogZ log Z as the model itself reports it (NCE), or NaN
   * @param testNllLearnedLogZ the test NLL with that log Z, or NaN
   * @param gaussianBaselineNll the full-covariance Gaussian's test NLL
   * @param klTruthToModel KL(truth ‖ model) on the grid, or NaN when the truth is unknown
   * @param gridValues the model's log-density at the cell centres, normalised on the grid
   */
  public record Report(double testNll, double logZQuadrature, double learnedLogZ,
      double testNllLearnedLogZ, double gaussianBaselineNll, double klTruthToModel,
      double[] gridValues) {}

  public GridQuadrature.Grid grid() {
    return grid;
  }

  public Report evaluate(GenerativeModel model) {
    if (!(model instanceof DensityModel) && !(model instanceof EnergyModel)) {
      throw new IllegalArgumentException(model.family() + " has neither a density nor an"
          + " energy to evaluate on a grid");
    }
    double[] values = GridQuadrature.unnormalizedLogDensity(model, grid.centres(), 10_000);
    double logZ = GridQuadrature.logIntegral(values, grid);
    double[] testValues = GridQuadrature.unnormalizedLogDensity(model, test.values(), 10_000);
    double meanTest = 0;
    for (double v : testValues) {
      meanTest += v / testValues.length;
    }
    double testNll = model instanceof DensityModel ? -meanTest : -meanTest + logZ;
    double learned = Double.NaN;
    double learnedNll = Double.NaN;
    if (model instanceof EnergyModel e && e.logZ().isPresent()) {
      learned = e.logZ().get().value();
      learnedNll = -meanTest + learned;
    }
    double baseline = FullCovarianceGaussian.fit(train, 0).meanNegativeLogDensity(test);
    double kl = truth.map(t -> GridQuadrature.klFromTruth(GridQuadrature.onGrid(t, grid),
        values, grid)).orElse(Double.NaN);
    double[] normalized = new double[values.length];
    for (int c = 0; c < values.length; c++) {
      normalized[c] = values[c] - logZ;
    }
    return new Report(testNll, logZ, learned, learnedNll, baseline, kl, normalized);
  }

  /** The data's histogram, the model's density and (when known) the truth, side by side. */
  public void writePicture(Path file, Report report, String modelTitle) {
    List<DensityPicture.Panel> panels = new ArrayList<>();
    panels.add(new DensityPicture.Panel("data (test points)",
        DensityPicture.histogram(test.values(), grid)));
    panels.add(new DensityPicture.Panel(modelTitle, exp(report.gridValues())));
    truth.ifPresent(t -> panels.add(new DensityPicture.Panel("truth",
        exp(GridQuadrature.onGrid(t, grid)))));
    DensityPicture.write(file, grid, panels);
  }

  private static double[] exp(double[] logValues) {
    double[] out = new double[logValues.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.exp(logValues[i]);
    }
    return out;
  }
}
