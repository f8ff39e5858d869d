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
import io.dgm4j.models.energy.Rbm;
import io.dgm4j.models.conditional.PerClassModel;
import io.dgm4j.models.latent.Autoencoder;
import io.dgm4j.models.latent.ConditionalVae;
import io.dgm4j.models.latent.PixelLikelihood;
import io.dgm4j.models.latent.Vae;
import io.dgm4j.models.pixel.DiagonalBiLstm;
import io.dgm4j.models.pixel.GatedPixelCnn;
import io.dgm4j.models.pixel.PixelCnn;
import io.dgm4j.models.pixel.RowLstm;

import io.dgm4j.models.energy.Ebm;
import io.dgm4j.models.energy.Ncsn;
import io.dgm4j.models.flow.Maf;
import io.dgm4j.models.flow.RealNvp;
import io.dgm4j.models.gan.Gan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /**
     * The setting that chooses which values this family models ({@code decoder} for the
     * latent-variable families, {@code levels} for the image autoregressive ones), if it has one.
     */
    public Optional<String> supportSetting() {
      return SUPPORT_CHOICES.keySet().stream().filter(this::hasSetting).findFirst();
    }

    /**
     * The {@code key=value} setting under which this family models {@code wanted} values, e.g.
     * {@code decoder=logistic} for 8-bit pixels; empty when no setting does.
     */
    public Optional<String> settingFor(Support wanted) {
      return supportSetting().flatMap(key -> SUPPORT_CHOICES.get(key).stream()
          .filter(value -> support(JSON.createObjectNode().set(key, JSON.valueToTree(value)))
              == wanted)
          .findFirst().map(value -> key + "=" + value));
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

  /** The settings that choose a family's support, and the values each takes. */
  private static final Map<String, List<Object>> SUPPORT_CHOICES = Map.of(
      "decoder", List.copyOf(PixelLikelihood.NAMES), "levels", List.of(2, 256));

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
    register(new Family<>("vae", c -> PixelLikelihood.named(c.decoder()).support(),
        "variational autoencoder: Gaussian q(z|x), N(0,I) prior, one or two stochastic layers;"
            + " decoder=logistic for 8-bit pixels",
        Vae.Config.class, Vae.Config::defaults,
        (m, shape, c, seed) -> new Vae("vae", m, shape, c, seed), List.of("elbo", "iwae")));
    register(new Family<>("iwae", c -> PixelLikelihood.named(c.decoder()).support(),
        "importance-weighted autoencoder: the VAE's networks on the k-sample bound",
        Vae.Config.class, Vae.Config::defaults,
        (m, shape, c, seed) -> new Vae("iwae", m, shape, c, seed), List.of("iwae", "elbo")));
    register(new Family<>("cvae", c -> PixelLikelihood.named(c.decoder()).support(),
        "conditional VAE: the label feeds encoder and decoder; sample --label Y",
        ConditionalVae.Config.class, ConditionalVae.Config::defaults, ConditionalVae::new,
        List.of("elbo", "iwae")));
    register(new Family<>("autoencoder", c -> PixelLikelihood.named(c.decoder()).support(),
        "deterministic autoencoder (MLP or conv): features, no likelihood, no sampling",
        Autoencoder.Config.class, Autoencoder.Config::defaults, Autoencoder::new,
        List.of("reconstruction")));
    register(Family.flat("rbm", Support.BINARY,
        "restricted Boltzmann machine, binary hidden units; log Z exact or by AIS",
        Rbm.Config.class, Rbm.Config::defaults, Rbm::new, "cd", "pcd"));
    register(new Family<>("per-class",
        c -> family(c.base()).support(c.baseSettingsOrEmpty()),
        "one model of another family per class label; p(x) = sum_y p(y) p(x|y), classifies"
            + " by Bayes' rule (train with --per-class)",
        PerClassModel.Config.class, PerClassModel.Config::defaults, PerClassModel::new,
        List.of("mle")));
    register(new Family<>("pixelcnn", c -> pixelSupport(c.levels()),
        "PixelCNN: masked convolutions, raster order, R->G->B (levels=256 for 8-bit colour)",
        PixelCnn.Config.class, PixelCnn.Config::defaults, PixelCnn::new, List.of("mle")));
    register(new Family<>("gated-pixelcnn", c -> pixelSupport(c.levels()),
        "Gated PixelCNN: vertical+horizontal stacks, no blind spot; conditional=true takes a"
            + " class label",
        GatedPixelCnn.Config.class, GatedPixelCnn.Config::defaults, GatedPixelCnn::create,
        List.of("mle")));
    register(new Family<>("row-lstm", c -> pixelSupport(c.levels()),
        "PixelRNN Row LSTM: an LSTM down the rows, triangular receptive field",
        RowLstm.Config.class, RowLstm.Config::defaults, RowLstm::new, List.of("mle")));
    register(new Family<>("diagonal-bilstm", c -> pixelSupport(c.levels()),
        "PixelRNN Diagonal BiLSTM: LSTMs along skewed diagonals from both sides",
        DiagonalBiLstm.Config.class, DiagonalBiLstm.Config::defaults, DiagonalBiLstm::new,
        List.of("mle")));
    register(new Family<>("ebm", c -> Support.REAL,
        "deep energy-based model exp(-E(x))/Z: MLP energy for vectors, CNN for images",
        Ebm.Config.class, Ebm.Config::defaults, Ebm::new,
        List.of("pcd", "cd", "dsm", "ssm", "esm", "nce", "fce", "adversarial")));
    register(new Family<>("ncsn", c -> Support.REAL,
        "noise-conditional score network (network=mlp, conv or unet), sampled and completed by"
            + " annealed Langevin dynamics",
        Ncsn.Config.class, Ncsn.Config::defaults, Ncsn::new, List.of("ncsn")));
    register(Family.flat("maf", Support.REAL,
        "masked autoregressive flow: K MADEs with Gaussian conditionals",
        Maf.Config.class, Maf.Config::defaults, Maf::new, "mle"));
    register(new Family<>("realnvp", c -> Support.REAL,
        "Real NVP: affine coupling layers (checkerboard masks, network=mlp or conv); exact"
            + " density and one-pass sampling",
        RealNvp.Config.class, RealNvp.Config::defaults, RealNvp::new, List.of("mle")));
    register(new Family<>("gan", c -> Support.REAL,
        "generative adversarial network: an MLP generator G(z), z ~ N(0,I), against a"
            + " discriminator; samples only, no likelihood",
        Gan.Config.class, Gan.Config::defaults, Gan::new, List.of("gan")));
  }

  /** Binary pixels for a two-level model, 8-bit pixels for a softmax over more levels. */
  private static Support pixelSupport(int levels) {
    return levels == 2 ? Support.BINARY : Support.BYTE;
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
