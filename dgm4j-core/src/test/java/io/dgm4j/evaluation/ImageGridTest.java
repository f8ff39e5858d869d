package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PNG grid: its size, its mode, and levels stored as given (no colour-space curve). */
class ImageGridTest {
  @TempDir Path dir;

  @Test
  void greyLevelsAreStoredAsGiven() throws IOException {
    Path file = dir.resolve("grey.png");
    // two 1x2 images: (0.5, 1) and (0, 0.25)
    ImageGrid.write(file, new float[] {0.5f, 1f, 0f, 0.25f}, 2, 1, 2, 1);
    BufferedImage img = ImageIO.read(file.toFile());
    // 2 columns of (2 + 1 gap) plus the first gap; 1 row of (1 + 1 gap) plus 1
    assertThat(img.getWidth()).isEqualTo(7);
    assertThat(img.getHeight()).isEqualTo(3);
    assertThat(img.getColorModel().getNumComponents()).isEqualTo(1);
    assertThat(img.getRaster().getSample(1, 1, 0)).isEqualTo(128); // round(127.5)
    assertThat(img.getRaster().getSample(2, 1, 0)).isEqualTo(255);
    assertThat(img.getRaster().getSample(4, 1, 0)).isEqualTo(0);
    assertThat(img.getRaster().getSample(5, 1, 0)).isEqualTo(64); // round(63.75)
    assertThat(img.getRaster().getSample(0, 0, 0)).isEqualTo(96); // the gap
  }

  @Test
  void colourImagesAreRgbChannelLast() throws IOException {
    Path file = dir.resolve("rgb.png");
    // one 1x2 RGB image, scaled by 2: pixel 0 = (1, 0, 0.2), pixel 1 = (0, 1, 1)
    ImageGrid.write(file, new float[] {1f, 0f, 0.2f, 0f, 1f, 1f}, 1, 1, 2, 3, 2);
    BufferedImage img = ImageIO.read(file.toFile());
    assertThat(img.getWidth()).isEqualTo(1 + 2 * 2 + 1);
    assertThat(img.getHeight()).isEqualTo(1 + 2 + 1);
    assertThat(img.getColorModel().getNumColorComponents()).isEqualTo(3);
    assertThat(img.getRGB(1, 1) & 0xFFFFFF).isEqualTo(0xFF0033); // 0.2 * 255 = 51
    assertThat(img.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0xFF0033);
    assertThat(img.getRGB(3, 1) & 0xFFFFFF).isEqualTo(0x00FFFF);
  }
}
