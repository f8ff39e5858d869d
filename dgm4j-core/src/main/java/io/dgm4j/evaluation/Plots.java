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
   * Writes a PNG with training loss and validation NLL (nats per example) against epoch.
   *
   * @param epochs epoch numbers
   * @param trainLoss mean training loss per epoch
   * @param validationNll validation NLL per epoch
   */
  public static void lossCurve(java.nio.file.Path file, String title, List<Integer> epochs,
      List<Double> trainLoss, List<Double> validationNll) {
    XYChart chart = new XYChartBuilder().width(720).height(440).title(title)
        .xAxisTitle("epoch").yAxisTitle("nats per example").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    chart.addSeries("train loss", epochs, trainLoss).setMarker(SeriesMarkers.CIRCLE);
    chart.addSeries("validation NLL", epochs, validationNll).setMarker(SeriesMarkers.DIAMOND);
    AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out,
        BitmapEncoder.BitmapFormat.PNG));
  }
}
