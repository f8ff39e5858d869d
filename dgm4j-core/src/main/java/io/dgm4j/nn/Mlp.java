package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.dgm4j.engine.Scalars;
import java.util.List;

/**
 * A fully connected network h_{l+1} = act(h_l W_l + b_l), with no activation after the last
 * layer, whose weights live in a model's {@link Parameters} under {@code name.w0, name.b0, ...}
 * (Glorot-uniform weights, zero biases). Inputs may carry leading axes: (..., in) -> (..., out),
 * so k importance samples of N examples go through as one (k, N, in) tensor.
 */
public final class Mlp implements Network {
  /** The slope of {@code leaky-relu} below 0 (Radford et al., DCGAN, 2016). */
  public static final float LEAKY_SLOPE = 0.2f;

  private final NDArray[] weights;
  private final NDArray[] biases;
  private final String activation;

  /**
   * @param sizes the input size, the hidden sizes, then the output size (at least two entries)
   * @param activation {@code tanh}, {@code relu} or {@code leaky-relu} (slope 0.2 below 0, as
   *     in DCGAN's discriminator), applied after every layer but the last
   */
  public Mlp(Parameters parameters, String name, List<Integer> sizes, String activation) {
    this(parameters, name, sizes, activation, false);
  }

  /**
   * @param zeroOutput whether the last layer's weights start at zero instead of Glorot uniform,
   *     so that the untrained network outputs its biases (zero): a flow's coupling layer then
   *     starts as the identity
   */
  public Mlp(Parameters parameters, String name, List<Integer> sizes, String activation,
      boolean zeroOutput) {
    if (sizes.size() < 2) {
      throw new IllegalArgumentException("a network needs an input and an output size");
    }
    requireActivation(activation);
    this.activation = activation;
    int layers = sizes.size() - 1;
    weights = new NDArray[layers];
    biases = new NDArray[layers];
    for (int l = 0; l < layers; l++) {
      weights[l] = zeroOutput && l == layers - 1
          ? parameters.zeros(name + ".w" + l, sizes.get(l), sizes.get(l + 1))
          : parameters.glorot(name + ".w" + l, sizes.get(l), sizes.get(l + 1));
      biases[l] = parameters.zeros(name + ".b" + l, sizes.get(l + 1));
    }
  }

  /** Refuses an activation name this network does not know, naming the ones it does. */
  public static void requireActivation(String activation) {
    if (!List.of("tanh", "relu", "leaky-relu").contains(activation)) {
      throw new IllegalArgumentException("activation must be tanh, relu or leaky-relu, got "
          + activation);
    }
  }

  @Override
  public NDArray forward(NDArray x) {
    return forward(x, 0);
  }

  /**
   * The forward pass with dropout (Srivastava et al., 2014) after every hidden activation: each
   * unit kept with probability 1 - {@code rate}, scaled by 1 / (1 - rate) so that its expected
   * value is unchanged; {@code rate = 0} is {@link #forward(NDArray)}.
   */
  public NDArray forward(NDArray x, double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
    }
    NDArray h = x;
    for (int l = 0; l < weights.length; l++) {
      h = h.matMul(weights[l]).add(biases[l]);
      if (l < weights.length - 1) {
        h = switch (activation) {
          case "tanh" -> Activation.tanh(h);
          case "relu" -> Activation.relu(h);
          default -> Activation.leakyRelu(h, LEAKY_SLOPE);
        };
        if (rate > 0) {
          NDArray keep = h.getManager().randomUniform(0f, 1f, h.getShape()).gte((float) rate)
              .toType(h.getDataType(), false);
          h = h.mul(Scalars.times(keep, 1 / (1 - rate)));
        }
      }
    }
    return h;
  }

  @Override
  public long multiplyAdds() {
    long total = 0;
    for (NDArray w : weights) {
      total += w.getShape().size();
    }
    return total;
  }

  @Override
  public long firstLayerMultiplyAdds() {
    return weights[0].getShape().size();
  }
}
