package io.dgm4j.evaluation;

import io.dgm4j.io.AtomicFiles;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Charts a person looks at: the loss curve of a run (PNG, via XChart). */
public final class Plots {
  private Plots() {}

  /**
   * Writes a PNG with the training loss and the validation figure against epoch.
   *
   * @param epochs epoch numbers
   * @param trainLoss mean training loss per epoch
   * @param validation validation figure per epoch (NaN where there is none: drawn through the
   *     epochs that have one)
   * @param validationLabel what the validation figure is, e.g. {@code validation NLL}
   * @param unit the y axis, e.g. {@code nats per example}
   */
  public static void lossCurve(java.nio.file.Path file, String title, List<Integer> epochs,
      List<Double> trainLoss, List<Double> validation, String validationLabel, String unit) {
    XYChart chart = new XYChartBuilder().width(720).height(440).title(title)
        .xAxisTitle("epoch").yAxisTitle(unit).build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    chart.addSeries("train loss", epochs, trainLoss).setMarker(SeriesMarkers.CIRCLE);
    List<Integer> validated = new java.util.ArrayList<>();
    List<Double> figures = new java.util.ArrayList<>();
    for (int i = 0; i < epochs.size(); i++) {
      if (!validation.get(i).isNaN()) {
        validated.add(epochs.get(i));
        figures.add(validation.get(i));
      }
    }
    if (!validated.isEmpty()) {
      chart.addSeries(validationLabel, validated, figures).setMarker(SeriesMarkers.DIAMOND);
    }
    AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out,
        BitmapEncoder.BitmapFormat.PNG));
  }

  /**
   * Writes a PNG with one ROC curve per method (false-positive rate against true-positive rate,
   * from {@link DetectionMetrics#rocCurve}) and the chance diagonal.
   */
  public static void roc(java.nio.file.Path file, String title,
      java.util.Map<String, double[][]> curves) {
    XYChart chart = new XYChartBuilder().width(600).height(560).title(title)
        .xAxisTitle("false-positive rate (in-distribution flagged)")
        .yAxisTitle("true-positive rate (OOD flagged)").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    curves.forEach((name, c) -> chart.addSeries(name, thin(c[0]), thin(c[1])));
    chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1})
        .setLineColor(java.awt.Color.LIGHT_GRAY);
    AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out,
        BitmapEncoder.BitmapFormat.PNG));
  }

  /**
   * Writes a PNG with the histograms of two sets of scores on common bins, each normalized to
   * a fraction of its set, drawn as steps.
   */
  public static void histograms(java.nio.file.Path file, String title, String xLabel,
      String firstName, double[] first, String secondName, double[] second, int bins) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] set : new double[][] {first, second}) {
      for (double v : set) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!(hi > lo)) {
      hi = lo + 1;
    }
    XYChart chart = new XYChartBuilder().width(720).height(440).title(title).xAxisTitle(xLabel)
        .yAxisTitle("fraction of the set").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setDefaultSeriesRenderStyle(
        org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Step);
    chart.getStyler().setXAxisDecimalPattern(hi - lo > 20 ? "#,##0" : "0.###");
    double width = (hi - lo) / bins;
    double[] centers = new double[bins];
    for (int b = 0; b < bins; b++) {
      centers[b] = lo + (b + 0.5) * width;
    }
    chart.addSeries(firstName, centers, binned(first, lo, width, bins));
    chart.addSeries(secondName, centers, binned(second, lo, width, bins));
    AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out,
        BitmapEncoder.BitmapFormat.PNG));
  }

  private static double[] binned(double[] values, double lo, double width, int bins) {
    double[] counts = new double[bins];
    for (double v : values) {
      if (Double.isFinite(v)) {
        counts[Math.min(bins - 1, Math.max(0, (int) ((v - lo) / width)))]++;
      }
    }
    for (int b = 0; b < bins; b++) {
      counts[b] /= Math.max(1, values.length);
    }
    return counts;
  }

  /** At most about 2,000 points of a curve (every k-th, keeping the last): enough to draw. */
  private static double[] thin(double[] v) {
    int step = Math.max(1, v.length / 2000);
    int n = (v.length - 1) / step + 1;
    double[] out = new double[n + ((v.length - 1) % step == 0 ? 0 : 1)];
    for (int i = 0; i < n; i++) {
      out[i] = v[i * step];
    }
    out[out.length - 1] = v[v.length - 1];
    return out;
  }
}
