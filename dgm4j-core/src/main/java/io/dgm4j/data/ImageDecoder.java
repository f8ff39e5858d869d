package io.dgm4j.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads one picture with the JDK's ImageIO (PNG, JPEG, BMP, GIF, TIFF, WBMP) into 8-bit
 * samples, grey (1 channel) or RGB (3 channels, channel-last).
 *
 * <p>A file is unreadable ({@link Unreadable}, with a one-line reason) when no reader
 * recognises it, when decoding fails, or when the reader warns — ImageIO decodes a truncated
 * JPEG into a half-grey picture with only a warning ("Premature end of JPEG file"), which must
 * not reach training. Grey pictures (a grey colour space, any bit depth) are read from their
 * samples, scaled to 0..255; everything else through its sRGB value ({@code getRGB}: palettes,
 * 16-bit colour). Transparent pixels are composited over white ({@code c a + 255 (1 - a)} with
 * alpha {@code a} in [0, 1]), as a viewer shows them on a white page: the colour stored under
 * a fully transparent pixel is arbitrary (often black), and many icons and sprites keep their
 * whole shape in the alpha channel alone.
 */
public final class ImageDecoder {
  private static final String DAMAGED = "damaged or truncated: the decoder could not read all"
      + " of its pixels";

  private static final String UNSUPPORTED = "stored in a colour model ImageIO cannot convert"
      + " (e.g. a CMYK JPEG): save it as RGB";

  private ImageDecoder() {}

  /** A file that cannot be used as an image; the message is one line for users. */
  public static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String reason) {
      super(reason);
    }
  }

  /** What a file's header says: its size and whether it is stored as grey. */
  public record Header(int width, int height, boolean grey, String format) {}

  /** Decoded 8-bit samples, row-major and channel-last. */
  public record Picture(int width, int height, int channels, int[] samples) {}

  /** File name suffixes ImageIO can read here (lower case, without the dot). */
  public static Set<String> suffixes() {
    Set<String> out = new TreeSet<>();
    for (String s : ImageIO.getReaderFileSuffixes()) {
      if (!s.isEmpty()) {
        out.add(s.toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** Reads the header only (no pixels). */
  public static Header header(Path file) throws Unreadable {
    return withReader(file, reader -> {
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      if (w < 1 || h < 1) {
        throw new Unreadable("has no pixels (" + w + "x" + h + ")");
      }
      ImageTypeSpecifier raw = reader.getRawImageType(0);
      boolean grey = raw != null && isGrey(raw.getColorModel());
      return new Header(w, h, grey, reader.getFormatName().toLowerCase(Locale.ROOT));
    });
  }

  /** Decodes the whole picture into {@code channels} (1 or 3) 8-bit channels. */
  public static Picture read(Path file, int channels) throws Unreadable {
    BufferedImage image = withReader(file, reader -> {
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      BufferedImage img = reader.read(0);
      if (!warnings.isEmpty()) {
        // e.g. a truncated JPEG, decoded with its missing part left grey
        throw new Unreadable(DAMAGED);
      }
      return img;
    });
    return toSamples(image, channels);
  }

  /** The picture's pixels as 8-bit grey or RGB samples. */
  static Picture toSamples(BufferedImage image, int channels) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] out = new int[w * h * channels];
    ColorModel cm = image.getColorModel();
    if (!(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      // read grey samples directly: getRGB would pass them through a linear-to-sRGB curve
      Raster raster = image.getRaster();
      double max = (1L << cm.getComponentSize(0)) - 1;
      boolean alpha = cm.hasAlpha() && raster.getNumBands() > 1;
      double alphaMax = alpha ? (1L << cm.getComponentSize(1)) - 1 : 1;
      int[] row = new int[w];
      int[] alphas = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        if (alpha) {
          raster.getSamples(0, y, w, 1, 1, alphas);
        }
        for (int x = 0; x < w; x++) {
          double a = alpha ? alphas[x] / alphaMax : 1;
          int g = ImageTransform.toByte(row[x] * 255.0 / max * a + 255 * (1 - a));
          for (int c = 0; c < channels; c++) {
            out[(y * w + x) * channels + c] = g;
          }
        }
      }
      return new Picture(w, h, channels, out);
    }
    int[] row = new int[w];
    boolean alpha = cm.hasAlpha();
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w); // sRGB, alpha not premultiplied
      for (int x = 0; x < w; x++) {
        int r = (row[x] >> 16) & 0xFF;
        int g = (row[x] >> 8) & 0xFF;
        int b = row[x] & 0xFF;
        if (alpha) {
          double a = ((row[x] >>> 24) & 0xFF) / 255.0;
          r = ImageTransform.toByte(r * a + 255 * (1 - a));
          g = ImageTransform.toByte(g * a + 255 * (1 - a));
          b = ImageTransform.toByte(b * a + 255 * (1 - a));
        }
        int at = (y * w + x) * channels;
        if (channels == 1) {
          out[at] = ImageTransform.luma(r, g, b);
        } else {
          out[at] = r;
          out[at + 1] = g;
          out[at + 2] = b;
        }
      }
    }
    return new Picture(w, h, channels, out);
  }

  /** A grey colour space, or a palette whose every entry is grey. */
  static boolean isGrey(ColorModel cm) {
    if (cm instanceof IndexColorModel icm) {
      for (int i = 0; i < icm.getMapSize(); i++) {
        if (icm.getRed(i) != icm.getGreen(i) || icm.getGreen(i) != icm.getBlue(i)) {
          return false;
        }
      }
      return true;
    }
    return cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
  }

  private interface ReaderTask<T> {
    T run(ImageReader reader) throws IOException, Unreadable;
  }

  private static <T> T withReader(Path file, ReaderTask<T> task) throws Unreadable {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new Unreadable("cannot be opened");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new Unreadable("not a picture ImageIO can read (" + String.join(", ", suffixes())
            + ")");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return task.run(reader);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // ImageIO reports damaged files with IIOException, EOFException and, for some broken
      // headers, unchecked exceptions such as IndexOutOfBoundsException; a kind of picture it
      // cannot convert (a CMYK or YCCK JPEG) with "Unsupported Image Type"
      String why = String.valueOf(e.getMessage());
      throw new Unreadable(why.contains("Unsupported Image Type") ? UNSUPPORTED : DAMAGED);
    }
  }
}
