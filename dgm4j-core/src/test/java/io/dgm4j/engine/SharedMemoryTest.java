package io.dgm4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
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

  @Test
  void otherTypesHaveNoView() {
    try (NDManager m = Engines.newManager()) {
      assertThat(SharedMemory.view(m.arange(4).toType(DataType.INT64, false))).isNull();
    }
  }
}
