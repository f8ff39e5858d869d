package io.dgm4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dgm4j.models.ModelRegistry;

/** Parses {@code --set key=value} values: JSON when it parses (500, true, [500,500]), else text. */
final class Settings {
  private Settings() {}

  static JsonNode parseValue(String value) {
    try {
      return ModelRegistry.json().readTree(value);
    } catch (Exception notJson) {
      return TextNode.valueOf(value);
    }
  }
}
