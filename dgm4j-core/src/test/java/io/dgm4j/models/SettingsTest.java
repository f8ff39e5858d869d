package io.dgm4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.models.autoregressive.Fvsbn;
import io.dgm4j.models.autoregressive.Made;
import org.junit.jupiter.api.Test;

/** --set values reach a settings record, or are refused with a message a user can act on. */
class SettingsTest {
  private static ObjectNode set(String key, String json) throws Exception {
    ObjectNode node = ModelRegistry.json().createObjectNode();
    node.set(key, ModelRegistry.json().readTree(json));
    return node;
  }

  @Test
  void aSingleNumberIsAOneElementList() throws Exception {
    Made.Config c = (Made.Config) ModelRegistry.family("made").parseConfig(set("hidden", "500"));
    assertThat(c.hidden()).containsExactly(500);
    c = (Made.Config) ModelRegistry.family("made").parseConfig(set("hidden", "[300, 200]"));
    assertThat(c.hidden()).containsExactly(300, 200);
  }

  @Test
  void aFractionIsRefusedWhereAWholeNumberIsNeeded() throws Exception {
    assertThatThrownBy(() -> ModelRegistry.family("fvsbn").parseConfig(
        set("orderingSeed", "1.5")))
        .hasMessage("model fvsbn: setting 'orderingSeed' must be a whole number, got 1.5");
    Fvsbn.Config whole = (Fvsbn.Config) ModelRegistry.family("fvsbn").parseConfig(
        set("orderingSeed", "2.0"));
    assertThat(whole.orderingSeed()).isEqualTo(2);
  }

  @Test
  void wrongKindsNameTheKeyAndWhatItNeeds() throws Exception {
    assertThatThrownBy(() -> ModelRegistry.family("made").parseConfig(set("masks", "\"many\"")))
        .hasMessageContaining("'masks' must be a whole number");
    assertThatThrownBy(() -> ModelRegistry.family("made").parseConfig(
        set("orderAgnostic", "3")))
        .hasMessageContaining("'orderAgnostic' must be true or false");
    assertThatThrownBy(() -> ModelRegistry.family("made").parseConfig(
        set("hidden", "[\"wide\"]")))
        .hasMessageContaining("'hidden' must be a list of numbers");
    assertThatThrownBy(() -> ModelRegistry.family("made").parseConfig(set("depth", "2")))
        .hasMessageContaining("has no setting 'depth'").hasMessageContaining("hidden, masks");
  }

  @Test
  void aRecordsOwnCheckComesThroughWithoutLibraryText() throws Exception {
    assertThatThrownBy(() -> ModelRegistry.family("made").parseConfig(set("hidden", "0")))
        .hasMessageStartingWith("model made: ").hasMessageContaining("must be positive")
        .hasMessageNotContaining("jackson").hasMessageNotContaining("Cannot construct")
        .hasMessageNotContaining("Exception");
  }
}
