package io.dgm4j.evaluation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.dgm4j.data.Dataset;
import io.dgm4j.models.Encoder;
import io.dgm4j.models.GenerativeModel;

/** An encoder's features of a whole dataset (representation learning, seed 002). */
public final class Features {
  private Features() {}

  /**
   * encode(x) for every example, in dataset order, computed in minibatches.
   *
   * @return one row of {@code latentDimension()} features per example
   */
  public static <M extends GenerativeModel & Encoder> double[][] encode(M model, Dataset data,
      int batchSize) {
    LatentEvaluator.requireDimension(model.dimension(), data);
    int l = model.latentDimension();
    double[][] out = new double[data.size()][l];
    for (int start = 0; start < data.size(); start += batchSize) {
      int n = Math.min(batchSize, data.size() - start);
      try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
        float[] f = model.encode(LatentEvaluator.rows(m, data, start, n)).toFloatArray();
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < l; j++) {
            out[start + i][j] = f[i * l + j];
          }
        }
      }
    }
    return out;
  }
}
