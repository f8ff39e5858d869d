package io.dgm4j.models;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.models.autoregressive.Fvsbn;
import io.dgm4j.models.autoregressive.Made;
import io.dgm4j.models.autoregressive.Nade;
import io.dgm4j.models.autoregressive.RealNade;
import io.dgm4j.models.baseline.IndependentBernoulli;
import io.dgm4j.models.baseline.MixtureOfBernoullis;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The model families dgm4j can build by name, each with its configuration record and defaults.
 *
 * <p>Configurations travel as JSON objects: a run's {@code model.json} stores the full record, and
 * command-line overrides ({@code --set hidden=500}) are merged into the defaults by field name;
 * an unknown field is an error that names the known ones.
 */
public final class ModelRegistry {

  /** Builds a model from its configuration and the shape of one example. */
  @FunctionalInterface
  public interface Factory<C extends Record> {
    GenerativeModel create(NDManager manager, int[] itemShape, C config, long seed);
  }

  /** Builds a model that sees each example as a flat vector of D values. */
  @FunctionalInterface
  public interface FlatFactory<C extends Record> {
    GenerativeModel create(NDManager manager, int dimension, C config, long seed);
  }

  /**
   * One family: its name, what data it models (which may depend on its settings, e.g. binary or
   * 8-bit pixels), a one-line description, how to build it, and the objectives it can be trained
   * with (the first is the default; names from {@code io.dgm4j.objectives.Objectives}).
   */
  public record Family<C extends Record>(
      String name, Function<C, Support> supportOf, String description, Class<C> configType,
      Supplier<C> defaults, Factory<C> factory, List<String> objectives) {

    /** A family with one support whatever its settings, whose model sees flat vectors. */
    public static <C extends Record> Family<C> flat(String name, Support support,
        String description, Class<C> configType, Supplier<C> defaults, FlatFactory<C> factory,
        String... objectives) {
      return new Family<>(name, c -> support, description, configType, defaults,
          (m, shape, c, seed) -> factory.create(m, product(shape), c, seed),
          List.of(objectives));
    }

    /** Builds the model with {@code config} given as JSON (fields missing take defaults). */
    public GenerativeModel create(NDManager manager, int[] itemShape, ObjectNode config,
        long seed) {
      C parsed = parseConfig(config);
      return factory.create(manager, itemShape.clone(), parsed, seed);
    }

    /** Builds the model for flat examples of {@code dimension} values. */
    public GenerativeModel create(NDManager manager, int dimension, ObjectNode config,
        long seed) {
      return create(manager, new int[] {dimension}, config, seed);
    }

    /** The values this family models with the settings {@code overrides}. */
    public Support support(ObjectNode overrides) {
      return supportOf.apply(parseConfig(overrides));
    }

    /** The values this family models at its default settings. */
    public Support support() {
      return supportOf.apply(defaults.get());
    }

    /** The objective used when none is named: the first of {@link #objectives()}. */
    public String defaultObjective() {
      return objectives.get(0);
    }

    /** Whether the family's settings record has a field called {@code name}. */
    public boolean hasSetting(String name) {
      return JSON.valueToTree(defaults.get()).has(name);
    }

    /** The defaults with the fields of {@code overrides} replaced. */
    public C parseConfig(ObjectNode overrides) {
      return Settings.merge("model " + name, configType, defaults.get(), overrides);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final Map<String, Family<?>> FAMILIES = new LinkedHashMap<>();

  static {
    register(Family.flat("bernoulli", Support.BINARY,
        "independent Bernoulli per pixel (D parameters)",
        IndependentBernoulli.Config.class, IndependentBernoulli.Config::defaults,
        IndependentBernoulli::new, "mle"));
    register(Family.flat("mixture", Support.BINARY,
        "mixture of K independent-Bernoulli components",
        MixtureOfBernoullis.Config.class, MixtureOfBernoullis.Config::defaults,
        MixtureOfBernoullis::new, "mle"));
    register(Family.flat("fvsbn", Support.BINARY,
        "fully visible sigmoid belief network (one masked matrix)",
        Fvsbn.Config.class, Fvsbn.Config::defaults, Fvsbn::new, "mle"));
    register(Family.flat("nade", Support.BINARY,
        "NADE, shared hidden layer, logistic conditionals",
        Nade.Config.class, Nade.Config::defaults, Nade::new, "mle"));
    register(Family.flat("rnade", Support.REAL,
        "real-valued NADE, Gaussian-mixture conditionals",
        RealNade.Config.class, RealNade.Config::defaults, RealNade::new, "mle"));
    register(Family.flat("made", Support.BINARY,
        "MADE: masked autoencoder, K connectivity/order masks averaged",
        Made.Config.class, Made.Config::defaults, Made::new, "mle"));
  }

  private ModelRegistry() {}

  private static void register(Family<?> family) {
    FAMILIES.put(family.name(), family);
  }

  /** The family called {@code name}; the error lists the known names. */
  public static Family<?> family(String name) {
    Family<?> f = FAMILIES.get(name);
    if (f == null) {
      throw new IllegalArgumentException(
          "unknown model '" + name + "'; known models: " + String.join(", ", FAMILIES.keySet()));
    }
    return f;
  }

  /** Every family, in the order they are listed to users. */
  public static List<Family<?>> families() {
    return List.copyOf(FAMILIES.values());
  }

  /** Shared JSON mapper for configurations. */
  public static ObjectMapper json() {
    return JSON;
  }

  /** The number of values in an example of shape {@code itemShape}. */
  public static int product(int[] itemShape) {
    int d = 1;
    for (int s : itemShape) {
      d = Math.multiplyExact(d, s);
    }
    return d;
  }
}
