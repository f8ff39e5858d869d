package io.dgm4j.models.conditional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.models.Batch;
import io.dgm4j.models.ClassConditional;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.GenerativeModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Support;
import io.dgm4j.nn.Parameters;
import io.dgm4j.nn.TensorMath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A generative classifier (seed 003): one density model p(x | y) per class y = 0..K−1, of any
 * family with an exact likelihood, and class priors p(y). Then
 *
 * <pre>
 *   log p(x, y) = log p(x | y) + log p(y)
 *   log p(x)    = logsumexp_y log p(x, y)                  (a mixture: this is a DensityModel)
 *   p(y | x)    = p(x | y) p(y) / p(x)                      (Bayes' rule)
 * </pre>
 *
 * Classifying by argmax_y log p(x, y) is the Bayes-optimal decision when the class models are
 * the true ones (Ng and Jordan, 2002, compare such generative classifiers with discriminative
 * ones). log p(x) says in the same pass whether <em>any</em> class explains x: an input from
 * elsewhere still gets a confident argmax, but a low p(x).
 *
 * <p>{@code dgm train --per-class} trains each member as its own run on its class's examples
 * (each with its own validation split) and assembles them into this model; trained directly,
 * {@link #trainingLogProb(Batch, long)} maximizes log p(x_i | y_i) of each example's own class
 * (log p(x) for unlabelled batches). Member y is built with seed {@code seed + y}.
 */
public final class PerClassModel implements DensityModel, ClassConditional {

  /**
   * @param base the family of every class model (its name in {@code dgm models})
   * @param classes the number of classes K
   * @param priors p(y) for y = 0..K−1 (normalized here; null: uniform)
   * @param baseSettings the class models' settings, as for {@code --set} (null: defaults)
   */
  public record Config(String base, int classes, List<Double> priors, ObjectNode baseSettings) {
    public Config {
      if (classes < 1) {
        throw new IllegalArgumentException("classes must be at least 1, got " + classes);
      }
      if (priors != null && priors.size() != classes) {
        throw new IllegalArgumentException(priors.size() + " priors for " + classes
            + " classes");
      }
      if (priors != null && priors.stream().anyMatch(p -> !(p > 0) || p.isInfinite())) {
        throw new IllegalArgumentException("class priors must be positive, got " + priors);
      }
    }

    /** Ten FVSBNs (the digits of MNIST), uniform priors. */
    public static Config defaults() {
      return new Config("fvsbn", 10, null, null);
    }

    /** The base family's settings as JSON (empty for defaults). */
    public ObjectNode baseSettingsOrEmpty() {
      return baseSettings != null ? baseSettings : ModelRegistry.json().createObjectNode();
    }
  }

  private final Config config;
  private final NDManager manager;
  private final int dimension;
  private final List<DensityModel> members;
  private final double[] logPriors;
  private final Parameters parameters;

  public PerClassModel(NDManager manager, int[] itemShape, Config config, long seed) {
    this.config = config;
    this.manager = manager;
    ModelRegistry.Family<?> family = ModelRegistry.family(config.base());
    List<DensityModel> built = new ArrayList<>();
    for (int y = 0; y < config.classes(); y++) {
      GenerativeModel member = family.create(manager.newSubManager(), itemShape,
          config.baseSettingsOrEmpty(), seed + y);
      if (!(member instanceof DensityModel density)) {
        member.close();
        throw new IllegalArgumentException("a per-class model needs a family with an exact"
            + " likelihood; " + config.base() + " has none");
      }
      built.add(density);
    }
    this.members = Collections.unmodifiableList(built);
    this.dimension = built.get(0).dimension();
    this.parameters = new Parameters(manager, seed);
    for (int y = 0; y < members.size(); y++) {
      parameters.include(memberPrefix(y), members.get(y).parameters());
    }
    this.logPriors = new double[config.classes()];
    double total = config.priors() == null ? config.classes()
        : config.priors().stream().mapToDouble(Double::doubleValue).sum();
    for (int y = 0; y < logPriors.length; y++) {
      logPriors[y] = Math.log((config.priors() == null ? 1.0 : config.priors().get(y)) / total);
    }
  }

  /** The prefix of class y's parameters in {@link #parameters()}, e.g. {@code class3.}. */
  public static String memberPrefix(int y) {
    return "class" + y + ".";
  }

  /** The model p(x | y) of class y. */
  public DensityModel member(int y) {
    return members.get(y);
  }

  /** log p(y) for every class. */
  public double[] logPriors() {
    return logPriors.clone();
  }

  /**
   * log p(x, y) = log p(x | y) + log p(y) for every class.
   *
   * @param x shape (N, D)
   * @return shape (N, K)
   */
  public NDArray classLogJoint(NDArray x) {
    NDList columns = new NDList();
    for (int y = 0; y < members.size(); y++) {
      columns.add(members.get(y).logProb(x).add((float) logPriors[y]));
    }
    return NDArrays.stack(columns, 1);
  }

  /** log p(x) = logsumexp_y log p(x, y), shape (N). */
  @Override
  public NDArray logProb(NDArray x) {
    return TensorMath.logSumExp(classLogJoint(x), 1);
  }

  /** log p(x_i, y_i) for each example's own label; log p(x) for a batch without labels. */
  @Override
  public NDArray trainingLogProb(Batch batch, long step) {
    if (batch.labels() == null) {
      return logProb(batch.x());
    }
    NDArray oneHot = batch.labels().oneHot(members.size());
    return classLogJoint(batch.x()).mul(oneHot).sum(new int[] {1});
  }

  @Override
  public NDArray sample(NDManager out, int n) {
    float[] u = out.randomUniform(0f, 1f, new Shape(n)).toFloatArray();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      double cumulative = 0;
      int y = 0;
      while (y < logPriors.length - 1 && u[i] >= (cumulative += Math.exp(logPriors[y]))) {
        y++;
      }
      labels[i] = y;
    }
    return sampleGiven(out, out.create(labels));
  }

  @Override
  public NDArray sampleGiven(NDManager out, NDArray labels) {
    int[] ys = labels.toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
    float[] rows = new float[ys.length * dimension];
    for (int y = 0; y < members.size(); y++) {
      int count = 0;
      for (int label : ys) {
        if (label < 0 || label >= members.size()) {
          throw new IllegalArgumentException("label " + label + " is not in 0.."
              + (members.size() - 1));
        }
        count += label == y ? 1 : 0;
      }
      if (count == 0) {
        continue;
      }
      try (NDManager scope = out.newSubManager()) {
        float[] drawn = members.get(y).sample(scope, count).toFloatArray();
        int next = 0;
        for (int i = 0; i < ys.length; i++) {
          if (ys[i] == y) {
            System.arraycopy(drawn, next++ * dimension, rows, i * dimension, dimension);
          }
        }
      }
    }
    return out.create(rows, new Shape(ys.length, dimension));
  }

  @Override
  public int classes() {
    return members.size();
  }

  @Override
  public String family() {
    return "per-class";
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Support support() {
    return members.get(0).support();
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  public Parameters parameters() {
    return parameters;
  }

  @Override
  public NDManager manager() {
    return manager;
  }

  /** The sum of the class models' free parameters. */
  @Override
  public long parameterCount() {
    return members.stream().mapToLong(GenerativeModel::parameterCount).sum();
  }
}
