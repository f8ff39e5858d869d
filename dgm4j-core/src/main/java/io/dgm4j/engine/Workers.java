package io.dgm4j.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Plain-Java work split over several threads, for the loops that run on float arrays outside the
 * engine (NADE's hand-derived sweep): one shared pool of daemon threads
 * that block, not spin, while idle, so they do not compete with the engine's own threads.
 */
public final class Workers {
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "dgm4j-worker");
    t.setDaemon(true);
    return t;
  });

  private Workers() {}

  /** A range of rows for one worker: {@code part} from 0, rows {@code first} to {@code end - 1}. */
  @FunctionalInterface
  public interface RowRange {
    void run(int part, int first, int end);
  }

  /**
   * Rows 0 .. count - 1 split into at most {@code threads} contiguous ranges, one per worker
   * ({@link #run}); the hand-derived steps' passes over the rows of a batch.
   */
  public static void rows(int count, int threads, RowRange task) {
    int parts = Math.max(1, Math.min(threads, count));
    run(parts, p -> task.run(p, (int) ((long) count * p / parts),
        (int) ((long) count * (p + 1) / parts)));
  }

  /**
   * Runs {@code task.accept(part)} for part = 0 .. parts - 1, part 0 on the calling thread and
   * the others on the pool, and returns when all are done; a failure in any part is rethrown.
   */
  public static void run(int parts, IntConsumer task) {
    List<Future<?>> pending = new ArrayList<>();
    for (int part = 1; part < parts; part++) {
      int p = part;
      pending.add(POOL.submit(() -> task.accept(p)));
    }
    task.accept(0);
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a worker thread", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException("a worker thread failed", cause);
      }
    }
  }
}
