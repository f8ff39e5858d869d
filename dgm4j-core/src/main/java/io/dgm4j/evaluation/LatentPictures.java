package io.dgm4j.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.latent.Decodable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The pictures a person looks at to see what an encoder and decoder learned: reconstructions
 * beside their inputs, straight-line interpolations between two examples' codes, the decoded
 * grid over a 2-D latent space, and a scatter of the codes coloured by label. Image results are
 * rows of values in [0, 1] laid out for {@link ImageGrid#writeRows}.
 */
public final class LatentPictures {
  private LatentPictures() {}

  /**
   * The first {@code n} examples (top row) above their reconstructions decode(encode(x)) (bottom
   * row): 2 rows of n images.
   */
  public static <M extends GenerativeModel & Decodable> float[] reconstructions(M model,
      Dataset data, int n) {
    int count = Math.min(n, data.size());
    try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
      NDArray x = LatentEvaluator.rows(m, data, 0, count);
      return x.concat(model.reconstruct(x), 0).toFloatArray();
    }
  }

  /**
   * {@code pairs} rows of {@code steps} images: example 2i and example 2i+1 at the ends, and
   * between them decode((1 − t) encode(a) + t encode(b)) for t evenly spaced in [0, 1].
   */
  public static <M extends GenerativeModel & Decodable> float[] interpolations(M model,
      Dataset data, int pairs, int steps) {
    if (steps < 2 || data.size() < 2 * pairs) {
      throw new IllegalArgumentException("interpolations need at least 2 steps and "
          + 2 * pairs + " examples");
    }
    int d = data.dimension();
    float[] out = new float[pairs * (steps + 2) * d];
    try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
      NDArray codes = model.encode(LatentEvaluator.rows(m, data, 0, 2 * pairs));
      for (int p = 0; p < pairs; p++) {
        NDArray a = codes.get(2 * p);
        NDArray b = codes.get(2 * p + 1);
        float[] t = new float[steps];
        for (int s = 0; s < steps; s++) {
          t[s] = (float) s / (steps - 1);
        }
        NDArray ts = m.create(t, new Shape(steps, 1));
        NDArray z = a.expandDims(0).mul(ts.neg().add(1)).add(b.expandDims(0).mul(ts));
        float[] decoded = model.decode(z).toFloatArray();
        int row = p * (steps + 2) * d;
        System.arraycopy(data.values(), 2 * p * d, out, row, d);
        System.arraycopy(decoded, 0, out, row + d, steps * d);
        System.arraycopy(data.values(), (2 * p + 1) * d, out, row + (steps + 1) * d, d);
      }
    }
    return out;
  }

  /**
   * decode(z) over a {@code size} × {@code size} grid of a 2-D latent space, z_j evenly spaced
   * in [−{@code range}, {@code range}] (the prior's bulk for N(0, I)): how the model lays out the
   * data along its two latent axes (Kingma and Welling, 2014, Fig. 4).
   */
  public static <M extends GenerativeModel & Decodable> float[] manifold(M model, int size,
      double range) {
    if (model.latentDimension() != 2) {
      throw new IllegalArgumentException("the manifold grid needs a 2-D latent space; this model"
          + " has " + model.latentDimension() + " latent dimensions (train with --set latent=2)");
    }
    float[] z = new float[size * size * 2];
    for (int r = 0; r < size; r++) {
      for (int c = 0; c < size; c++) {
        z[(r * size + c) * 2] = (float) (-range + 2 * range * c / Math.max(1, size - 1));
        z[(r * size + c) * 2 + 1] = (float) (range - 2 * range * r / Math.max(1, size - 1));
      }
    }
    try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
      return model.decode(m.create(z, new Shape(size * size, 2))).toFloatArray();
    }
  }

  /**
   * A PNG scatter of the first two features of every example, one colour per label (all one
   * colour without labels), axes named z0 and z1 (codes).
   */
  public static void scatter(Path file, String title, Dataset features) {
    scatter(file, title, features, "z");
  }

  /**
   * As {@link #scatter(Path, String, Dataset)}, the axes named {@code axis}0 and {@code axis}1
   * (e.g. x for points of 2-D data).
   */
  public static void scatter(Path file, String title, Dataset features, String axis) {
    if (features.dimension() < 2) {
      throw new IllegalArgumentException("a scatter needs at least 2 features, got "
          + features.dimension());
    }
    XYChart chart = new XYChartBuilder().width(720).height(640).title(title)
        .xAxisTitle(axis + "0").yAxisTitle(axis + "1").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(3);
    int classes = features.hasLabels()
        ? 1 + java.util.Arrays.stream(features.labels()).max().orElse(0) : 1;
    for (int c = 0; c < classes; c++) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < features.size(); i++) {
        if (!features.hasLabels() || features.labels()[i] == c) {
          xs.add((double) features.get(i, 0));
          ys.add((double) features.get(i, 1));
        }
      }
      if (!xs.isEmpty()) {
        chart.addSeries(features.hasLabels() ? "label " + c : "examples", xs, ys)
            .setMarker(SeriesMarkers.CIRCLE);
      }
    }
    AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out,
        BitmapEncoder.BitmapFormat.PNG));
  }
}
