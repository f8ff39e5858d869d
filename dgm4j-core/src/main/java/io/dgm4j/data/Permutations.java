package io.dgm4j.data;

import java.util.SplittableRandom;

/** Seeded random orders of examples. */
public final class Permutations {
  private Permutations() {}

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  public static int[] of(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
