package io.dgm4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.io.ModelSpec;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.objectives.ObjectiveSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a run stands, from folders written by hand epoch by epoch: each state comes from what
 * the folder holds, with the cases that tell them apart (an epoch between validations does not
 * count toward --patience; a pid left by a killed holder is not a live training).
 */
class RunStatusTest {

  private static RunDirectory run(Path folder, int epochs, int patience, ObjectNode data) {
    RunDirectory run = new RunDirectory(folder);
    run.writeInfo(new RunDirectory.RunInfo(
        new ModelSpec("fvsbn", new int[] {4}, 1, ModelRegistry.json().createObjectNode()),
        new ObjectiveSpec("mle", ModelRegistry.json().createObjectNode()),
        new TrainingConfig(epochs, 10, 0.01, "constant", 0, patience, 1), data));
    return run;
  }

  private static RunDirectory run(Path folder, int epochs, int patience) {
    ObjectNode data = ModelRegistry.json().createObjectNode();
    data.put("spec", "/somewhere/bars");
    data.put("name", "bars");
    return run(folder, epochs, patience, data);
  }

  /** Records an epoch as the trainer would: its metrics line, then its checkpoint. */
  private static void epoch(RunDirectory run, int epoch, double validation, boolean improved)
      throws Exception {
    run.appendMetrics(new EpochResult(epoch, epoch * 6L, 20.0 - epoch, validation,
        Double.isNaN(validation) ? "skipped" : "nll", 0.01, 2.0 * epoch, 100, improved, 0.0));
    Files.writeString(run.lastCheckpoint(), "epoch " + epoch);
  }

  @Test
  void finishedStoppedAndNotStartedRunsAreToldApart(@TempDir Path dir) throws Exception {
    RunDirectory finished = run(dir.resolve("finished"), 3, 0);
    epoch(finished, 1, 15.0, true);
    epoch(finished, 2, 14.0, true);
    epoch(finished, 3, 14.5, false);
    RunStatus s = RunStatus.of(finished);
    assertThat(s.state()).isEqualTo(RunStatus.State.FINISHED);
    assertThat(s.family()).isEqualTo("fvsbn");
    assertThat(s.data()).isEqualTo("bars");
    assertThat(s.epochsDone()).isEqualTo(3);
    assertThat(s.epochsPlanned()).isEqualTo(3);
    assertThat(s.best().orElseThrow().epoch()).isEqualTo(2);
    assertThat(s.best().orElseThrow().validationLoss()).isEqualTo(14.0);
    assertThat(s.secondsLeft()).isZero();
    // 14 nats over 4 dimensions: 3.5 nats, 3.5 / ln 2 = 5.0494 bits each
    assertThat(s.bestBitsPerDim()).isCloseTo(5.04943, within(1e-5));
    assertThat(s.holder()).isEmpty();

    RunDirectory stopped = run(dir.resolve("stopped"), 5, 0);
    epoch(stopped, 1, 15.0, true);
    epoch(stopped, 2, 16.0, false);
    assertThat(RunStatus.of(stopped).state()).isEqualTo(RunStatus.State.STOPPED);
    assertThat(RunStatus.of(stopped).epochsDone()).isEqualTo(2);
    // epochs of 2 and 4 s, each validated: 3 epochs left at their median, 3 s
    assertThat(RunStatus.of(stopped).secondsLeft()).isEqualTo(9.0);

    // resumed with a larger --epochs: run.json says so, and the run is not finished any more
    RunDirectory extended = run(dir.resolve("finished"), 6, 0);
    assertThat(RunStatus.of(extended).state()).isEqualTo(RunStatus.State.STOPPED);
    assertThat(RunStatus.of(extended).epochsPlanned()).isEqualTo(6);

    RunDirectory fresh = run(dir.resolve("fresh"), 5, 0);
    assertThat(RunStatus.of(fresh).state()).isEqualTo(RunStatus.State.NOT_STARTED);
    assertThat(RunStatus.of(fresh).best()).isEmpty();
    assertThat(RunStatus.of(fresh).secondsLeft()).isNaN();
  }

  @Test
  void patienceCountsValidationsNotEpochs(@TempDir Path dir) throws Exception {
    for (int patience : new int[] {2, 3}) {
      RunDirectory run = run(dir.resolve("p" + patience), 10, patience);
      epoch(run, 1, 15.0, true);
      epoch(run, 2, 15.5, false);
      epoch(run, 3, Double.NaN, false); // not validated (--validate-every 2)
      epoch(run, 4, 15.2, false);
      // two validations without a better figure: patience 2 stopped the run, 3 would not have
      assertThat(RunStatus.of(run).state()).as("patience " + patience).isEqualTo(
          patience == 2 ? RunStatus.State.STOPPED_EARLY : RunStatus.State.STOPPED);
    }
  }

  @Test
  void aPerClassRunCountsItsClassRuns(@TempDir Path dir) throws Exception {
    ObjectNode data = ModelRegistry.json().createObjectNode();
    data.put("spec", "mnist");
    data.put("name", "mnist");
    data.put("per_class", true);
    data.put("classes", 3);
    Path folder = dir.resolve("per-class");
    RunDirectory parent = run(folder, 2, 0, data);
    RunDirectory class0 = run(folder.resolve("class-0"), 2, 0);
    epoch(class0, 1, 9.0, true);
    epoch(class0, 2, 8.0, true);
    RunDirectory class1 = run(folder.resolve("class-1"), 2, 0);
    epoch(class1, 1, 9.0, true);
    // class 2 not begun: no folder
    RunStatus s = RunStatus.of(parent);
    assertThat(s.state()).isEqualTo(RunStatus.State.STOPPED);
    assertThat(s.classes()).isEqualTo(3);
    assertThat(s.classesFinished()).isEqualTo(1);
    assertThat(s.epochsDone()).isEqualTo(3);
    assertThat(s.epochsPlanned()).isEqualTo(6);

    epoch(class1, 2, 8.5, true);
    RunDirectory class2 = run(folder.resolve("class-2"), 2, 0);
    epoch(class2, 1, 9.0, true);
    epoch(class2, 2, 8.5, true);
    assertThat(RunStatus.of(parent).classesFinished()).isEqualTo(3);
    // every class finished, but their checkpoints not yet assembled into the folder's own
    assertThat(RunStatus.of(parent).state()).isEqualTo(RunStatus.State.STOPPED);
    Files.writeString(parent.bestCheckpoint(), "assembled");
    assertThat(RunStatus.of(parent).state()).isEqualTo(RunStatus.State.FINISHED);
  }

  @Test
  void aLiveHolderIsTrainingAndAKilledOneIsNot(@TempDir Path dir) throws Exception {
    Path folder = dir.resolve("run");
    RunDirectory run = run(folder, 5, 0);
    epoch(run, 1, 15.0, true);
    Process holder = ClaimHolder.start(folder);
    try {
      RunStatus training = RunStatus.of(run);
      assertThat(training.state()).isEqualTo(RunStatus.State.TRAINING);
      assertThat(training.holder().orElseThrow()).startsWith("pid " + holder.pid() + ", since ");

      holder.destroyForcibly(); // SIGKILL: its pid stays in the lock file
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(folder.resolve(".lock"))).startsWith("pid " + holder.pid());
      RunStatus after = RunStatus.of(run);
      assertThat(after.holder()).isEmpty();
      assertThat(after.state()).isEqualTo(RunStatus.State.STOPPED);
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void aDensityOnDequantizedPixelsShowsTheBitsOfThe8BitPixels(@TempDir Path dir)
      throws Exception {
    ObjectNode data = ModelRegistry.json().createObjectNode();
    data.put("name", "pixels");
    ObjectNode prep = data.putObject("preprocessing");
    prep.put("kind", "dequantize");
    prep.put("scale", 1.0);
    prep.put("validationSeed", 1);
    prep.put("testSeed", 2);
    RunDirectory run = run(dir.resolve("flow"), 1, 0, data);
    epoch(run, 1, -10.0, true); // a density of -10 nats on (x + u) / 256 in [0, 1)^4
    // 8 bits per pixel for the 256 levels, less what the density saves: 10 / (4 ln 2)
    assertThat(RunStatus.of(run).bestBitsPerDim()).isCloseTo(8 - 3.60674, within(1e-5));

    RunDirectory elbo = run(dir.resolve("vae"), 1, 0);
    elbo.appendMetrics(new EpochResult(1, 6, 20, 15, "neg_elbo", 0.01, 1, 100, true, 0.0));
    Files.writeString(elbo.lastCheckpoint(), "epoch 1");
    assertThat(RunStatus.of(elbo).best()).isPresent();
    assertThat(RunStatus.of(elbo).bestBitsPerDim()).isNaN(); // a bound, not an NLL
  }
}
