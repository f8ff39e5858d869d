package io.dgm4j.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a run stands, read from its folder without writing anything: what it trains on what,
 * how many of its epochs are done, its best validation figure, and whether a process is
 * training into it now, it finished, stopped early ({@code --patience}) or stopped before its
 * last epoch (and can be continued with {@code --resume}).
 *
 * <p>A per-class run ({@code dgm train --per-class}) counts the epochs of its class runs
 * ({@code class-Y}); it is finished when every class run is and their best checkpoints were
 * assembled into the folder's own {@code checkpoint-best.zip}.
 *
 * @param folder the run folder
 * @param family the model family ({@code per-class} for a per-class run)
 * @param data the data's name ({@code mnist}) or the {@code --data} it was given
 * @param epochsDone epochs whose checkpoint is written (summed over the classes of a per-class
 *     run)
 * @param epochsPlanned the run's {@code --epochs} (times the classes of a per-class run)
 * @param classes the classes of a per-class run, else 0
 * @param classesFinished of those, the class runs that finished
 * @param best the epoch with the best validation figure, if any epoch had one
 * @param bestBitsPerDim that figure in bits per dimension when it is an NLL (of the 8-bit pixels
 *     for a density fitted to dequantized pixels, as eval reports it), else NaN
 * @param secondsLeft how long the epochs still to come will take at the recorded epochs' pace
 *     ({@link EpochPace}): 0 when none is left, NaN when it is not known (no epoch recorded, or a
 *     per-class run)
 * @param state training, finished, stopped early, stopped, or not started
 * @param holder the process training into the folder now ("pid N, since T"), if any
 */
public record RunStatus(Path folder, String family, String data, int epochsDone,
    int epochsPlanned, int classes, int classesFinished, Optional<EpochResult> best,
    double bestBitsPerDim, double secondsLeft, State state, Optional<String> holder) {

  /** Where a run stands. */
  public enum State {
    /** A live process holds the folder's claim. */
    TRAINING,
    /** All of {@code --epochs} are done. */
    FINISHED,
    /** {@code --patience} validations passed without a better figure. */
    STOPPED_EARLY,
    /** Stopped (interrupted, killed, or the loss became NaN) before its last epoch. */
    STOPPED,
    /** No epoch's checkpoint was written. */
    NOT_STARTED
  }

  /**
   * Reads {@code run}'s folder.
   *
   * @throws IllegalArgumentException naming the file, when run.json or metrics.jsonl cannot be
   *     read
   */
  public static RunStatus of(RunDirectory run) {
    RunDirectory.RunInfo info = run.readInfo();
    String data = RunDirectory.text(info.data(), "name",
        RunDirectory.text(info.data(), "spec", "?"));
    Optional<String> holder = run.holder();
    int planned = info.training().epochs();
    if (info.data().path("per_class").asBoolean(false)) {
      int classes = info.data().path("classes").asInt();
      int done = 0;
      int finished = 0;
      for (int y = 0; y < classes; y++) {
        RunDirectory memberRun = new RunDirectory(run.root().resolve("class-" + y));
        if (!memberRun.exists()) {
          continue; // a class not begun
        }
        RunStatus member = of(memberRun);
        done += member.epochsDone();
        finished += member.state() == State.FINISHED || member.state() == State.STOPPED_EARLY
            ? 1 : 0;
      }
      State state = holder.isPresent() ? State.TRAINING
          : finished == classes && Files.exists(run.bestCheckpoint()) ? State.FINISHED
          : done == 0 ? State.NOT_STARTED : State.STOPPED;
      return new RunStatus(run.root(), info.model().family(), data, done, planned * classes,
          classes, finished, Optional.empty(), Double.NaN, Double.NaN, state, holder);
    }
    List<EpochResult> epochs = Files.exists(run.lastCheckpoint()) ? run.readMetrics()
        : List.of();
    int done = epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch();
    Optional<EpochResult> best = epochs.stream().filter(EpochResult::improved)
        .reduce((first, last) -> last)
        .filter(e -> Double.isFinite(e.validationLoss()));
    State state;
    if (holder.isPresent()) {
      state = State.TRAINING;
    } else if (done == 0) {
      state = State.NOT_STARTED;
    } else if (done >= planned) {
      state = State.FINISHED;
    } else if (stoppedEarly(epochs, info.training().patience())) {
      state = State.STOPPED_EARLY;
    } else {
      state = State.STOPPED;
    }
    int dimension = info.model().dimension();
    double bitsPerDim = best.filter(e -> e.validationMetric().equals("nll"))
        .map(e -> (e.validationLoss() + (info.data().has("preprocessing")
            ? info.preprocessing().pixelOffsetNats(dimension) : 0))
            / (dimension * Math.log(2)))
        .orElse(Double.NaN);
    return new RunStatus(run.root(), info.model().family(), data, done, planned, 0, 0, best,
        bitsPerDim, EpochPace.secondsLeft(epochs, info.training()), state, holder);
  }

  /**
   * Whether the last {@code patience} validations (epochs between validations do not count,
   * as in the trainer) brought no better figure.
   */
  private static boolean stoppedEarly(List<EpochResult> epochs, int patience) {
    if (patience == 0) {
      return false;
    }
    int validationsSinceBest = 0;
    for (int i = epochs.size() - 1; i >= 0; i--) {
      EpochResult e = epochs.get(i);
      if (e.improved()) {
        break;
      }
      if (!e.validationMetric().equals("skipped")) {
        validationsSinceBest++;
      }
    }
    return validationsSinceBest >= patience;
  }
}
