package io.dgm4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.evaluation.WindowedRate;
import java.util.List;

/**
 * A figure's median with its least and greatest value, over one process's windows or over
 * processes, as {@code dgm bench} prints it ("median [min-max]") and writes it to JSON (key,
 * key_min, key_max, key_relative_spread).
 */
record Spread(double median, double min, double max) {

  /** Over the windows of one measurement. */
  static Spread of(WindowedRate rate) {
    return new Spread(rate.median(), rate.min(), rate.max());
  }

  /** Over the processes: {@code key} of each process's node. */
  static Spread of(List<JsonNode> nodes, String key) {
    double[] values = nodes.stream().mapToDouble(n -> n.get(key).asDouble()).sorted().toArray();
    return new Spread(WindowedRate.median(values), values[0], values[values.length - 1]);
  }

  /** "median [min-max]" in {@code format}, or "-" when there is no figure (NaN). */
  String describe(String format) {
    if (Double.isNaN(median)) {
      return "-";
    }
    return String.format(format + " [" + format + "-" + format + "]", median, min, max);
  }

  /** key: the median; key_min, key_max and key_relative_spread, (max - min) / median, beside it. */
  void put(ObjectNode node, String key) {
    node.put(key, median);
    node.put(key + "_min", min);
    node.put(key + "_max", max);
    node.put(key + "_relative_spread", (max - min) / median);
  }
}
