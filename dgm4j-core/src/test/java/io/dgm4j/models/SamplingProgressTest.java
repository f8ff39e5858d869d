package io.dgm4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Samplers that take a while tell how far they are, up to exactly their number of units. */
class SamplingProgressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // family; shape; settings; sampler; steps; total units (steps, levels x steps, pixels)
      "ebm; 2; {\"hidden\": [8]}; langevin; 7; 7",
      "ncsn; 2; {\"hidden\": [8], \"levels\": 3}; annealed-langevin; 4; 12",
      "rbm; 4; {\"hidden\": 3}; gibbs; 5; 5",
      "pixelcnn; 3x3; {\"features\": 4, \"blocks\": 1, \"firstKernel\": 3}; fast; 0; 9",
      "pixelcnn; 3x3; {\"features\": 4, \"blocks\": 1, \"firstKernel\": 3}; naive; 0; 9"})
  void progressRisesToTheTotal(String family, String shape, String settings, String sampler,
      int steps, long total) throws Exception {
    int[] itemShape = java.util.Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt)
        .toArray();
    try (NDManager m = Engines.newManager()) {
      GenerativeModel model = ModelRegistry.family(family).create(m.newSubManager(), itemShape,
          (ObjectNode) ModelRegistry.json().readTree(settings), 1);
      List<long[]> calls = new ArrayList<>();
      ((Samplable) model).sample(m, 3, new Samplable.SamplingOptions(sampler, steps)
          .withProgress((done, of) -> calls.add(new long[] {done, of})));
      assertThat(calls).isNotEmpty();
      assertThat(calls).allSatisfy(c -> assertThat(c[1]).isEqualTo(total));
      for (int i = 1; i < calls.size(); i++) {
        assertThat(calls.get(i)[0]).isGreaterThan(calls.get(i - 1)[0]);
      }
      assertThat(calls.get(calls.size() - 1)[0]).isEqualTo(total);
      model.close();
    }
  }
}
