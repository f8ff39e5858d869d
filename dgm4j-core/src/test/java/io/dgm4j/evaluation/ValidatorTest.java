package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.Batch;
import io.dgm4j.models.Support;
import io.dgm4j.models.baseline.IndependentBernoulli;
import io.dgm4j.objectives.MaximumLikelihood;
import io.dgm4j.objectives.Objective;
import org.junit.jupiter.api.Test;

/** Validation reports what the model supports, labelled. */
class ValidatorTest {

  private static Dataset bits(int n, int d) {
    float[] v = new float[n * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i * 7 % 3) == 0 ? 1f : 0f;
    }
    return new Dataset("bits", v, n, new int[] {d}, null);
  }

  @Test
  void densityModelsReportTheirExactNll() {
    try (NDManager m = Engines.newManager();
        IndependentBernoulli model = new IndependentBernoulli(m.newSubManager(), 5,
            IndependentBernoulli.Config.defaults(), 1)) {
      model.parameters().get("logits").set(new float[5]); // p = 1/2 everywhere
      Validator.Result r = new Validator(3).validate(model, new MaximumLikelihood(model),
          bits(10, 5));
      assertThat(r.metric()).isEqualTo("nll");
      assertThat(r.value()).isCloseTo(5 * Math.log(2), within(1e-5));
      assertThat(r.inNats()).isTrue();
    }
  }

  /** A model with no likelihood, bound or energy: only the objective can say anything. */
  private static final class Opaque extends AbstractModel {
    Opaque(NDManager m) {
      super(m, 2, 1);
      parameters.zeros("w", 2);
    }

    @Override
    public String family() {
      return "opaque";
    }

    @Override
    public Support support() {
      return Support.REAL;
    }

    @Override
    public Record config() {
      return null;
    }
  }

  private static Objective objectiveWithLoss(double value) {
    return objectiveWithHeldOutLoss(batch -> value * batch.size());
  }

  /** An objective that trains nothing and scores a held-out batch with {@code loss}. */
  private static Objective objectiveWithHeldOutLoss(
      java.util.function.ToDoubleFunction<Batch> loss) {
    return new Objective() {
      @Override
      public String name() {
        return "fixed";
      }

      @Override
      public double step(Batch batch, long step, double learningRate) {
        return 0;
      }

      @Override
      public NDList state() {
        return new NDList();
      }

      @Override
      public void restore(NDList state, long step, String source) {}

      @Override
      public java.util.List<io.dgm4j.optim.Adam> optimizers() {
        return java.util.List.of();
      }

      @Override
      public double validationLoss(Batch batch) {
        return loss.applyAsDouble(batch);
      }
    };
  }

  @Test
  void otherModelsFallBackToTheObjectivesLossWeightedByBatch() {
    try (NDManager m = Engines.newManager(); Opaque model = new Opaque(m.newSubManager())) {
      // batches of 4, 4 and 2: per-batch means 4, 4, 2 weighted by size -> (16 + 16 + 4) / 10
      Validator.Result r = new Validator(4).validate(model, objectiveWithLoss(1.0),
          new Dataset("x", new float[20], 10, new int[] {2}, null));
      assertThat(r.metric()).isEqualTo("objective");
      assertThat(r.value()).isCloseTo(3.6, within(1e-9));
      assertThat(r.inNats()).isFalse();
    }
  }

  @Test
  void anObjectiveWithoutAHeldOutLossGivesNone() {
    try (NDManager m = Engines.newManager(); Opaque model = new Opaque(m.newSubManager())) {
      Validator.Result r = new Validator(4).validate(model, objectiveWithLoss(Double.NaN),
          new Dataset("x", new float[20], 10, new int[] {2}, null));
      assertThat(r.metric()).isEqualTo("none");
    }
  }

  @Test
  void aPerBatchFigureSeesShuffledBatchesWithTheirOwnLabels() {
    // rows sorted as a file may be: the first half 0, the second 1, each labelled by its value;
    // a figure computed per batch (here the spread of the batch's values, as a two-sample
    // statistic such as MMD² depends on the batch's mix) is 0 on every batch of file order
    int n = 100;
    float[] v = new float[n];
    int[] labels = new int[n];
    for (int i = n / 2; i < n; i++) {
      v[i] = 1;
      labels[i] = 1;
    }
    Dataset sorted = new Dataset("sorted", v, n, new int[] {1}, labels);
    Objective spread = objectiveWithHeldOutLoss(batch -> {
      float[] x = batch.x().toFloatArray();
      long[] y = batch.labels().toType(ai.djl.ndarray.types.DataType.INT64, false)
          .toLongArray();
      float min = 1;
      float max = 0;
      for (int i = 0; i < x.length; i++) {
        assertThat((long) x[i]).as("each row keeps its own label").isEqualTo(y[i]);
        min = Math.min(min, x[i]);
        max = Math.max(max, x[i]);
      }
      return max - min;
    });
    try (NDManager m = Engines.newManager(); Opaque model = new Opaque(m.newSubManager())) {
      Validator validator = new Validator(10);
      double first = validator.validate(model, spread, sorted).value();
      // shuffled, a batch of 10 holds only one kind with probability about 2 x 2^-10
      assertThat(first).isGreaterThan(0.9);
      // the same batches every epoch, so epochs compare
      assertThat(validator.validate(model, spread, sorted).value()).isEqualTo(first);
    }
  }
}
