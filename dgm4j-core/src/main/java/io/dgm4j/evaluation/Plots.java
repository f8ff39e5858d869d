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
   * @param validation validation figure per epoch (NaN where there is none)
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
    if (validation.stream().anyMatch(v -> !v.isNaN())) {
      chart.addSeries(validationLabel, epochs, validation).setMarker(SeriesMarkers.DIAMOND);
    }
    AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out,
        BitmapEncoder.BitmapFormat.PNG));
  }
}
