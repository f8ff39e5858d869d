package io.dgm4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

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
   * A float32 tensor of {@code shape} holding {@code values[offset, offset + length)} in
   * {@code manager}. On the CPU the values are written straight into a new uninitialised
   * tensor's memory: DJL's {@code create} from a Java array or heap buffer allocates and zeroes a
   * new direct buffer on every call and copies through it, which took 4.0-4.2 ms for a batch of
   * 512 x 784 floats against 0.1-0.2 ms this way (2-core AMD EPYC, 2026-11-23) and was a third
   * of a mixture's training step. Elsewhere (a GPU) it is DJL's {@code create}.
   */
  public static NDArray tensor(NDManager manager, float[] values, int offset, int length,
      Shape shape) {
    if (shape.size() != length) {
      throw new IllegalArgumentException(length + " values do not fill shape " + shape);
    }
    if (!manager.getDevice().isGpu()) {
      NDArray tensor = manager.create(shape, DataType.FLOAT32);
      ByteBuffer memory = view(tensor);
      if (memory != null) {
        memory.asFloatBuffer().put(values, offset, length);
        return tensor;
      }
      tensor.close();
    }
    return manager.create(FloatBuffer.wrap(values, offset, length).slice(), shape);
  }

  /** {@link #tensor(NDManager, float[], int, int, Shape)} of the whole array. */
  public static NDArray tensor(NDManager manager, float[] values, Shape shape) {
    return tensor(manager, values, 0, values.length, shape);
  }

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
