package io.dgm4j.evaluation;

import io.dgm4j.data.Dataset;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The length of an input under a general-purpose lossless image compressor, in nats: the
 * input-complexity estimate L(x) of Serrà et al. (2020, "Input Complexity and
 * Out-of-distribution Detection with Likelihood-based Generative Models"). A compressor is a
 * universal model of images — 2^(−bits) is a probability — so −log p(x) − L(x) compares the
 * trained model with a model that knows nothing of the data: simple inputs (a blank page, a
 * thin digit) are cheap for both and the difference no longer favours them.
 *
 * <p>Each example becomes an 8-bit grey PNG (the JDK's {@link ImageIO} encoder, deflate with
 * PNG's row filters) of the item's shape ((H, W) for images, one row of D values otherwise);
 * values in [low, high] map linearly to 0..255. L(x) = 8 · bytes · ln 2. The file's fixed
 * overhead (signature and headers, the same for every input of one shape) shifts all lengths
 * equally and changes no ranking.
 */
public final class CompressedLength {
  private CompressedLength() {}

  /** L(x) in nats of every example of {@code data}, whose values lie in [low, high]. */
  public static double[] nats(Dataset data, float low, float high) {
    int[] shape = data.itemShape();
    int height = shape.length == 2 ? shape[0] : 1;
    int width = shape.length == 2 ? shape[1] : data.dimension();
    double[] out = new double[data.size()];
    for (int i = 0; i < data.size(); i++) {
      out[i] = nats(data.values(), i * data.dimension(), height, width, low, high);
    }
    return out;
  }

  /** L(x) in nats of one image of height × width values starting at {@code offset}. */
  public static double nats(float[] values, int offset, int height, int width, float low,
      float high) {
    if (!(high > low)) {
      throw new IllegalArgumentException("value range [" + low + ", " + high + "] is empty");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster raster = image.getRaster();
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double v = (values[offset + y * width + x] - low) / (high - low);
        row[x] = (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
      }
      raster.setPixels(0, y, width, 1, row);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try {
      if (!ImageIO.write(image, "png", bytes)) {
        throw new IllegalStateException("the JDK has no PNG encoder");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return 8.0 * bytes.size() * Math.log(2);
  }
}
