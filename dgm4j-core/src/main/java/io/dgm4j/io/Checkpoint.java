package io.dgm4j.io;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.training.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A saved model, optionally with its optimizer and training state, in one file written
 * atomically. The file is a ZIP archive holding:
 *
 * <ul>
 *   <li>{@code model.json} — the {@link ModelSpec} (family, item shape, seed, configuration);
 *   <li>{@code weights.safetensors} — the parameters by name (safetensors, readable by other
 *       tools);
 *   <li>{@code optimizer.safetensors} and {@code state.json} — the objective's state (optimizer
 *       moments, other players, persistent chains: {@code Objective.state()}) and the
 *       {@link TrainingState}, present in training checkpoints so a run can resume exactly.
 * </ul>
 *
 * One file, not four, so that a crash can never leave weights from one epoch next to optimizer
 * state from another.
 */
public final class Checkpoint {
  private static final ObjectMapper JSON = ModelRegistry.json();

  private Checkpoint() {}

  /**
   * A loaded checkpoint: the model, and the objective's state and training state when the file
   * had them (training checkpoints).
   */
  public record Loaded(ModelSpec spec, GenerativeModel model, NDList objectiveState,
      TrainingState state) {

    /** The objective state, or a clear error when the file is not a training checkpoint. */
    public NDList requireObjectiveState(Path file) {
      if (objectiveState == null) {
        throw new IllegalArgumentException(file + ": holds no optimizer state (not a training"
            + " checkpoint)");
      }
      return objectiveState;
    }
  }

  /**
   * Saves {@code model} (and, when not null, the objective's state and the training state) to
   * {@code file}.
   */
  public static void write(Path file, ModelSpec spec, GenerativeModel model,
      NDList objectiveState, TrainingState state) {
    AtomicFiles.write(file, out -> {
      ZipOutputStream zip = new ZipOutputStream(out);
      entry(zip, "model.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(spec));
      entry(zip, "weights.safetensors", encode(model.parameters().toNDList()));
      if (objectiveState != null) {
        entry(zip, "optimizer.safetensors", encode(objectiveState));
        entry(zip, "state.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
      }
      zip.finish();
    });
  }

  /**
   * Reads {@code file}, builds the model in {@code manager} and loads its weights. Any problem
   * (missing, truncated, corrupt, or from an unknown model) is an {@link IllegalArgumentException}
   * whose message names the file.
   */
  public static Loaded read(Path file, NDManager manager) {
    Map<String, byte[]> entries = readEntries(file);
    byte[] specBytes = require(entries, "model.json", file);
    byte[] weights = require(entries, "weights.safetensors", file);
    ModelSpec spec;
    try {
      spec = JSON.readValue(specBytes, ModelSpec.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": corrupt model.json: " + firstLine(e), e);
    }
    GenerativeModel model = spec.build(manager);
    try {
      model.parameters().load(NDList.decode(manager, weights), file.toString());
      NDList optimizer = null;
      TrainingState state = null;
      if (entries.containsKey("optimizer.safetensors")) {
        optimizer = NDList.decode(manager, entries.get("optimizer.safetensors"));
        state = JSON.readValue(require(entries, "state.json", file), TrainingState.class);
      }
      return new Loaded(spec, model, optimizer, state);
    } catch (IllegalArgumentException e) {
      model.close();
      throw e;
    } catch (Exception e) {
      model.close();
      throw new IllegalArgumentException(file + ": corrupt checkpoint: " + firstLine(e), e);
    }
  }

  private static Map<String, byte[]> readEntries(Path file) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(file + ": no such checkpoint");
    }
    Map<String, byte[]> entries = new HashMap<>();
    try (InputStream in = Files.newInputStream(file);
        ZipInputStream zip = new ZipInputStream(new java.io.BufferedInputStream(in))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        entries.put(e.getName(), zip.readAllBytes());
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such checkpoint", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + ": truncated or corrupt checkpoint (" + firstLine(e) + ")", e);
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(file + ": not a dgm4j checkpoint (empty or not a ZIP)");
    }
    return entries;
  }

  private static byte[] require(Map<String, byte[]> entries, String name, Path file) {
    byte[] b = entries.get(name);
    if (b == null) {
      throw new IllegalArgumentException(file + ": truncated or corrupt checkpoint (no " + name
          + ")");
    }
    return b;
  }

  private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }

  private static byte[] encode(NDList list) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    list.encode(bytes, NDList.Encoding.SAFETENSORS);
    return bytes.toByteArray();
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
  }
}
