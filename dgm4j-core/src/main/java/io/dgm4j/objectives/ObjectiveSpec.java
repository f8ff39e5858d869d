package io.dgm4j.objectives;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a run's model is trained, as stored in {@code run.json}: the objective's registry name and
 * its full settings.
 */
public record ObjectiveSpec(String name, ObjectNode config) {}
