package io.dgm4j.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.function.Supplier;

/**
 * Start-up of the tensor engine (DJL with PyTorch), in one place.
 *
 * <p>dgm4j always runs DJL offline: {@link #init()} sets the {@code offline} system properties
 * before DJL is first touched, so the engine never tries to download natives or probe cloud
 * metadata. The PyTorch CPU natives come from Maven Central with the classpath.
 */
public final class Engines {
  private static volatile boolean initialized;

  private Engines() {}

  /** Sets DJL's offline switches and returns the PyTorch engine. Idempotent. */
  public static Engine init() {
    if (!initialized) {
      synchronized (Engines.class) {
        if (!initialized) {
          System.setProperty("offline", "true");
          System.setProperty("ai.djl.offline", "true");
          System.setProperty("ai.djl.default_engine", "PyTorch");
          initialized = true;
        }
      }
    }
    return Engine.getEngine("PyTorch");
  }

  /** A new root manager on {@code device} (e.g. {@code Device.cpu()} or {@code Device.gpu()}). */
  public static NDManager newManager(Device device) {
    return init().newBaseManager(device);
  }

  /** A new root manager on the CPU. */
  public static NDManager newManager() {
    return newManager(Device.cpu());
  }

  /**
   * Parses a device name: {@code cpu}, {@code gpu} or {@code gpu:N}; fails with a clear message
   * when the engine has no such device.
   */
  public static Device device(String name) {
    Device d = Device.fromName(name, init());
    if (d.isGpu() && d.getDeviceId() >= init().getGpuCount()) {
      throw new IllegalArgumentException(
          "device " + name + " is not available (this machine has " + init().getGpuCount()
              + " GPUs); use --device cpu");
    }
    return d;
  }

  /**
   * Sets how many threads the engine uses inside one operation (PyTorch intra-op threads;
   * default: one per core). Two heavy processes on the same cores should each use fewer:
   * oversubscribed OpenMP threads spin and can slow both down many times over.
   */
  public static void threads(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + count);
    }
    init();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(count);
  }

  /**
   * Runs {@code work} with the engine on {@code count} threads per operation, then restores the
   * previous count (process-wide: other threads using the engine meanwhile see it too). For work
   * made of many small operations, which splitting only slows down.
   */
  public static <T> T withThreads(int count, Supplier<T> work) {
    int previous = threads();
    threads(count);
    try {
      return work.get();
    } finally {
      threads(previous);
    }
  }

  /** Threads the engine uses inside one operation (see {@link #threads(int)}). */
  public static int threads() {
    init();
    return ai.djl.pytorch.jni.JniUtils.getNumThreads();
  }

  /** Seeds the engine's random number generator (used by tensor sampling). */
  public static void seed(long seed) {
    init().setRandomSeed((int) (seed ^ (seed >>> 32)));
  }
}
