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
   * @return a dataset of {@code latentDimension()} features per example, with the labels of
   *     {@code data}
   */
  public static <M extends GenerativeModel & Encoder> Dataset encode(M model, Dataset data,
      int batchSize) {
    LatentEvaluator.requireDimension(model.dimension(), data);
    int l = model.latentDimension();
    float[] out = new float[data.size() * l];
    for (int start = 0; start < data.size(); start += batchSize) {
      int n = Math.min(batchSize, data.size() - start);
      try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
        float[] f = model.encode(LatentEvaluator.rows(m, data, start, n)).toFloatArray();
        System.arraycopy(f, 0, out, start * l, n * l);
      }
    }
    return new Dataset(data.name() + " features", out, data.size(), new int[] {l},
        data.labels());
  }
}
