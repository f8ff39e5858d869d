package io.dgm4j.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.stream.Collectors;

/**
 * What went wrong reading a JSON file dgm4j wrote (run.json, metrics.jsonl, a checkpoint's
 * model.json), said in the user's terms: where the text stops being valid JSON, or which field
 * is missing or unexpected — never the JSON library's own message, which names Java classes.
 */
public final class JsonProblems {
  private JsonProblems() {}

  /** A short description of {@code e}, e.g. "not valid JSON at line 3, column 7". */
  public static String describe(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JsonParseException broken) { // also when met while binding a field
        return "not valid JSON" + at(broken.getLocation()) + " (cut short or edited by hand?)";
      }
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field = mapping.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining("."));
      return "the field '" + field + "' is missing, unexpected or of the wrong kind"
          + at(mapping.getLocation());
    }
    if (e instanceof JsonProcessingException parse) {
      return "not valid JSON" + at(parse.getLocation()) + " (cut short or edited by hand?)";
    }
    if (e instanceof NoSuchFileException) {
      return "the file is missing";
    }
    if (e instanceof AccessDeniedException) {
      return "no permission to read it";
    }
    return "it cannot be read";
  }

  private static String at(JsonLocation where) {
    if (where == null || where.getLineNr() < 1) {
      return "";
    }
    return " at line " + where.getLineNr() + ", column " + where.getColumnNr();
  }
}
