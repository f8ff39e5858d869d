package io.dgm4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SharedMemoryTest {
  @Test
  void aCpuViewReadsAndWritesTheTensorItself() {
    try (NDManager m = Engines.newManager()) {
      NDArray x = m.arange(6f).reshape(2, 3).add(1); // an operation's result, as gradients are
      ByteBuffer view = SharedMemory.view(x);
      assertThat(view).isNotNull();
      assertThat(view.getFloat(4 * Float.BYTES)).isEqualTo(5f);
      view.putFloat(Float.BYTES, 42f);
      assertThat(x.toFloatArray()).containsExactly(1f, 42f, 3f, 4f, 5f, 6f);
    }
  }

  /** A tensor made from part of an array holds a copy: the array may be reused at once. */
  @Test
  void tensorsFromArraysCopyTheirSlice() {
    try (NDManager m = Engines.newManager()) {
      float[] values = {9f, 1f, 2f, 3f, 4f, 5f, 6f, 9f};
      NDArray x = SharedMemory.tensor(m, values, 1, 6, new Shape(2, 3));
      Arrays.fill(values, -1f);
      assertThat(x.getShape()).isEqualTo(new Shape(2, 3));
      assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(x.toFloatArray()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
      assertThat(x.sum().getFloat()).isEqualTo(21f); // the engine reads the same values
      assertThat(SharedMemory.tensor(m, new float[] {7f, 8f},
          new Shape(2)).toFloatArray()).containsExactly(7f, 8f);
      assertThatThrownBy(() -> SharedMemory.tensor(m, values,
          0, 5, new Shape(2, 3)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 3)");
    }
  }

  @Test
  void otherTypesHaveNoView() {
    try (NDManager m = Engines.newManager()) {
      assertThat(SharedMemory.view(m.arange(4).toType(DataType.INT64, false))).isNull();
    }
  }
}
