package io.dgm4j.evaluation;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * A rate (examples/s, flop/s) measured honestly: over several windows of at least a given length
 * each, reported as the median with the spread beside it, each window with how busy other
 * processes kept the machine meanwhile ({@link CpuLoad}).
 *
 * <p>Why windows: a few dozen steps (half a second for a fast model) measure mostly timer,
 * JIT and scheduler noise; on a shared machine one figure says nothing about the next. The same
 * command gave 6,214 and 9,020 examples/s minutes apart when it timed 50 steps once. Windows of
 * ten seconds or more average that out, the spread over windows shows what is left, and the
 * load reading says whether a slow window was the machine's fault.
 *
 * @param windows the measured windows, in the order they ran
 */
public record WindowedRate(List<Window> windows) {

  /**
   * One window.
   *
   * @param seconds wall time of the window
   * @param units work done in it (examples, flops)
   * @param otherCores cores other processes kept busy on average ({@code NaN}: unknown)
   */
  public record Window(double seconds, double units, double otherCores) {
    public double rate() {
      return units / seconds;
    }

    /** Whether other processes used more than {@link CpuLoad#DISTURBED_CORES} meanwhile. */
    public boolean disturbed() {
      return otherCores > CpuLoad.DISTURBED_CORES;
    }
  }

  public WindowedRate {
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("a rate needs at least one window");
    }
    windows = List.copyOf(windows);
  }

  /**
   * Runs {@code work} (which does one unit of work, a training step, and returns how many units
   * it did) repeatedly in {@code count} windows of at least {@code windowSeconds} each.
   */
  public static WindowedRate measure(DoubleSupplier work, int count, double windowSeconds) {
    if (count < 1 || !(windowSeconds > 0)) {
      throw new IllegalArgumentException(
          "need at least one window of positive length, got " + count + " x " + windowSeconds);
    }
    Window[] result = new Window[count];
    for (int w = 0; w < count; w++) {
      CpuLoad.Reading before = CpuLoad.read();
      long start = System.nanoTime();
      double units = 0;
      double seconds;
      do {
        units += work.getAsDouble();
        seconds = (System.nanoTime() - start) / 1e9;
      } while (seconds < windowSeconds);
      result[w] = new Window(seconds, units, CpuLoad.otherCores(before, CpuLoad.read()));
    }
    return new WindowedRate(Arrays.asList(result));
  }

  /** The median of the windows' rates (the mean of the two middle ones for an even count). */
  public double median() {
    return median(rates());
  }

  public double min() {
    return Arrays.stream(rates()).min().orElseThrow();
  }

  public double max() {
    return Arrays.stream(rates()).max().orElseThrow();
  }

  /** (max - min) / median: 0.05 means the windows agree to within 5% of the median. */
  public double relativeSpread() {
    return (max() - min()) / median();
  }

  /** Windows during which other processes used more than {@link CpuLoad#DISTURBED_CORES}. */
  public int disturbedWindows() {
    return (int) windows.stream().filter(Window::disturbed).count();
  }

  /** The highest load of other processes in any window, in cores ({@code NaN}: unknown). */
  public double maxOtherCores() {
    return windows.stream().mapToDouble(Window::otherCores).max().orElse(Double.NaN);
  }

  /** The same windows with every unit scaled by {@code factor} (examples to flops, say). */
  public WindowedRate scaled(double factor) {
    return new WindowedRate(windows.stream()
        .map(w -> new Window(w.seconds(), w.units() * factor, w.otherCores())).toList());
  }

  private double[] rates() {
    return windows.stream().mapToDouble(Window::rate).toArray();
  }

  /** The median of {@code values} (the mean of the two middle ones for an even count). */
  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
