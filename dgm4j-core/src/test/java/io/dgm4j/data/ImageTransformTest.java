package io.dgm4j.data;

import static io.dgm4j.data.ImageTransform.centreCrop;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Crop, resize and grey conversion checked against values worked out by hand. */
class ImageTransformTest {

  @Test
  void centreCropKeepsTheMiddleWithTheTargetAspect() {
    // 6 wide, 4 high to a square: 4 columns kept, one cut on each side
    assertThat(centreCrop(6, 4, 2, 2))
        .isEqualTo(new ImageTransform.Crop(1, 0, 4, 4));
    // 4 wide, 7 high to a square: 3 rows cut, floor(3/2) = 1 from the top
    assertThat(centreCrop(4, 7, 3, 3))
        .isEqualTo(new ImageTransform.Crop(0, 1, 4, 4));
    // 5x5 to 2 wide, 1 high: height round(5 / 2) = 3 (half up), rows 1..3
    assertThat(centreCrop(5, 5, 2, 1))
        .isEqualTo(new ImageTransform.Crop(0, 1, 5, 3));
    assertThat(centreCrop(8, 4, 4, 2))
        .isEqualTo(new ImageTransform.Crop(0, 0, 8, 4));
  }

  @Test
  void shrinkingByTwoAveragesBlocks() {
    int[] img = {
        0, 10, 100, 101,
        20, 30, 103, 104,
        255, 255, 1, 2,
        254, 255, 3, 5};
    int[] out = ImageTransform.cropAndResize(img, 4, 4, 1, 2, 2);
    // (0+10+20+30)/4 = 15; (100+101+103+104)/4 = 102; (255*3+254)/4 = 254.75; (1+2+3+5)/4 = 2.75
    assertThat(out).containsExactly(15, 102, 255, 3);
  }

  @Test
  void fractionalShrinkWeighsByCoveredArea() {
    // 3x3 (every row 10, 20, 40) to 2x2: output column 0 covers [0, 1.5): 10 fully and half
    // of 20; rows are equal, so the vertical pass changes nothing
    int[] row = {10, 20, 40};
    int[] img = new int[9];
    for (int y = 0; y < 3; y++) {
      System.arraycopy(row, 0, img, 3 * y, 3);
    }
    int[] out = ImageTransform.cropAndResize(img, 3, 3, 1, 2, 2);
    // (10 + 0.5 * 20) / 1.5 = 13.33 and (0.5 * 20 + 40) / 1.5 = 33.33
    assertThat(out).containsExactly(13, 33, 13, 33);
  }

  @Test
  void enlargingByTwoRepeatsPixels() {
    int[] out = ImageTransform.cropAndResize(new int[] {1, 2, 3, 4}, 2, 2, 1, 4, 4);
    assertThat(out).containsExactly(
        1, 1, 2, 2,
        1, 1, 2, 2,
        3, 3, 4, 4,
        3, 3, 4, 4);
  }

  @Test
  void cropThenResizeOnColourIsPerChannel() {
    // 6x4 RGB: pixel (y, x) = (10 y + x, 100 + x, 200 - 10 y); crop columns 1..4, then 2x2 blocks
    int w = 6;
    int h = 4;
    int[] img = new int[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img[(y * w + x) * 3] = 10 * y + x;
        img[(y * w + x) * 3 + 1] = 100 + x;
        img[(y * w + x) * 3 + 2] = 200 - 10 * y;
      }
    }
    int[] out = ImageTransform.cropAndResize(img, w, h, 3, 2, 2);
    // top-left block: x in {1,2}, y in {0,1}: R mean (1+2+11+12)/4 = 6.5 -> 7,
    // G (101+102)/2 = 101.5 -> 102, B (200+190)/2 = 195
    assertThat(out).containsExactly(
        7, 102, 195, /* top-right, x in {3,4}: R (3+4+13+14)/4 = 8.5 */ 9, 104, 195,
        /* bottom-left, y in {2,3}: R (21+22+31+32)/4 = 26.5 */ 27, 102, 175,
        29, 104, 175);
  }

  @Test
  void sameSizeIsUnchanged() {
    int[] img = {5, 6, 7, 8};
    assertThat(ImageTransform.cropAndResize(img, 2, 2, 1, 2, 2)).containsExactly(5, 6, 7, 8);
  }

  @Test
  void lumaUsesBt601Weights() {
    assertThat(ImageTransform.luma(255, 0, 0)).isEqualTo(76); // 76.245
    assertThat(ImageTransform.luma(0, 255, 0)).isEqualTo(150); // 149.685
    assertThat(ImageTransform.luma(0, 0, 255)).isEqualTo(29); // 29.07
    assertThat(ImageTransform.luma(10, 20, 30)).isEqualTo(18); // 2.99 + 11.74 + 3.42
    assertThat(ImageTransform.luma(255, 255, 255)).isEqualTo(255);
  }
}
