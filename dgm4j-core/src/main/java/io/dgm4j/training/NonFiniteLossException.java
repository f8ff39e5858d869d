package io.dgm4j.training;

/**
 * Training met a NaN or infinite loss or gradient; nothing was updated by it, and the last
 * completed epoch's checkpoint is intact.
 */
public final class NonFiniteLossException extends RuntimeException {
  public NonFiniteLossException(int epoch, int batch, String what, double value) {
    super(what + " became " + value + " at epoch " + epoch + ", batch " + batch
        + "; stopped before it changed the weights.");
  }

  /** The same failure with more said about it (e.g. its likely cause). */
  public NonFiniteLossException(String message, NonFiniteLossException cause) {
    super(message, cause);
  }
}
