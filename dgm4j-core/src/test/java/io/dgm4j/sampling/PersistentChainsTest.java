package io.dgm4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Samplable;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Picking saved chain states, and chain samplers continuing from given states. */
class PersistentChainsTest {

  /** 10 saved states of 3 values each; row r holds (r, 10 r, 100 r). */
  private static NDArray states(NDManager m) {
    float[] v = new float[30];
    for (int r = 0; r < 10; r++) {
      v[3 * r] = r;
      v[3 * r + 1] = 10 * r;
      v[3 * r + 2] = 100 * r;
    }
    return m.create(v, new Shape(10, 3));
  }

  /** Which saved row each picked row is (each must be one of them, whole). */
  private static int[] rowsOf(float[] picked) {
    int[] rows = new int[picked.length / 3];
    for (int i = 0; i < rows.length; i++) {
      int r = Math.round(picked[3 * i]);
      assertThat(new float[] {picked[3 * i + 1], picked[3 * i + 2]})
          .containsExactly(10f * r, 100f * r);
      rows[i] = r;
    }
    return rows;
  }

  @Test
  void picksWholeSavedRowsWithoutReplacementThenEvenly() {
    try (NDManager m = Engines.newManager()) {
      int[] seven = rowsOf(PersistentChains.pick(m, states(m), 7, 3).toFloatArray());
      assertThat(seven).doesNotHaveDuplicates();
      // 25 of 10 rows: each row 2 or 3 times, never more
      Map<Integer, Integer> uses = new HashMap<>();
      for (int r : rowsOf(PersistentChains.pick(m, states(m), 25, 3).toFloatArray())) {
        uses.merge(r, 1, Integer::sum);
      }
      assertThat(uses).hasSize(10);
      assertThat(uses.values()).allMatch(u -> u == 2 || u == 3);
      // the seed decides the pick
      assertThat(PersistentChains.pick(m, states(m), 7, 3).toFloatArray())
          .containsExactly(PersistentChains.pick(m, states(m), 7, 3).toFloatArray());
      assertThat(PersistentChains.pick(m, states(m), 7, 4).toFloatArray())
          .isNotEqualTo(PersistentChains.pick(m, states(m), 7, 3).toFloatArray());
    }
  }

  @Test
  void findsTheSavedChainsByNameOnly() {
    try (NDManager m = Engines.newManager()) {
      NDArray moment = m.zeros(new Shape(3));
      moment.setName("adam.m.w");
      assertThat(PersistentChains.find(new NDList(moment))).isNull();
      assertThat(PersistentChains.find(null)).isNull();
      NDArray buffer = states(m);
      buffer.setName(PersistentChains.REPLAY_BUFFER);
      assertThat(PersistentChains.find(new NDList(moment, buffer))).isSameAs(buffer);
      NDArray chains = states(m);
      chains.setName(PersistentChains.CHAINS);
      assertThat(PersistentChains.find(new NDList(chains, moment))).isSameAs(chains);
    }
  }

  @Test
  void anEnergyModelContinuesTheGivenStatesAndExactSamplersRefuseThem() throws Exception {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(5);
      // one Langevin step of η = 1e-4 moves a state by about sqrt(2η) = 0.014; fresh chains
      // start uniform on [−4, 4], so states at ±50 can only come from the given start
      ObjectNode settings = (ObjectNode) ModelRegistry.json().readTree(
          "{\"hidden\": [8], \"stepSize\": 1e-4}");
      GenerativeModel ebm = ModelRegistry.family("ebm").create(m.newSubManager(),
          new int[] {2}, settings, 1);
      float[] start = {50, -50, -50, 50, 50, 50};
      float[] moved = ((Samplable) ebm).sample(m, 3, new Samplable.SamplingOptions("langevin",
          1, m.create(start, new Shape(3, 2)))).values().toFloatArray();
      for (int i = 0; i < start.length; i++) {
        assertThat((double) moved[i]).as("coordinate %d", i).isCloseTo(start[i],
            org.assertj.core.data.Offset.offset(0.1));
      }
      assertThatThrownBy(() -> ((Samplable) ebm).sample(m, 2, new Samplable.SamplingOptions(
          "langevin", 1, m.create(start, new Shape(3, 2)))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 2)");

      GenerativeModel made = ModelRegistry.family("made").create(m.newSubManager(),
          new int[] {2}, (ObjectNode) ModelRegistry.json().readTree("{}"), 1);
      assertThatThrownBy(() -> ((Samplable) made).sample(m, 3, new Samplable.SamplingOptions(
          null, 0, m.create(start, new Shape(3, 2)))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no chains");
      ebm.close();
      made.close();
    }
  }
}
