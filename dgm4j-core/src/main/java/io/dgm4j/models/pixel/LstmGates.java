package io.dgm4j.models.pixel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The LSTM cell update shared by Row LSTM and Diagonal BiLSTM, on feature maps whose 4F gate
 * pre-activations are laid out (C colour groups, 4 gates o f i g, F/C): each group's gates come
 * from its own masked convolution outputs, so the state keeps the R -> G -> B channel order.
 *
 * <pre>
 *   o, f, i = sigmoid(.), g = tanh(.)
 *   c = f * c_prev + i * g,   h = o * tanh(c)
 * </pre>
 */
final class LstmGates {
  private LstmGates() {}

  /**
   * One cell update.
   *
   * @param pre gate pre-activations (N, 4F, A, B)
   * @param cellPrev previous cell state (N, F, A, B)
   * @return {h, c}, each (N, F, A, B)
   */
  static NDArray[] step(NDArray pre, NDArray cellPrev, int groups) {
    Shape s = pre.getShape();
    long n = s.get(0);
    long f = s.get(1) / 4;
    NDArray split = pre.reshape(n, groups, 4, f / groups, s.get(2), s.get(3));
    NDArray o = Activation.sigmoid(split.get(new NDIndex(":, :, 0")));
    NDArray forget = Activation.sigmoid(split.get(new NDIndex(":, :, 1")));
    NDArray in = Activation.sigmoid(split.get(new NDIndex(":, :, 2")));
    NDArray g = split.get(new NDIndex(":, :, 3")).tanh();
    Shape state = new Shape(n, f, s.get(2), s.get(3));
    NDArray c = forget.mul(cellPrev.reshape(n, groups, f / groups, s.get(2), s.get(3)))
        .add(in.mul(g));
    NDArray h = o.mul(c.tanh());
    return new NDArray[] {h.reshape(state), c.reshape(state)};
  }
}
