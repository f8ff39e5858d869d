package io.dgm4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Plain-Java access to tensors and whether the JVM can use the JDK's vector API on them: the
 * two things dgm4j's fused loops (NADE's hand-derived gradient, the fused Adam update) need.
 *
 * <p>On the CPU, PyTorch's {@code toByteBuffer(true)} returns a direct buffer over the tensor's
 * own memory (checked in {@code SharedMemoryTest}): reading it costs no copy and writing it
 * changes the tensor. Elsewhere (a GPU) there is no such view and {@link #view} says so.
 */
public final class SharedMemory {
  /** Whether the JVM has the vector API ({@code --add-modules jdk.incubator.vector}). */
  public static final boolean VECTOR_API =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private SharedMemory() {}

  /**
   * A native-order view of a float32 CPU tensor's memory, or {@code null} when the tensor is
   * elsewhere or of another type (callers then use tensor operations).
   */
  public static ByteBuffer view(NDArray array) {
    if (array.getDevice().isGpu() || array.getDataType() != DataType.FLOAT32) {
      return null;
    }
    ByteBuffer buffer = array.toByteBuffer(true);
    if (!buffer.isDirect() || buffer.capacity() != array.size() * Float.BYTES) {
      return null;
    }
    return buffer.order(ByteOrder.nativeOrder());
  }
}
