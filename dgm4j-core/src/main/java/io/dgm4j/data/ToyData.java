package io.dgm4j.data;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Two-dimensional toy distributions for seeing density models and energy-based models work
 * ({@code --data toy:NAME}). Every set is generated in plain Java from a fixed seed: 20,000
 * training points (seed {@link #TRAIN_SEED}) and 5,000 test points (seed {@link #TEST_SEED}),
 * so every run sees the same points.
 *
 * <ul>
 *   <li>{@code two-moons}: two interleaved half circles of radius 1, (cos t, sin t) and
 *       (1 − cos t, 0.5 − sin t) with t ~ U[0, π], plus isotropic Gaussian noise σ = 0.1
 *       (scikit-learn's make_moons layout); no closed-form density;
 *   <li>{@code rings}: four concentric circles of radii 1, 2, 3, 4, a ring chosen with
 *       probability proportional to its radius (uniform along the total arc length), angle
 *       uniform, radius perturbed by Gaussian noise σ = 0.08; density
 *       p(x) = Σ_k w_k N(|x|; r_k, σ²) / (2π|x|) (exact up to the probability ≈ 0 of a negative
 *       radius);
 *   <li>{@code eight-gaussians}: an equal mixture of eight isotropic Gaussians, σ = 0.2, centred
 *       on the circle of radius 2 at angles kπ/4; density in closed form;
 *   <li>{@code checkerboard}: uniform on the 8 dark squares of a 4×4 board of unit squares
 *       covering [−2, 2]² (squares where ⌊x⌋ + ⌊y⌋ is even), no noise; density 1/8 there, 0
 *       elsewhere;
 *   <li>{@code spiral}: two arms ±(t cos t, t sin t)/π with t = 3π√u, u ~ U[0, 1], plus
 *       Gaussian noise σ = 0.1; no closed-form density.
 * </ul>
 */
public final class ToyData {
  /** Seed of the 20,000 training points. */
  public static final long TRAIN_SEED = 20261122L;
  /** Seed of the 5,000 test points. */
  public static final long TEST_SEED = 20261123L;
  public static final int TRAIN_SIZE = 20_000;
  public static final int TEST_SIZE = 5_000;

  private static final List<String> NAMES =
      List.of("two-moons", "rings", "eight-gaussians", "checkerboard", "spiral");

  private static final double MOON_NOISE = 0.1;
  private static final double RING_NOISE = 0.08;
  private static final double[] RING_RADII = {1, 2, 3, 4};
  private static final double GAUSSIAN_STD = 0.2;
  private static final double GAUSSIAN_RADIUS = 2;
  private static final double SPIRAL_NOISE = 0.1;

  /** A log-density of the plane, in nats; −∞ where the density is 0. */
  @FunctionalInterface
  public interface LogDensity {
    double at(double x, double y);
  }

  private ToyData() {}

  /** The names accepted after {@code toy:}. */
  public static List<String> names() {
    return NAMES;
  }

  /** The training and test sets of toy {@code name}. */
  public static DataSources.DataSplits splits(String name) {
    requireKnown(name);
    return new DataSources.DataSplits("toy:" + name,
        generate(name, TRAIN_SIZE, TRAIN_SEED).withName("toy:" + name + " (training points)"),
        generate(name, TEST_SIZE, TEST_SEED).withName("toy:" + name + " (test points)"), false);
  }

  /** {@code n} points of toy {@code name} drawn with {@code seed}, shape (n, 2). */
  public static Dataset generate(String name, int n, long seed) {
    requireKnown(name);
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[2 * n];
    for (int i = 0; i < n; i++) {
      double[] p = switch (name) {
        case "two-moons" -> moon(r);
        case "rings" -> ring(r);
        case "eight-gaussians" -> eightGaussians(r);
        case "checkerboard" -> checkerboard(r);
        default -> spiral(r);
      };
      v[2 * i] = (float) p[0];
      v[2 * i + 1] = (float) p[1];
    }
    return new Dataset("toy:" + name, v, n, new int[] {2}, null);
  }

  /** The true log-density where it is known in closed form (rings, eight-gaussians, checkerboard). */
  public static Optional<LogDensity> truth(String name) {
    requireKnown(name);
    return switch (name) {
      case "rings" -> Optional.of(ToyData::ringsLogDensity);
      case "eight-gaussians" -> Optional.of(ToyData::eightGaussiansLogDensity);
      case "checkerboard" -> Optional.of(ToyData::checkerboardLogDensity);
      default -> Optional.empty();
    };
  }

  private static void requireKnown(String name) {
    if (!NAMES.contains(name)) {
      throw new DataException("toy:" + name, "unknown toy data set; known: toy:"
          + String.join(", toy:", NAMES));
    }
  }

  private static double[] moon(SplittableRandom r) {
    double t = Math.PI * r.nextDouble();
    boolean upper = r.nextBoolean();
    double x = upper ? Math.cos(t) : 1 - Math.cos(t);
    double y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    return new double[] {x + MOON_NOISE * gaussian(r), y + MOON_NOISE * gaussian(r)};
  }

  private static double[] ring(SplittableRandom r) {
    double total = 0;
    for (double radius : RING_RADII) {
      total += radius;
    }
    double u = r.nextDouble() * total;
    int k = 0;
    while (k < RING_RADII.length - 1 && u >= RING_RADII[k]) {
      u -= RING_RADII[k];
      k++;
    }
    double angle = 2 * Math.PI * r.nextDouble();
    double radius = RING_RADII[k] + RING_NOISE * gaussian(r);
    return new double[] {radius * Math.cos(angle), radius * Math.sin(angle)};
  }

  private static double[] eightGaussians(SplittableRandom r) {
    double angle = r.nextInt(8) * Math.PI / 4;
    return new double[] {GAUSSIAN_RADIUS * Math.cos(angle) + GAUSSIAN_STD * gaussian(r),
        GAUSSIAN_RADIUS * Math.sin(angle) + GAUSSIAN_STD * gaussian(r)};
  }

  private static double[] checkerboard(SplittableRandom r) {
    // pick one of the 8 dark squares uniformly, then a uniform point inside it
    int square = r.nextInt(8);
    int row = square / 2; // 0..3
    int col = 2 * (square % 2) + (row % 2); // dark: (col + row) even
    return new double[] {col - 2 + r.nextDouble(), row - 2 + r.nextDouble()};
  }

  private static double[] spiral(SplittableRandom r) {
    double t = 3 * Math.PI * Math.sqrt(r.nextDouble());
    double sign = r.nextBoolean() ? 1 : -1;
    return new double[] {sign * t * Math.cos(t) / Math.PI + SPIRAL_NOISE * gaussian(r),
        sign * t * Math.sin(t) / Math.PI + SPIRAL_NOISE * gaussian(r)};
  }

  static double ringsLogDensity(double x, double y) {
    double rho = Math.hypot(x, y);
    double total = 0;
    for (double radius : RING_RADII) {
      total += radius;
    }
    double p = 0;
    for (double radius : RING_RADII) {
      double z = (rho - radius) / RING_NOISE;
      p += radius / total * Math.exp(-0.5 * z * z) / (RING_NOISE * Math.sqrt(2 * Math.PI));
    }
    return Math.log(p) - Math.log(2 * Math.PI * Math.max(rho, 1e-12));
  }

  static double eightGaussiansLogDensity(double x, double y) {
    double p = 0;
    for (int k = 0; k < 8; k++) {
      double dx = x - GAUSSIAN_RADIUS * Math.cos(k * Math.PI / 4);
      double dy = y - GAUSSIAN_RADIUS * Math.sin(k * Math.PI / 4);
      p += Math.exp(-0.5 * (dx * dx + dy * dy) / (GAUSSIAN_STD * GAUSSIAN_STD));
    }
    return Math.log(p / (8 * 2 * Math.PI * GAUSSIAN_STD * GAUSSIAN_STD));
  }

  static double checkerboardLogDensity(double x, double y) {
    if (x < -2 || x >= 2 || y < -2 || y >= 2) {
      return Double.NEGATIVE_INFINITY;
    }
    boolean dark = Math.floorMod((int) Math.floor(x) + (int) Math.floor(y), 2) == 0;
    return dark ? Math.log(1.0 / 8) : Double.NEGATIVE_INFINITY;
  }

  /** A standard normal draw (Box-Muller), so the data depend on nothing but the seed. */
  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
