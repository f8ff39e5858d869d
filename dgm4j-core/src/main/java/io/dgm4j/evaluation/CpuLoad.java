package io.dgm4j.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine's other processes kept the CPUs while this process measured something,
 * read from Linux's {@code /proc/stat} (all CPUs) and {@code /proc/self/stat} (this process).
 *
 * <p>Both files count time in the same clock ticks (USER_HZ). Over an interval, the machine's
 * busy ticks are all ticks except idle and iowait (steal counts as busy: the hypervisor gave the
 * time to someone else); subtracting this process's own user and system ticks leaves what other
 * processes used. Dividing by the interval's total ticks and multiplying by the CPU count gives
 * the other processes' load in cores: 0 on an idle machine, 1.0 when another process kept one
 * core busy throughout. The figure is as fine as a tick (10 ms), so a 10-second window
 * resolves about 0.002 cores.
 */
public final class CpuLoad {
  /** Load of other processes, in cores, above which a window counts as disturbed. */
  public static final double DISTURBED_CORES = 0.2;

  private CpuLoad() {}

  /**
   * One reading of the counters.
   *
   * @param busy ticks all CPUs spent neither idle nor waiting for I/O
   * @param total all ticks of all CPUs
   * @param self ticks this process spent in user and system mode
   * @param cpus CPUs counted in {@code /proc/stat}
   */
  public record Reading(long busy, long total, long self, int cpus) {}

  /**
   * The counters now, or {@code null} where {@code /proc} is not readable (not Linux): the
   * load is then unknown and no window is called disturbed.
   */
  public static Reading read() {
    try {
      return reading(Files.readString(Path.of("/proc/stat")),
          Files.readString(Path.of("/proc/self/stat")));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Parses the two files' text into a reading. */
  static Reading reading(String procStat, String selfStat) {
    long[] machine = machineTicks(procStat);
    int cpus = 0;
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
        cpus++;
      }
    }
    return new Reading(machine[0], machine[1], processTicks(selfStat), Math.max(cpus, 1));
  }

  /**
   * The aggregate {@code cpu} line of {@code /proc/stat}: user nice system idle iowait irq
   * softirq steal [guest guest_nice]. Guest time is already inside user and nice, so only the
   * first eight fields are summed.
   *
   * @return {busy, total} ticks
   */
  static long[] machineTicks(String procStat) {
    for (String line : procStat.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 5 && f[0].equals("cpu")) {
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new long[] {total - idle, total};
      }
    }
    throw new IllegalArgumentException("no aggregate cpu line in /proc/stat");
  }

  /**
   * utime + stime of {@code /proc/self/stat}, fields 14 and 15. The command name (field 2) is
   * in parentheses and may itself contain spaces and parentheses, so fields are counted after
   * the last ')'.
   */
  static long processTicks(String selfStat) {
    int close = selfStat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("no command name in /proc/self/stat");
    }
    String[] f = selfStat.substring(close + 1).trim().split("\\s+");
    // f[0] is field 3 (state): field k is f[k - 3]
    return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
  }

  /**
   * Average number of cores other processes kept busy between two readings; {@code NaN} when
   * either is missing or no tick passed.
   */
  public static double otherCores(Reading before, Reading after) {
    if (before == null || after == null || after.total() <= before.total()) {
      return Double.NaN;
    }
    double others = (after.busy() - before.busy()) - (after.self() - before.self());
    return Math.max(0, others) / (after.total() - before.total()) * after.cpus();
  }
}
