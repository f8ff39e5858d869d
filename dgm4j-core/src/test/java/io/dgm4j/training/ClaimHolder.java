package io.dgm4j.training;

import java.nio.file.Path;

/**
 * A second process for {@link RunDirectoryClaimTest}: claims the run folder given as its
 * argument, prints {@code claimed}, and holds the claim until its standard input closes.
 */
public final class ClaimHolder {
  private ClaimHolder() {}

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
