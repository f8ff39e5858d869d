package io.dgm4j.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class RequestRowsTest {
  private static final int[] SHAPE = {2, 3};

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void csvWithAHeaderAndJsonRowsGiveTheSameValues() {
    RequestRows.Rows csv = RequestRows.parse(bytes("a,b,c,d,e,f\n1,2,3,4,5,6\n0,0,0,0,0,255\n"),
        "text/csv", SHAPE, true, 10);
    RequestRows.Rows json = RequestRows.parse(bytes("[[1,2,3,4,5,6],[0,0,0,0,0,255]]"),
        "application/json", SHAPE, true, 10);
    assertThat(csv.count()).isEqualTo(2);
    assertThat(csv.values()).containsExactly(json.values());
    RequestRows.Rows single = RequestRows.parse(bytes("[1,2,3,4,5,6]"), null, SHAPE, true, 10);
    assertThat(single.count()).isEqualTo(1);
  }

  @Test
  void badBodiesNameTheProblem() {
    assertThatThrownBy(() -> RequestRows.parse(bytes("1,2,3\n"), "text/csv", SHAPE, true, 10))
        .isInstanceOf(RequestRows.BadRequest.class).hasMessageContaining("has 3 values")
        .hasMessageContaining("takes 6");
    assertThatThrownBy(() -> RequestRows.parse(bytes("1,2,3,4,5,x\n1,2,3,4,5,x"), "text/csv",
        SHAPE, true, 10)).hasMessageContaining("line 2");
    assertThatThrownBy(() -> RequestRows.parse(bytes("[[1,2,3,4,5,NaN]]"), "application/json",
        SHAPE, true, 10)).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> RequestRows.parse(bytes("1,2,3,4,5,Infinity"), "text/csv",
        SHAPE, true, 10)).hasMessageContaining("finite");
    assertThatThrownBy(() -> RequestRows.parse(new byte[0], "text/csv", SHAPE, true, 10))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> RequestRows.parse(bytes("[[1,2,3,4,5,6],[1,2,3,4,5,6]]"), null,
        SHAPE, true, 1)).hasMessageContaining("at most 1");
    assertThatThrownBy(() -> RequestRows.parse(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0,
        0, 0, 0}, "image/png", SHAPE, true, 10)).hasMessageContaining("not a readable");
  }

  @Test
  void imagesBecomeGrayLevelsOfTheRunsSize() throws Exception {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xFFFFFF);
    img.setRGB(2, 1, 0xFF0000); // pure red: luminance 0.299 * 255 = 76.2
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    RequestRows.Rows rows = RequestRows.parse(png.toByteArray(), "image/png", SHAPE, true, 10);
    assertThat(rows.values()).containsExactly(255f, 0f, 0f, 0f, 0f, 76f);
    assertThatThrownBy(() -> RequestRows.parse(png.toByteArray(), "image/png", new int[] {3, 2},
        true, 10)).hasMessageContaining("image is 3x2 pixels; this run's model takes 2x3");
    assertThatThrownBy(() -> RequestRows.parse(png.toByteArray(), "image/png", SHAPE, false,
        10)).hasMessageContaining("table rows");
  }

  /** Gray PNGs keep their stored levels exactly (no colour-space conversion on the way in). */
  @Test
  void grayLevelsSurviveExactly() throws Exception {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    int[] levels = {0, 1, 55, 128, 200, 255};
    for (int i = 0; i < 6; i++) {
      img.getRaster().setSample(i % 3, i / 3, 0, levels[i]);
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    assertThat(RequestRows.parse(png.toByteArray(), "image/png", SHAPE, true, 10).values())
        .containsExactly(0f, 1f, 55f, 128f, 200f, 255f);
  }

  @Test
  void percentileCountsScoresAtOrBelow() {
    double[] sorted = {1, 2, 2, 3};
    assertThat(ServedRun.percentile(sorted, 0)).isEqualTo(0);
    assertThat(ServedRun.percentile(sorted, 2)).isEqualTo(75);
    assertThat(ServedRun.percentile(sorted, 9)).isEqualTo(100);
  }
}
