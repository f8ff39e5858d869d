package io.dgm4j.data;

/**
 * The pixel arithmetic that turns a decoded picture into a training example of a fixed size,
 * kept free of any image library so that every step can be checked by hand:
 *
 * <ol>
 *   <li><b>centre crop</b> to the target aspect ratio: the longer side is cut to
 *       {@code round(shorter * target ratio)} pixels, with {@code floor(excess / 2)} removed from
 *       the top or left and the rest from the bottom or right;
 *   <li><b>area-average resize</b> (a box filter): output pixel {@code (y, x)} covers the source
 *       rectangle {@code [y s_y, (y+1) s_y) x [x s_x, (x+1) s_x)} with {@code s = source / target}
 *       and is the mean of the source pixels weighted by how much of each that rectangle covers.
 *       Shrinking by a whole factor averages blocks; enlarging by a whole factor repeats pixels;
 *       the filter is separable (columns, then rows), computed in double precision;
 *   <li><b>8-bit rounding</b>: each result is rounded half up to an integer 0..255, so pixels
 *       stay 8-bit and every family's preprocessing applies exactly as it does to MNIST.
 * </ol>
 *
 * <p>Grey from colour is the ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B} (rounded),
 * the weights PIL and most image tools use; colour from grey repeats the grey value in R, G
 * and B. Samples are row-major and channel-last: {@code (y * width + x) * channels + c}.
 */
public final class ImageTransform {
  /** The filter named in run.json and {@code dgm data info}. */
  public static final String FILTER = "transparency over white; centre crop to the target"
      + " aspect ratio, then area average (box filter), rounded to 8 bits";

  private ImageTransform() {}

  /** A crop rectangle: columns {@code [x, x + width)}, rows {@code [y, y + height)}. */
  public record Crop(int x, int y, int width, int height) {}

  /** The centred crop of a {@code width x height} picture with the target's aspect ratio. */
  public static Crop centreCrop(int width, int height, int targetWidth, int targetHeight) {
    // compare width/height with targetWidth/targetHeight without rounding
    long lhs = (long) width * targetHeight;
    long rhs = (long) height * targetWidth;
    if (lhs > rhs) { // too wide: keep the full height
      int w = (int) Math.max(1, Math.round((double) height * targetWidth / targetHeight));
      return new Crop((width - w) / 2, 0, w, height);
    }
    if (lhs < rhs) { // too tall: keep the full width
      int h = (int) Math.max(1, Math.round((double) width * targetHeight / targetWidth));
      return new Crop(0, (height - h) / 2, width, h);
    }
    return new Crop(0, 0, width, height);
  }

  /**
   * Centre-crops and resizes 8-bit samples ({@code height x width x channels}, channel-last) to
   * {@code targetHeight x targetWidth x channels}. Returns the input unchanged when the sizes
   * already match.
   */
  public static int[] cropAndResize(int[] samples, int width, int height, int channels,
      int targetWidth, int targetHeight) {
    if (width == targetWidth && height == targetHeight) {
      return samples;
    }
    Crop crop = centreCrop(width, height, targetWidth, targetHeight);
    Weights across = Weights.of(crop.width(), targetWidth);
    Weights down = Weights.of(crop.height(), targetHeight);
    // columns first: (crop.height x targetWidth x channels) in double
    double[] rows = new double[crop.height() * targetWidth * channels];
    for (int y = 0; y < crop.height(); y++) {
      int srcRow = (crop.y() + y) * width;
      for (int x = 0; x < targetWidth; x++) {
        for (int c = 0; c < channels; c++) {
          double sum = 0;
          for (int k = 0; k < across.weights[x].length; k++) {
            int sx = crop.x() + across.first[x] + k;
            sum += across.weights[x][k] * samples[(srcRow + sx) * channels + c];
          }
          rows[(y * targetWidth + x) * channels + c] = sum;
        }
      }
    }
    int[] out = new int[targetHeight * targetWidth * channels];
    for (int y = 0; y < targetHeight; y++) {
      for (int x = 0; x < targetWidth; x++) {
        for (int c = 0; c < channels; c++) {
          double sum = 0;
          for (int k = 0; k < down.weights[y].length; k++) {
            int sy = down.first[y] + k;
            sum += down.weights[y][k] * rows[(sy * targetWidth + x) * channels + c];
          }
          out[(y * targetWidth + x) * channels + c] = toByte(sum);
        }
      }
    }
    return out;
  }

  /** Grey from RGB by BT.601 luma, rounded: {@code 0.299 R + 0.587 G + 0.114 B}. */
  public static int luma(int r, int g, int b) {
    return toByte(0.299 * r + 0.587 * g + 0.114 * b);
  }

  /** A value rounded half up and clamped to 0..255. */
  static int toByte(double v) {
    long r = Math.round(v); // half up for the non-negative values here
    return (int) Math.max(0, Math.min(255, r));
  }

  /**
   * Area weights along one axis: output {@code i} reads source samples
   * {@code first[i] .. first[i] + weights[i].length - 1}, each weighted by the length of its
   * overlap with {@code [i s, (i+1) s)} divided by {@code s}; the weights sum to 1.
   */
  private record Weights(int[] first, double[][] weights) {
    static Weights of(int source, int target) {
      double s = (double) source / target;
      int[] first = new int[target];
      double[][] weights = new double[target][];
      for (int i = 0; i < target; i++) {
        double lo = i * s;
        double hi = i == target - 1 ? source : (i + 1) * s;
        int from = (int) Math.floor(lo);
        int to = Math.min(source, (int) Math.ceil(hi)); // exclusive
        double[] w = new double[to - from];
        double total = 0;
        for (int j = from; j < to; j++) {
          w[j - from] = Math.max(0, Math.min(j + 1, hi) - Math.max(j, lo));
          total += w[j - from];
        }
        for (int k = 0; k < w.length; k++) {
          w[k] /= total;
        }
        first[i] = from;
        weights[i] = w;
      }
      return new Weights(first, weights);
    }
  }
}
