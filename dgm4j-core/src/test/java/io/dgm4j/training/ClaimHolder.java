package io.dgm4j.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second process for {@link RunDirectoryClaimTest} and {@link RunStatusTest}: claims the run
 * folder given as its argument, prints {@code claimed}, and holds the claim until its standard
 * input closes.
 */
public final class ClaimHolder {
  private ClaimHolder() {}

  /**
   * Starts a holder of {@code folder}'s claim in a child JVM and returns once it holds it; the
   * claim lasts until the child is destroyed.
   */
  static Process start(Path folder) throws IOException {
    String javaBinary = ProcessHandle.current().info().command().orElse(Path.of(
        System.getProperty("java.home"), "bin", "java").toString());
    Process holder = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"),
        ClaimHolder.class.getName(), folder.toString()).redirectErrorStream(true).start();
    String line = new BufferedReader(new InputStreamReader(holder.getInputStream(),
        StandardCharsets.UTF_8)).readLine();
    if (!"claimed".equals(line)) {
      holder.destroyForcibly();
      throw new IllegalStateException("the claim holder said " + line);
    }
    return holder;
  }

  public static void main(String[] args) throws Exception {
    try (RunDirectory.Claim claim = new RunDirectory(Path.of(args[0])).claim()) {
      System.out.println("claimed");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until the parent closes the pipe
      }
    }
  }
}
