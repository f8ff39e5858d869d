package io.dgm4j.objectives;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The objectives dgm4j can train with, by name ({@code dgm train --objective NAME}), each with a
 * settings record and defaults, as {@link ModelRegistry} does for models. A model family lists
 * the objectives it accepts ({@link ModelRegistry.Family#objectives()}); an objective checks the
 * model offers what it needs (an exact likelihood, a bound, an energy) and says so plainly if not.
 */
public final class Objectives {

  /** Builds an objective for a model. */
  @FunctionalInterface
  public interface Factory<C extends Record> {
    Objective create(GenerativeModel model, C config, double clipNorm);
  }

  /** One objective: its name, a one-line description, its settings, how to build it. */
  public record Entry<C extends Record>(String name, String description, Class<C> configType,
      Supplier<C> defaults, Factory<C> factory) {

    /** Builds the objective with {@code config} given as JSON (fields missing take defaults). */
    public Objective create(GenerativeModel model, ObjectNode config, double clipNorm) {
      return factory.create(model, parseConfig(config), clipNorm);
    }

    /** Whether the settings record has a field called {@code field}. */
    public boolean hasSetting(String field) {
      return ModelRegistry.json().valueToTree(defaults.get()).has(field);
    }

    /** The defaults with the fields of {@code overrides} replaced. */
    public C parseConfig(ObjectNode overrides) {
      return io.dgm4j.models.Settings.merge("objective " + name, configType, defaults.get(),
          overrides);
    }

    /** The full settings as JSON, for run.json. */
    public ObjectiveSpec spec(ObjectNode overrides) {
      return new ObjectiveSpec(name, ModelRegistry.json().valueToTree(parseConfig(overrides)));
    }
  }

  /** Maximum likelihood has no settings of its own. */
  public record NoSettings() {
    public static NoSettings defaults() {
      return new NoSettings();
    }
  }

  private static final Map<String, Entry<?>> ENTRIES = new LinkedHashMap<>();

  static {
    register(new Entry<>("mle", "maximum likelihood: minimise the exact NLL (Adam)",
        NoSettings.class, NoSettings::defaults,
        (model, c, clip) -> new MaximumLikelihood(require(model, DensityModel.class, "mle",
            "an exact log-likelihood"), clip)));
  }

  private Objectives() {}

  /** Adds an objective (each family's package registers its own in this class's static block). */
  private static void register(Entry<?> entry) {
    ENTRIES.put(entry.name(), entry);
  }

  /** The objective called {@code name}; the error lists the known names. */
  public static Entry<?> entry(String name) {
    Entry<?> e = ENTRIES.get(name);
    if (e == null) {
      throw new IllegalArgumentException("unknown objective '" + name + "'; known objectives: "
          + String.join(", ", ENTRIES.keySet()));
    }
    return e;
  }

  /** Every objective, in the order they are listed to users. */
  public static List<Entry<?>> entries() {
    return List.copyOf(ENTRIES.values());
  }

  /** Builds the objective a run records. */
  public static Objective create(ObjectiveSpec spec, GenerativeModel model, double clipNorm) {
    return entry(spec.name()).create(model, spec.config(), clipNorm);
  }

  /**
   * {@code model} as the capability {@code type} an objective needs, or an error saying which
   * objectives the model's family trains with instead.
   */
  public static <T> T require(GenerativeModel model, Class<T> type, String objective,
      String needs) {
    if (!type.isInstance(model)) {
      throw new IllegalArgumentException("objective " + objective + " needs " + needs + ", which "
          + model.family() + " does not have; " + model.family() + " trains with --objective "
          + String.join(" or ", ModelRegistry.family(model.family()).objectives()));
    }
    return type.cast(model);
  }
}
