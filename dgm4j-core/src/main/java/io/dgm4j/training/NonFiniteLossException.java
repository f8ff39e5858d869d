package io.dgm4j.training;

/** Training met a NaN or infinite loss or gradient; the last completed epoch's checkpoint is intact. */
public final class NonFiniteLossException extends RuntimeException {
  public NonFiniteLossException(int epoch, int batch, String what, double value) {
    super(what + " became " + value + " at epoch " + epoch + ", batch " + batch
        + "; stopped (the last checkpoint is from the last good epoch). Try a lower learning rate"
        + " or --clip-norm.");
  }
}
