package io.dgm4j.objectives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.Batch;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import org.junit.jupiter.api.Test;

/** The moving average of the weights, its swap for evaluation, and an exact resume. */
class WeightAveragingTest {

  private static GenerativeModel fvsbn(NDManager m) throws Exception {
    return ModelRegistry.family("fvsbn").create(m.newSubManager(), new int[] {4},
        ModelRegistry.json().createObjectNode(), 3);
  }

  private static Objective mle(GenerativeModel model) {
    return Objectives.create(new ObjectiveSpec("mle", ModelRegistry.json().createObjectNode()),
        model, 0);
  }

  private static NDArray data(NDManager m) {
    return m.create(new float[] {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1}, new Shape(3, 4));
  }

  /** Every weight of the model, flat, in the order of its parameters. */
  private static double[] weights(GenerativeModel model) {
    return model.parameters().asMap().values().stream()
        .flatMapToDouble(p -> {
          float[] f = p.toFloatArray();
          return java.util.stream.IntStream.range(0, f.length).mapToDouble(i -> f[i]);
        }).toArray();
  }

  private static void step(Objective objective, NDManager m, long step) {
    try (NDScope scope = new NDScope()) {
      objective.step(Batch.of(data(m)), step, 0.05);
    }
  }

  /**
   * After the t-th step the average is θ̄ ← β_t θ̄ + (1 − β_t) θ with the warm-up
   * β_t = min(β, (1 + t) / (10 + t)) (0.1, 0.18, 0.25, then β = 0.3), from θ̄ = the initial weights,
   * computed here in double precision from the raw weights the steps leave; the model holds θ̄
   * only inside evaluationWeights().
   */
  @Test
  void theModelHoldsTheAverageOnlyWhileEvaluated() throws Exception {
    try (NDManager m = Engines.newManager()) {
      GenerativeModel model = fvsbn(m);
      double[] betas = {0.1, 0.18, 0.25, 0.3, 0.3, 0.3};
      WeightAveraging averaging = new WeightAveraging(mle(model), model, 0.3);
      double[] expected = weights(model);
      double[] raw = expected;
      for (int s = 0; s < betas.length; s++) {
        step(averaging, m, s);
        raw = weights(model);
        for (int i = 0; i < expected.length; i++) {
          expected[i] = betas[s] * expected[i] + (1 - betas[s]) * raw[i];
        }
      }
      assertThat(raw).as("training moved the weights")
          .isNotEqualTo(expected);
      try (Objective.Scope evaluated = averaging.evaluationWeights()) {
        double[] inside = weights(model);
        for (int i = 0; i < expected.length; i++) {
          assertThat(inside[i]).as("weight %d", i).isCloseTo(expected[i], within(1e-5));
        }
        assertThatThrownBy(() -> step(averaging, m, 6))
            .hasMessageContaining("averaged weights");
      }
      assertThat(weights(model)).containsExactly(raw);
      model.close();
    }
  }

  /**
   * The state saved while the model holds θ̄ (as the trainer saves checkpoints) restores θ into
   * the model and θ̄ into the average: a resumed run takes the same next step.
   */
  @Test
  void aRestoredRunContinuesExactly() throws Exception {
    try (NDManager m = Engines.newManager()) {
      GenerativeModel first = fvsbn(m);
      WeightAveraging averaging = new WeightAveraging(mle(first), first, 0.8);
      for (int s = 0; s < 4; s++) {
        step(averaging, m, s);
      }
      NDList saved;
      NDList savedModel;
      try (Objective.Scope evaluated = averaging.evaluationWeights()) {
        saved = copies(averaging.state()); // as a checkpoint file would hold them
        savedModel = first.parameters().toNDList();
        savedModel = new NDList(savedModel.stream().map(NDArray::duplicate).toList());
      }
      step(averaging, m, 4);

      GenerativeModel second = fvsbn(m);
      second.parameters().load(savedModel, "test");
      WeightAveraging resumed = new WeightAveraging(mle(second), second, 0.8);
      resumed.restore(saved, 4, "test");
      step(resumed, m, 4);
      assertThat(weights(second)).containsExactly(weights(first));
      double[] a;
      double[] b;
      try (Objective.Scope evaluated = averaging.evaluationWeights()) {
        a = weights(first);
      }
      try (Objective.Scope evaluated = resumed.evaluationWeights()) {
        b = weights(second);
      }
      assertThat(b).containsExactly(a);
      first.close();
      second.close();
    }
  }

  /**
   * A state saved before the warm-up existed holds an average but no step count: it continues
   * as if averaging had started at step 0, so at step 20 the next update uses
   * β_20 = min(0.3, 21/30) = 0.3, not the first step's 0.1.
   */
  @Test
  void aStateWithoutAStepCountContinuesAtTheRunsStep() throws Exception {
    try (NDManager m = Engines.newManager()) {
      GenerativeModel model = fvsbn(m);
      WeightAveraging averaging = new WeightAveraging(mle(model), model, 0.3);
      for (int s = 0; s < 3; s++) {
        step(averaging, m, s);
      }
      NDList saved = new NDList();
      for (NDArray a : copies(averaging.state())) {
        if (!"average.steps".equals(a.getName())) {
          saved.add(a);
        }
      }
      assertThat(saved.size()).as("the step count was saved and is left out here")
          .isLessThan(averaging.state().size());
      averaging.restore(saved, 20, "test");
      double[] before;
      try (Objective.Scope evaluated = averaging.evaluationWeights()) {
        before = weights(model);
      }
      step(averaging, m, 20);
      double[] raw = weights(model);
      try (Objective.Scope evaluated = averaging.evaluationWeights()) {
        double[] after = weights(model);
        for (int i = 0; i < after.length; i++) {
          assertThat(after[i]).as("weight %d", i)
              .isCloseTo(0.3 * before[i] + 0.7 * raw[i], within(1e-6));
        }
      }
      model.close();
    }
  }

  /** Copies of the arrays, with their names: state() hands out live buffers. */
  private static NDList copies(NDList live) {
    NDList c = new NDList();
    for (NDArray a : live) {
      NDArray d = a.duplicate();
      d.setName(a.getName());
      c.add(d);
    }
    return c;
  }

  /** A run saved without averaging that turns it on at resume starts θ̄ at its weights. */
  @Test
  void averagingStartedOnResumeStartsAtTheWeights() throws Exception {
    try (NDManager m = Engines.newManager()) {
      GenerativeModel model = fvsbn(m);
      Objective plain = mle(model);
      step(plain, m, 0);
      NDList saved = copies(plain.state());
      double[] trained = weights(model);
      WeightAveraging averaging = new WeightAveraging(mle(model), model, 0.9);
      averaging.restore(saved, 1, "test");
      assertThat(weights(model)).containsExactly(trained);
      try (Objective.Scope evaluated = averaging.evaluationWeights()) {
        assertThat(weights(model)).containsExactly(trained);
      }
      model.close();
    }
  }

  /**
   * An objective that looks at the data first (NCE sets log Z from it) still does when averaged,
   * and the average starts at the weights it leaves.
   */
  @Test
  void anAveragedObjectiveStillLooksAtTheDataFirst() throws Exception {
    try (NDManager m = Engines.newManager()) {
      GenerativeModel model = fvsbn(m);
      Objective plain = mle(model);
      boolean[] looked = {false};
      class Looking implements Objective, io.dgm4j.models.DataInitialized {
        @Override
        public String name() {
          return "looking";
        }

        @Override
        public double step(Batch batch, long step, double learningRate) {
          return plain.step(batch, step, learningRate);
        }

        @Override
        public NDList state() {
          return plain.state();
        }

        @Override
        public void restore(NDList state, long step, String source) {
          plain.restore(state, step, source);
        }

        @Override
        public java.util.List<io.dgm4j.optim.Adam> optimizers() {
          return plain.optimizers();
        }

        @Override
        public void initializeFrom(io.dgm4j.data.Dataset examples, long seed) {
          looked[0] = true;
          for (NDArray p : model.parameters().asMap().values()) {
            p.set(new float[(int) p.size()]); // every weight 0
          }
        }
      }
      WeightAveraging averaging = new WeightAveraging(new Looking(), model, 0.5);
      averaging.initializeFrom(new io.dgm4j.data.Dataset("d", new float[8], 2,
          new int[] {4}, null), 1);
      assertThat(looked[0]).isTrue();
      try (Objective.Scope evaluated = averaging.evaluationWeights()) {
        assertThat(weights(model)).containsOnly(0.0);
      }
      model.close();
    }
  }

  @Test
  void aDecayOutsideZeroToOneIsRefusedNamingTheOption() throws Exception {
    try (NDManager m = Engines.newManager()) {
      GenerativeModel model = fvsbn(m);
      for (double bad : new double[] {0, 1, -0.5, Double.NaN}) {
        assertThatThrownBy(() -> new WeightAveraging(mle(model), model, bad))
            .hasMessageContaining("--ema must be in (0, 1)");
      }
      model.close();
    }
  }
}
