package io.dgm4j.cli;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.evaluation.DetectionMetrics;
import io.dgm4j.evaluation.LikelihoodEvaluator;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.models.ClassConditional;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.nn.TensorMath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Bayes-rule classification with a class-conditional run: argmax_y log p(x | y) + log p(y), and
 * log p(x) per input to reject inputs that no class explains.
 */
@Command(name = "classify", description = {
    "Classify test inputs by Bayes' rule with a per-class run (dgm train --per-class):"
        + " argmax_y log p(x|y) + log p(y). Reports accuracy and the confusion matrix.",
    "Each input also gets log p(x) = logsumexp_y [log p(x|y) + log p(y)]; with --ood, inputs"
        + " of another set are rejected when log p(x) falls below the threshold that keeps 95%%"
        + " of --data's test inputs, and the rejection rate is reported."})
final class ClassifyCommand implements Callable<Integer> {
  /** The fraction of in-distribution inputs the rejection threshold keeps. */
  static final double KEEP = 0.95;

  @Mixin Options.Run run;

  @Option(names = "--data", paramLabel = "SPEC",
      description = "Labelled data whose test set is classified (default: the run's data).")
  String data;

  @Option(names = "--ood", paramLabel = "SPEC",
      description = "Data that is not of any class (any --data spec): report the fraction of"
          + " its test inputs rejected at the threshold keeping 95%% of --data (default: none).")
  String ood;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Write one CSV row per test input: label, predicted class, log p(x),"
          + " p(predicted | x) (default: none).")
  Path out;

  @Mixin Options.Json output;

  @Mixin Options.TestLimit limit;

  @Mixin Options.BatchSize batch;

  @Mixin Options.Force force;

  @Mixin Options.DataDir dataDir;

  @Mixin Options.Checkpoint checkpoint;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Per input: the predicted class, log p(x) and the posterior of the predicted class. */
  private record Scored(int[] predicted, double[] logMarginal, double[] confidence) {}

  @Override
  public Integer call() throws Exception {
    try (LoadedRun loaded = new LoadedRun(run.folder, checkpoint.which, engine.device, spec)) {
      ClassConditional model = loaded.require(ClassConditional.class, "classify",
          "class-conditional likelihood (train one with --per-class)");
      String dataSpec = data != null ? data : loaded.info.data().get("spec").asText();
      Dataset test = loaded.testSet(dataSpec, limit.n, dataDir.home());
      if (!test.hasLabels()) {
        throw new IllegalArgumentException("--data " + dataSpec + " has no labels to measure"
            + " accuracy against");
      }
      int k = model.classes();
      Scored scored = score(loaded, model, test);
      long[][] confusion = new long[k][k];
      int correct = 0;
      for (int i = 0; i < test.size(); i++) {
        int y = test.labels()[i];
        if (y < 0 || y >= k) {
          throw new IllegalArgumentException("--data " + dataSpec + ": label " + y + " at test"
              + " example " + i + " is not one of the run's " + k + " classes");
        }
        confusion[y][scored.predicted()[i]]++;
        correct += y == scored.predicted()[i] ? 1 : 0;
      }
      double accuracy = correct / (double) test.size();
      double[] inAnomaly = negate(scored.logMarginal());
      double threshold = DetectionMetrics.thresholdKeeping(inAnomaly, KEEP);
      Double rejection = null;
      int oodCount = 0;
      if (ood != null) {
        Dataset oodData = loaded.testSet(ood, limit.n, dataDir.home());
        oodCount = oodData.size();
        rejection = DetectionMetrics.fractionAbove(
            negate(score(loaded, model, oodData).logMarginal()), threshold);
      }
      if (out != null) {
        List<Path> inputs = new ArrayList<>(loaded.inputFiles());
        inputs.addAll(Options.dataFiles(dataSpec, dataDir.home()));
        inputs.addAll(Options.dataFiles(ood, dataDir.home()));
        Path file = force.writable("--out", out, inputs);
        StringBuilder csv = new StringBuilder("index,label,predicted,log_p_x,posterior\n");
        for (int i = 0; i < test.size(); i++) {
          csv.append(i).append(',').append(test.labels()[i]).append(',')
              .append(scored.predicted()[i]).append(',').append(scored.logMarginal()[i])
              .append(',').append(scored.confidence()[i]).append('\n');
        }
        AtomicFiles.writeString(file, csv.toString());
      }
      var console = spec.commandLine().getOut();
      if (output.json) {
        ObjectNode o = ModelRegistry.json().createObjectNode();
        o.put("run", run.folder.toString());
        o.put("model", loaded.info.model().config().path("base").asText(
            loaded.info.model().family()));
        o.put("data", dataSpec);
        o.put("examples", test.size());
        o.put("accuracy", accuracy);
        ArrayNode rows = o.putArray("confusion");
        for (long[] row : confusion) {
          ArrayNode r = rows.addArray();
          for (long c : row) {
            r.add(c);
          }
        }
        o.put("mean_log_p_x", mean(scored.logMarginal()));
        if (ood != null) {
          ObjectNode rej = o.putObject("ood");
          rej.put("data", ood);
          rej.put("examples", oodCount);
          rej.put("in_distribution_kept", 1 - DetectionMetrics.fractionAbove(inAnomaly,
              threshold));
          rej.put("log_p_x_threshold", -threshold);
          rej.put("rejection_rate", rejection);
        }
        console.println(ModelRegistry.json().writeValueAsString(o));
      } else {
        console.printf("%s: %,d test inputs of %s, %d classes%n", run.folder, test.size(),
            dataSpec, k);
        console.printf("  accuracy %.4f (%,d correct)%n", accuracy, correct);
        console.println("  confusion (rows: true class, columns: predicted)");
        for (int y = 0; y < k; y++) {
          StringBuilder line = new StringBuilder("  ").append(String.format("%3d |", y));
          for (long c : confusion[y]) {
            line.append(String.format(" %6d", c));
          }
          console.println(line);
        }
        if (ood != null) {
          console.printf("  %s: %.4f of %,d inputs rejected (log p(x) < %.2f, which keeps"
              + " %.0f%% of %s)%n", ood, rejection, oodCount, -threshold, KEEP * 100, dataSpec);
        }
      }
      return 0;
    }
  }

  /** Scores every input of {@code data} against every class in minibatches. */
  private Scored score(LoadedRun loaded, ClassConditional model, Dataset data) {
    int n = data.size();
    int[] predicted = new int[n];
    double[] confidence = new double[n];
    LikelihoodEvaluator evaluator = new LikelihoodEvaluator(batch.size);
    int[] next = {0};
    double[] logMarginal = evaluator.perExample(loaded.model, data, x -> {
      NDArray joint = model.classLogJoint(x); // (n, K)
      NDArray marginal = TensorMath.logSumExp(joint, 1); // (n)
      int[] argmax = joint.argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false)
          .toIntArray();
      float[] posterior = joint.max(new int[] {1}).sub(marginal).exp().toFloatArray();
      for (int i = 0; i < argmax.length; i++) {
        predicted[next[0] + i] = argmax[i];
        confidence[next[0] + i] = posterior[i];
      }
      next[0] += argmax.length;
      return marginal;
    });
    return new Scored(predicted, logMarginal, confidence);
  }

  private static double[] negate(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = -v[i];
    }
    return out;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
