package io.dgm4j.data;

import static io.dgm4j.data.IdxReaderTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.dgm4j.models.Support;
import org.junit.jupiter.api.Test;

class ValidationTest {
  private static Dataset images(float... values) {
    return new Dataset("imgs", values, values.length / 4, new int[] {2, 2}, null);
  }

  @Test
  void finiteAndBinaryDataPass() {
    Validation.requireFinite(images(0, 1, 2, 3));
    Validation.requireBinary(images(0, 1, 1, 0), "NADE");
    Validation.requireDimension(images(0, 1, 1, 0), 4);
  }

  @Test
  void nonFiniteNamesExampleAndPixel() {
    assertThat(message(() -> Validation.requireFinite(images(0, 1, 2, 3, 4, Float.NaN, 6, 7))))
        .isEqualTo("imgs: non-finite value NaN at example 1, pixel 1");
    Dataset table = new Dataset("tab", new float[] {1, Float.POSITIVE_INFINITY}, 1,
        new int[] {2}, null);
    assertThat(message(() -> Validation.requireFinite(table)))
        .isEqualTo("tab: non-finite value Infinity at example 0, column 1");
  }

  @Test
  void nonBinaryNamesTheValueAndWhereItIs() {
    assertThat(message(() -> Validation.requireBinary(images(0, 1, 1, 0, 1, 0, 0.5f, 1), "NADE")))
        .isEqualTo("imgs: model NADE needs binary data (0/1); found 0.5 at example 1, pixel 2:"
            + " binary models need every value to be exactly 0 or 1");
  }

  @Test
  void wrongDimensionShowsBothShapes() {
    Dataset small = new Dataset("small", new float[256], 1, new int[] {16, 16}, null);
    assertThat(message(() -> Validation.requireDimension(small, 784)))
        .isEqualTo("small: expected 784 values per example (28x28), got 256 (16x16)");
  }

  @Test
  void theNarrowestSupportIsTheSmallestKindHoldingEveryValue() {
    assertThat(Validation.narrowestSupport(images(0, 1, 1, 0))).isEqualTo(Support.BINARY);
    assertThat(Validation.narrowestSupport(images(0, 1, 255, 37))).isEqualTo(Support.BYTE);
    assertThat(Validation.narrowestSupport(images(0, 1, 255, 37.5f))).isEqualTo(Support.REAL);
    assertThat(Validation.narrowestSupport(images(0, 1, 256, 3))).isEqualTo(Support.REAL);
    assertThat(Validation.narrowestSupport(images(0, -1, 2, 3))).isEqualTo(Support.REAL);
    // a real value seen before the first non-binary integer still makes the data real
    assertThat(Validation.narrowestSupport(images(0.5f, 1, 2, 3))).isEqualTo(Support.REAL);
    assertThat(Validation.firstOutside(images(0, 1, 1, 0, 1, 37, 0.5f, 1), Support.BINARY))
        .contains("37.0 at example 1, pixel 1");
    assertThat(Validation.firstOutside(images(0, 1, 1, 0, 1, 37, 0.5f, 1), Support.BYTE))
        .contains("0.5 at example 1, pixel 2");
    assertThat(Validation.firstOutside(images(0, 1, 1, 0), Support.BINARY)).isEmpty();
  }
}
