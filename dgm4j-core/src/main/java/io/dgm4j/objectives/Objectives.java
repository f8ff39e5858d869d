package io.dgm4j.objectives;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.energy.Ebm;
import io.dgm4j.models.energy.LearnedLogPartition;
import io.dgm4j.models.energy.Ncsn;
import io.dgm4j.models.gan.Gan;
import io.dgm4j.objectives.gan.AdversarialNets;
import io.dgm4j.objectives.energy.AnnealedDenoisingScoreMatching;
import io.dgm4j.objectives.energy.AdversarialTraining;
import io.dgm4j.objectives.energy.DenoisingScoreMatching;
import io.dgm4j.objectives.energy.ExactScoreMatching;
import io.dgm4j.objectives.energy.FlowContrastiveEstimation;
import io.dgm4j.objectives.energy.GibbsContrastiveDivergence;
import io.dgm4j.objectives.energy.LangevinContrastiveDivergence;
import io.dgm4j.objectives.energy.NoiseContrastiveEstimation;
import io.dgm4j.objectives.energy.SlicedScoreMatching;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.latent.Autoencoder;
import io.dgm4j.models.latent.VariationalModel;
import io.dgm4j.sampling.GibbsSweep;
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
    register(new Entry<>("elbo", "evidence lower bound, one reparameterized draw, KL weight beta"
        + " after a linear warm-up (Adam)", Elbo.Config.class, Elbo.Config::defaults,
        (model, c, clip) -> new Elbo(require(model, VariationalModel.class, "elbo",
            "an inference network q(z|x)"), c, clip)));
    register(new Entry<>("iwae", "importance-weighted bound with k samples per example (Adam)",
        ImportanceWeightedBound.Config.class, ImportanceWeightedBound.Config::defaults,
        (model, c, clip) -> new ImportanceWeightedBound(require(model, VariationalModel.class,
            "iwae", "an inference network q(z|x)"), c, clip)));
    register(new Entry<>("reconstruction", "autoencoder: minimise the reconstruction error"
        + " -log p(x | decode(encode(x))) (Adam)", NoSettings.class, NoSettings::defaults,
        (model, c, clip) -> new Reconstruction(require(model, Autoencoder.class,
            "reconstruction", "an encoder and a decoder"), clip)));
    register(new Entry<>("cd", "contrastive divergence: k chain steps from the data batch"
        + " (Gibbs sweeps for rbm, Langevin steps for ebm)", ContrastiveDivergenceSettings.class,
        ContrastiveDivergenceSettings::defaults,
        (model, c, clip) -> contrastiveDivergence(model, c, false, clip, "cd")));
    register(new Entry<>("pcd", "persistent contrastive divergence: chains kept across updates"
        + " (rbm: Gibbs; ebm: Langevin with a replay buffer, Du & Mordatch 2019)",
        ContrastiveDivergenceSettings.class, ContrastiveDivergenceSettings::defaults,
        (model, c, clip) -> contrastiveDivergence(model, c, true, clip, "pcd")));
    register(new Entry<>("ncsn", "denoising score matching at every level of a geometric σ"
        + " ladder (Song & Ermon 2019)", NoSettings.class, NoSettings::defaults,
        (model, c, clip) -> new AnnealedDenoisingScoreMatching(require(model, Ncsn.class,
            "ncsn", "a noise-conditional score network"), clip)));
    register(new Entry<>("esm", "exact score matching: tr(∇x s) + ½‖s‖², the trace by double"
        + " backward (low D)", NoSettings.class, NoSettings::defaults,
        (model, c, clip) -> new ExactScoreMatching(withoutLearnedLogZ(model, "esm"), clip)));
    register(new Entry<>("ssm", "sliced score matching: random projections of the Fisher"
        + " divergence (Song et al. 2019)", SlicedScoreMatching.Config.class,
        SlicedScoreMatching.Config::defaults,
        (model, c, clip) -> new SlicedScoreMatching(withoutLearnedLogZ(model, "ssm"), c, clip)));
    register(new Entry<>("dsm", "denoising score matching at noise level sigma (Vincent 2011)",
        DenoisingScoreMatching.Config.class, DenoisingScoreMatching.Config::defaults,
        (model, c, clip) -> new DenoisingScoreMatching(withoutLearnedLogZ(model, "dsm"), c,
            clip)));
    register(new Entry<>("nce", "noise-contrastive estimation against a Gaussian fitted to the"
        + " data; log Z learned", NoiseContrastiveEstimation.Config.class,
        NoiseContrastiveEstimation.Config::defaults,
        (model, c, clip) -> new NoiseContrastiveEstimation(withLearnedLogZ(model, "nce"), c,
            clip)));
    register(new Entry<>("fce", "flow contrastive estimation: NCE against a MAF trained to"
        + " fool the EBM (Gao et al. 2020); log Z learned", FlowContrastiveEstimation.Config.class,
        FlowContrastiveEstimation.Config::defaults,
        (model, c, clip) -> new FlowContrastiveEstimation(withLearnedLogZ(model, "fce"), c,
            clip)));
    register(new Entry<>("adversarial", "EBM against a variational sampler q (a MAF) with an"
        + " entropy term", AdversarialTraining.Config.class, AdversarialTraining.Config::defaults,
        (model, c, clip) -> new AdversarialTraining(withoutLearnedLogZ(model, "adversarial"), c,
            clip)));
    register(new Entry<>("gan", "generator against a discriminator (Goodfellow et al. 2014);"
        + " validated by MMD² to held-out data", AdversarialNets.Config.class,
        AdversarialNets.Config::defaults,
        (model, c, clip) -> new AdversarialNets(require(model, Gan.class, "gan",
            "a generator G(z)"), c, clip)));
  }

  /** The energy model an objective that does not learn log Z trains (its log Z is unknown). */
  private static EnergyModel withoutLearnedLogZ(GenerativeModel model, String objective) {
    EnergyModel energy = require(model, EnergyModel.class, objective, "an energy function");
    if (model instanceof LearnedLogPartition learned) {
      learned.learnsLogZ(false);
    }
    return energy;
  }

  /** The deep energy model whose Langevin chains cd and pcd run. */
  private static Ebm ebm(GenerativeModel model, String objective) {
    Ebm ebm = require(model, Ebm.class, objective, "Langevin chains on a deep energy model");
    ebm.learnsLogZ(false);
    return ebm;
  }

  /** The energy model with a log Z parameter that nce and fce learn. */
  @SuppressWarnings("unchecked")
  private static <M extends EnergyModel & LearnedLogPartition> M withLearnedLogZ(
      GenerativeModel model, String objective) {
    require(model, EnergyModel.class, objective, "an energy function");
    require(model, LearnedLogPartition.class, objective, "a learnable log Z");
    return (M) model;
  }


  /**
   * cd and pcd for whichever sampler the model offers: block Gibbs sweeps for models with
   * tractable conditionals (the RBM), Langevin dynamics for deep energy models.
   */
  private static Objective contrastiveDivergence(GenerativeModel model,
      ContrastiveDivergenceSettings c, boolean persistent, double clipNorm, String name) {
    if (model instanceof GibbsSweep gibbs) {
      EnergyModel energy = require(model, EnergyModel.class, name, "an energy");
      return new GibbsContrastiveDivergence(energy, gibbs,
          new GibbsContrastiveDivergence.Config(c.k() > 0 ? c.k() : 1,
              c.weightDecay()), persistent, clipNorm);
    }
    if (model instanceof Ebm) {
      var defaults = LangevinContrastiveDivergence.Config.defaults();
      return new LangevinContrastiveDivergence(ebm(model, name),
          new LangevinContrastiveDivergence.Config(
              c.k() > 0 ? c.k() : defaults.steps(), c.stepSize(), c.noiseScale(),
              c.energyRegularization(), c.bufferSize(), c.reinitialization()),
          persistent, clipNorm);
    }
    throw new IllegalArgumentException("objective " + name + " needs a model with Gibbs"
        + " conditionals (rbm) or a deep energy (ebm); " + model.family() + " trains with"
        + " --objective " + String.join(" or ", ModelRegistry.family(model.family())
            .objectives()));
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
   * Builds the objective a run records, with the moving average of the weights of decay
   * {@code ema} when it is not 0 ({@link WeightAveraging}).
   */
  public static Objective create(ObjectiveSpec spec, GenerativeModel model, double clipNorm,
      double ema) {
    Objective objective = create(spec, model, clipNorm);
    return ema == 0 ? objective : new WeightAveraging(objective, model, ema);
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
