package io.dgm4j.models.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.distributions.DiagonalGaussian;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.AbstractDensityModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Support;
import io.dgm4j.models.TemperedSampling;
import io.dgm4j.models.TrainingCost;
import io.dgm4j.nn.DilatedConvNet;
import io.dgm4j.nn.Mlp;
import io.dgm4j.nn.Network;
import io.dgm4j.nn.TensorMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Real NVP, a flow of affine coupling layers (Dinh, Sohl-Dickstein and Bengio, "Density
 * estimation using Real NVP", ICLR 2017): an exact density like {@link Maf}'s, but both
 * directions, density and sampling, are one parallel pass.
 *
 * <p>Coupling layer k splits the coordinates by a binary mask m (1 = passed through): with the
 * scale s and the shift t computed by a network from the passed half m⊙h alone,
 *
 * <pre>
 *   h' = m⊙h + (1 − m)⊙(h⊙exp(s(m⊙h)) + t(m⊙h)),     log |det ∂h'/∂h| = Σ_d (1 − m_d) s_d
 * </pre>
 *
 * The Jacobian is triangular (the changed half depends on itself only through the product),
 * so its log-determinant is the sum of the log-scales whatever the network; and the inverse
 * h = m⊙h' + (1 − m)⊙(h' − t(m⊙h'))⊙exp(−s(m⊙h')) needs no iteration, since m⊙h' = m⊙h. The
 * masks alternate between layers, so every coordinate is changed in every other layer. With
 * u the output of the last layer, log p(x) = log N(u; 0, I) + Σ_k log |det| of layer k.
 *
 * <p>Masks: for images (an item shape of two or three axes) a checkerboard over the pixels,
 * m = 1 where (row + column + k) is even, the same in every channel; for vectors, m = 1 where
 * (index + k) is even. Conditioners: {@code network=mlp}, a fully connected network of
 * {@code hidden} ReLU layers from m⊙h to (s, t) (images seen flat); {@code network=conv}, for
 * images, a {@link DilatedConvNet} of {@code channels} maps and one residual block per entry of
 * {@code dilations}, reading m⊙h and the mask itself as channels. The paper's multi-scale
 * architecture (squeezing, channel-wise masks, factoring out half the variables at each scale)
 * and its batch normalisation are not built here.
 *
 * <p>Each log-scale is bounded softly, s = 3·tanh(raw/3), as in {@link Maf}; the networks'
 * last layers start at zero, so an untrained flow is the identity.
 *
 * <p>Domain. dgm4j feeds real-valued models dequantized pixels x = (v + u)/256 in [0, 1); a flow
 * on R^D models them through the logit transform of the paper (Section 4.1),
 * y = logit(α + (1 − 2α)x), whose log-determinant Σ_d [log(1 − 2α) − log p_d − log(1 − p_d)]
 * with p = α + (1 − 2α)x is part of log p(x). The transform maps the box
 * B = (−α/(1 − 2α), (1 − α)/(1 − 2α))^D, slightly wider than [0, 1]^D, onto R^D, so the density
 * integrates to 1 over B (0 outside) and exact samples can lie up to α/(1 − 2α) outside [0, 1]
 * (pictures clip them). Its mass inside [0, 1]^D is below 1, so the dequantized NLL stays an
 * upper bound on the pixels' discrete NLL and compares with every other model's of the same
 * pixels. {@code domain=auto} uses this for images and R^D for vectors.
 *
 * <p>α defaults to 10^-6, as Papamakarios et al. (MAF) for MNIST, not the paper's 0.05 (chosen
 * for natural images). Most MNIST pixels are 0, and α = 0.05 maps all of [0, 1/256) into
 * logit(0.05 .. 0.0535), an interval 0.07 wide that the flow must stretch to unit scale; with α
 * = 10^-6 it spans [−13.8, −5.5]. Measured on MNIST with the defaults otherwise (10 epochs, lr
 * 10^-3, one core): α = 0.05 reached 2.99 bits/dim (8-bit) at epoch 3, then one epoch's mean
 * training loss jumped to +1.6·10^6 nats and the run never got back (3.22 at epoch 10); with
 * gradients clipped at norm 50 a jump came in epoch 2 instead; α = 10^-6 trained smoothly, 2.05
 * after one epoch and 1.85 after ten (test set: 1.84; docs/BENCHMARKS.md).
 */
public final class RealNvp extends AbstractDensityModel
    implements TrainingCost, TemperedSampling {

  /**
   * Settings.
   *
   * @param couplings the number of coupling layers (masks alternate), at least 2
   * @param network {@code mlp} or {@code conv} (images only)
   * @param hidden hidden layer sizes of each MLP conditioner
   * @param channels feature maps of each convolutional conditioner
   * @param dilations one residual block per entry in each convolutional conditioner
   * @param domain {@code auto}, {@code unit} (x in [0, 1], logit transform) or {@code real}
   * @param alpha α of the logit transform, in (0, 0.5)
   */
  public record Config(int couplings, String network, List<Integer> hidden, int channels,
      List<Integer> dilations, String domain, double alpha) {
    public Config {
      if (couplings < 2) {
        throw new IllegalArgumentException("realnvp: couplings must be at least 2 (each layer"
            + " changes half of the coordinates), got " + couplings);
      }
      if (!List.of("mlp", "conv").contains(network)) {
        throw new IllegalArgumentException("realnvp: network must be mlp or conv, got "
            + network);
      }
      hidden = List.copyOf(hidden);
      if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
        throw new IllegalArgumentException("realnvp: hidden must list positive layer sizes, got "
            + hidden);
      }
      if (channels < 1) {
        throw new IllegalArgumentException("realnvp: channels must be positive, got " + channels);
      }
      dilations = List.copyOf(dilations);
      if (dilations.stream().anyMatch(d -> d < 1)) {
        throw new IllegalArgumentException("realnvp: dilations must be at least 1, got "
            + dilations);
      }
      if (!List.of("auto", "unit", "real").contains(domain)) {
        throw new IllegalArgumentException("realnvp: domain must be auto, unit or real, got "
            + domain);
      }
      if (!(alpha > 0 && alpha < 0.5)) {
        throw new IllegalArgumentException("realnvp: alpha must be in (0, 0.5), got " + alpha);
      }
    }

    /** Eight couplings with MLP conditioners of two layers of 512 units; α = 10^-6. */
    public static Config defaults() {
      return new Config(8, "mlp", List.of(512, 512), 32, List.of(1, 2, 1), "auto", 1e-6);
    }
  }

  /** The bound c on each log-scale, |s| < c, as in {@link Maf}. */
  private static final float LOG_SCALE_BOUND = 3f;

  private final Config config;
  private final int[] itemShape;
  private final boolean unitDomain;
  private final int imageChannels; // C for images (channels last in the flat layout), 0 for vectors
  private final NDArray[] masks; // [k] (D): 1 = passed through
  private final NDArray[] complements; // [k] (D): 1 - mask, 1 = changed
  private final Network[] conditioners;

  public RealNvp(NDManager manager, int[] itemShape, Config config, long seed) {
    super(manager, ModelRegistry.product(itemShape), seed);
    this.config = config;
    this.itemShape = itemShape.clone();
    boolean images = itemShape.length == 2 || itemShape.length == 3;
    if (itemShape.length > 3) {
      throw new IllegalArgumentException("realnvp models vectors and images of shape (H, W) or"
          + " (H, W, C); the data has items of shape " + Arrays.toString(itemShape));
    }
    if ("conv".equals(config.network()) && !images) {
      throw new IllegalArgumentException("realnvp: network=conv needs images (H x W data); use"
          + " network=mlp for vectors");
    }
    this.unitDomain = "unit".equals(config.domain()) || "auto".equals(config.domain()) && images;
    this.imageChannels = images ? (itemShape.length == 3 ? itemShape[2] : 1) : 0;
    masks = new NDArray[config.couplings()];
    complements = new NDArray[config.couplings()];
    conditioners = new Network[config.couplings()];
    for (int k = 0; k < config.couplings(); k++) {
      float[] mask = maskValues(k);
      float[] complement = new float[dimension];
      for (int d = 0; d < dimension; d++) {
        complement[d] = 1 - mask[d];
      }
      masks[k] = manager.create(mask);
      complements[k] = manager.create(complement);
      String name = "coupling" + k;
      if ("conv".equals(config.network())) {
        conditioners[k] = new DilatedConvNet(parameters, name, itemShape[0], itemShape[1],
            imageChannels + 1, config.channels(), 2 * imageChannels,
            config.dilations().stream().mapToInt(Integer::intValue).toArray());
      } else {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(dimension);
        sizes.addAll(config.hidden());
        sizes.add(2 * dimension);
        conditioners[k] = new Mlp(parameters, name, sizes, "relu", true);
      }
    }
  }

  /** Layer k's mask in the flat layout: checkerboard over pixels, or alternate coordinates. */
  private float[] maskValues(int k) {
    float[] m = new float[dimension];
    for (int d = 0; d < dimension; d++) {
      int parity;
      if (imageChannels > 0) {
        int pixel = d / imageChannels;
        parity = pixel / itemShape[1] + pixel % itemShape[1];
      } else {
        parity = d;
      }
      m[d] = (parity + k) % 2 == 0 ? 1f : 0f;
    }
    return m;
  }

  /** Layer k's mask, shape (D): 1 where the coordinate passes through unchanged. */
  public NDArray mask(int k) {
    return masks[k];
  }

  /** The number of coupling layers. */
  public int couplings() {
    return config.couplings();
  }

  /** Whether x lives in the box B around [0, 1]^D (the logit transform comes first). */
  public boolean unitDomain() {
    return unitDomain;
  }

  @Override
  public String family() {
    return "realnvp";
  }

  @Override
  public Support support() {
    return Support.REAL;
  }

  @Override
  public Config config() {
    return config;
  }

  /**
   * Layer k's log-scale s and shift t from the passed half, both zero where the mask is 1.
   *
   * @param passed m⊙h, shape (N, D)
   * @return s and t, each (N, D)
   */
  public NDList logScaleAndShift(NDArray passed, int k) {
    NDArray m = masks[k];
    long n = passed.getShape().get(0);
    NDArray out;
    if ("conv".equals(config.network())) {
      int c = imageChannels;
      long h = itemShape[0];
      long w = itemShape[1];
      // (N, H, W, C) -> (N, C, H, W), the mask as one more channel
      NDArray image = passed.reshape(n, h, w, c).transpose(0, 3, 1, 2);
      NDArray maskChannel = m.reshape(1, 1, h, w, c).get(new NDIndex(":, :, :, :, 0"))
          .broadcast(n, 1, h, w);
      NDArray input = TensorMath.concat(new NDList(image, maskChannel), 1).reshape(n, -1);
      // (N, 2C·H·W) -> (N, 2, C, H, W) -> (N, 2, H, W, C): s then t, each in the data's layout
      out = conditioners[k].forward(input).reshape(n, 2, c, h, w).transpose(0, 1, 3, 4, 2)
          .reshape(n, 2L * dimension);
    } else {
      out = conditioners[k].forward(passed);
    }
    NDArray s = TensorMath.softClamp(out.get(new NDIndex(":, :" + dimension)), LOG_SCALE_BOUND)
        .mul(complements[k]);
    NDArray t = out.get(new NDIndex(":, " + dimension + ":")).mul(complements[k]);
    return new NDList(s, t);
  }

  /**
   * The flow x → u (the logit transform first in the unit domain) and the log-determinant of
   * its Jacobian. Values outside the box B of the class comment give NaN there; {@link #logProb}
   * maps them to −∞.
   *
   * @param x shape (N, D)
   * @return u (N, D) and log |det ∂u/∂x| (N)
   */
  public NDList forward(NDArray x) {
    NDArray h = x;
    NDArray logDet = null;
    if (unitDomain) {
      double alpha = config.alpha();
      NDArray p = Scalars.times(x, 1 - 2 * alpha).add((float) alpha);
      NDArray logP = p.log();
      NDArray logOneMinusP = p.neg().add(1f).log();
      h = logP.sub(logOneMinusP);
      logDet = logP.add(logOneMinusP).sum(new int[] {1}).neg()
          .add((float) (dimension * Math.log(1 - 2 * alpha)));
    }
    for (int k = 0; k < config.couplings(); k++) {
      NDList st = logScaleAndShift(h.mul(masks[k]), k);
      NDArray s = st.get(0);
      // where m = 1, s = t = 0, so h passes unchanged
      h = h.mul(s.exp()).add(st.get(1));
      NDArray term = s.sum(new int[] {1});
      logDet = logDet == null ? term : logDet.add(term);
    }
    return new NDList(h, logDet);
  }

  /**
   * The inverse u → x, one pass per layer in reverse order; differentiable in the weights.
   *
   * @param u shape (N, D)
   * @return x, shape (N, D)
   */
  public NDArray inverse(NDArray u) {
    NDArray h = u;
    for (int k = config.couplings() - 1; k >= 0; k--) {
      NDList st = logScaleAndShift(h.mul(masks[k]), k);
      h = h.sub(st.get(1)).mul(st.get(0).neg().exp());
    }
    if (unitDomain) {
      double alpha = config.alpha();
      h = Scalars.dividedBy(Activation.sigmoid(h).sub((float) alpha), 1 - 2 * alpha);
    }
    return h;
  }

  /** log p(x) = log N(u; 0, I) + log |det ∂u/∂x|; −∞ outside the box B in the unit domain. */
  @Override
  public NDArray logProb(NDArray x) {
    NDList ul = forward(x);
    NDArray logp = DiagonalGaussian.standardLogProb(ul.get(0)).add(ul.get(1));
    if (!unitDomain) {
      return logp;
    }
    double alpha = config.alpha();
    float low = (float) (-alpha / (1 - 2 * alpha));
    float high = (float) ((1 - alpha) / (1 - 2 * alpha));
    NDArray outside = x.lte(low).logicalOr(x.gte(high)).sum(new int[] {1}).gt(0);
    return NDArrays.where(outside, logp.zerosLike().sub(Float.POSITIVE_INFINITY), logp);
  }

  /** Exact draws: u ~ N(0, I), then {@link #inverse}. */
  @Override
  public NDArray sample(NDManager out, int n) {
    return sample(out, n, 1);
  }

  /** Draws at a temperature: u ~ N(0, T² I), then {@link #inverse}. */
  @Override
  public NDArray sample(NDManager out, int n, double temperature) {
    float t = (float) TemperedSampling.requireTemperature(temperature);
    try (NDScope scope = new NDScope()) {
      NDArray x = inverse(out.randomNormal(new Shape(n, dimension)).muli(t));
      NDScope.unregister(x);
      x.attach(out);
      return x;
    }
  }

  @Override
  public long forwardMultiplyAdds(int latentSamples) {
    long total = 0;
    for (Network c : conditioners) {
      total += c.multiplyAdds();
    }
    return total;
  }

  /** The first layer's conditioner reads the (masked) data: no gradient flows into it. */
  @Override
  public long dataLayerMultiplyAdds() {
    return conditioners[0].firstLayerMultiplyAdds();
  }
}
