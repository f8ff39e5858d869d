package io.dgm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.List;

/**
 * A fully connected network h_{l+1} = act(h_l W_l + b_l), with no activation after the last
 * layer, whose weights live in a model's {@link Parameters} under {@code name.w0, name.b0, ...}
 * (Glorot-uniform weights, zero biases). Inputs may carry leading axes: (..., in) -> (..., out),
 * so k importance samples of N examples go through as one (k, N, in) tensor.
 */
public final class Mlp implements Network {
  private final NDArray[] weights;
  private final NDArray[] biases;
  private final String activation;

  /**
   * @param sizes the input size, the hidden sizes, then the output size (at least two entries)
   * @param activation {@code tanh} or {@code relu}, applied after every layer but the last
   */
  public Mlp(Parameters parameters, String name, List<Integer> sizes, String activation) {
    if (sizes.size() < 2) {
      throw new IllegalArgumentException("a network needs an input and an output size");
    }
    requireActivation(activation);
    this.activation = activation;
    int layers = sizes.size() - 1;
    weights = new NDArray[layers];
    biases = new NDArray[layers];
    for (int l = 0; l < layers; l++) {
      weights[l] = parameters.glorot(name + ".w" + l, sizes.get(l), sizes.get(l + 1));
      biases[l] = parameters.zeros(name + ".b" + l, sizes.get(l + 1));
    }
  }

  /** Refuses an activation name this network does not know, naming the ones it does. */
  public static void requireActivation(String activation) {
    if (!"tanh".equals(activation) && !"relu".equals(activation)) {
      throw new IllegalArgumentException("activation must be tanh or relu, got " + activation);
    }
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray h = x;
    for (int l = 0; l < weights.length; l++) {
      h = h.matMul(weights[l]).add(biases[l]);
      if (l < weights.length - 1) {
        h = "tanh".equals(activation) ? Activation.tanh(h) : Activation.relu(h);
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
