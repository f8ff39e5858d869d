package io.dgm4j.training;

/** Training met a NaN or infinite loss; the parameters of the last completed epoch are intact. */
public final class NonFiniteLossException extends RuntimeException {
  public NonFiniteLossException(int epoch, int batch, double loss) {
    super("loss became " + loss + " at epoch " + epoch + ", batch " + batch
        + "; stopped (the last checkpoint is from the last good epoch). Try a lower learning rate"
        + " or --clip-norm.");
  }
}
