package io.dgm4j.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Settings records (a model's or an objective's {@code Config}) built from their defaults and
 * JSON overrides such as {@code --set hidden=500}, with errors a user can act on: an unknown
 * key names the known ones, a value of the wrong kind names the key and the kind it needs,
 * and a record's own check (e.g. "hidden layer sizes must be positive") comes through as is.
 *
 * <p>A single number is accepted where the default is a list ({@code hidden=500} means
 * {@code hidden=[500]}); a fraction is refused where a whole number is needed.
 */
public final class Settings {
  private Settings() {}

  /**
   * The defaults with the fields of {@code overrides} replaced.
   *
   * @param owner how the owner of the settings is called in messages, e.g. "model made"
   */
  public static <C extends Record> C merge(String owner, Class<C> type, C defaults,
      ObjectNode overrides) {
    ObjectNode merged = ModelRegistry.json().valueToTree(defaults);
    if (overrides != null) {
      Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode current = merged.get(field.getKey());
        if (current == null) {
          throw new IllegalArgumentException(owner + " has no setting '" + field.getKey()
              + "'; its settings are " + String.join(", ", iterable(merged)));
        }
        merged.set(field.getKey(), coerce(owner, field.getKey(), current, field.getValue()));
      }
    }
    try {
      return ModelRegistry.json().treeToValue(merged, type);
    } catch (Exception e) {
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
        cause = cause.getCause();
      }
      if (cause instanceof IllegalArgumentException) {
        String name = owner.substring(owner.lastIndexOf(' ') + 1);
        String message = cause.getMessage().startsWith(name + ": ")
            ? cause.getMessage().substring(name.length() + 2) : cause.getMessage();
        throw new IllegalArgumentException(owner + ": " + message, e);
      }
      throw new IllegalArgumentException(owner + ": settings " + overrides
          + " do not fit its settings " + ModelRegistry.json().valueToTree(defaults), e);
    }
  }

  /** {@code given} as the kind of value {@code current} is, or an error naming the key. */
  private static JsonNode coerce(String owner, String key, JsonNode current, JsonNode given) {
    String problem = null;
    if (current.isArray()) {
      if (given.isNumber() || given.isTextual() || given.isBoolean()) {
        ArrayNode wrapped = ModelRegistry.json().createArrayNode();
        wrapped.add(given);
        given = wrapped;
      }
      if (!given.isArray()) {
        problem = "a list such as [500, 500]";
      } else {
        ArrayNode elements = ModelRegistry.json().createArrayNode();
        for (JsonNode element : given) {
          try {
            elements.add(current.size() > 0 ? coerce(owner, key, current.get(0), element)
                : element);
          } catch (IllegalArgumentException wrongKind) {
            problem = current.size() > 0 && current.get(0).isNumber() ? "a list of numbers"
                : "a list like " + current;
          }
        }
        given = elements;
      }
    } else if (current.isIntegralNumber()) {
      if (!given.isNumber() || given.isNumber() && given.doubleValue() != Math.rint(
          given.doubleValue())) {
        problem = "a whole number";
      } else if (!given.canConvertToLong()) {
        problem = "a whole number of at most 19 digits";
      } else if (given.isFloatingPointNumber()) {
        given = ModelRegistry.json().getNodeFactory().numberNode(given.longValue());
      }
    } else if (current.isNumber()) {
      if (!given.isNumber()) {
        problem = "a number";
      }
    } else if (current.isBoolean()) {
      if (!given.isBoolean()) {
        problem = "true or false";
      }
    } else if (current.isTextual()) {
      if (!given.isValueNode()) {
        problem = "a word such as " + current;
      } else if (!given.isTextual()) {
        given = ModelRegistry.json().getNodeFactory().textNode(given.asText());
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(owner + ": setting '" + key + "' must be " + problem
          + ", got " + given);
    }
    return given;
  }

  private static java.util.List<String> iterable(ObjectNode node) {
    java.util.List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
