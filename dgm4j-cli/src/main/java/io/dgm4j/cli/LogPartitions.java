package io.dgm4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Digests;
import io.dgm4j.engine.Engines;
import io.dgm4j.io.AtomicFiles;
import io.dgm4j.models.Annealable;
import io.dgm4j.models.EnergyModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.sampling.AnnealedImportanceSampling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * log Z of an energy model for the commands that turn energies into log-likelihoods: the model's
 * own (exact) value when it has one, otherwise an AIS estimate — computed by {@code dgm eval}
 * and cached in the run folder as {@code ais/<checkpoint sha-256>-r<runs>-b<betas>-s<seed>.json},
 * so {@code dgm score} and later evaluations of the same checkpoint reuse it.
 */
final class LogPartitions {
  private LogPartitions() {}

  /**
   * A log Z and how it was had.
   *
   * @param runs AIS runs (0 when exact)
   * @param betas AIS intermediate distributions (0 when exact)
   * @param cachedIn the cache file it was read from or written to (null when exact)
   */
  record Resolved(EnergyModel.LogPartition logZ, int runs, int betas, Path cachedIn,
      double seconds) {}

  /**
   * The model's log Z, estimating it by AIS with {@code runs} runs and {@code betas} β (base
   * rates from {@code data}) when it is not known and not cached.
   */
  static Resolved resolveOrEstimate(LoadedRun loaded, EnergyModel model, Dataset data, int runs,
      int betas, long seed) {
    if (model.logZ().isPresent()) {
      return new Resolved(model.logZ().get(), 0, 0, null, 0);
    }
    Annealable annealable = requireAnnealable(loaded, model, "eval");
    Path cache = cacheFile(loaded, runs, betas, seed);
    if (Files.exists(cache)) {
      return read(annealable, cache);
    }
    long start = System.nanoTime();
    Engines.seed(seed);
    AnnealedImportanceSampling.Estimate e = AnnealedImportanceSampling.estimate(
        annealable.annealingPath(data),
        AnnealedImportanceSampling.salakhutdinovMurraySchedule(betas), runs, model.manager());
    double seconds = (System.nanoTime() - start) / 1e9;
    EnergyModel.LogPartition z = new EnergyModel.LogPartition(e.logZ(), e.standardError(), "ais");
    annealable.useLogZ(z);
    ObjectNode o = ModelRegistry.json().createObjectNode();
    o.put("checkpoint", loaded.checkpoint.getFileName().toString());
    o.put("log_z", z.value());
    o.put("log_z_stderr", z.standardError());
    o.put("ais_runs", runs);
    o.put("ais_betas", betas);
    o.put("seed", seed);
    o.put("base", "pixel marginals of " + data.name());
    o.put("seconds", seconds);
    var weights = o.putArray("log_weights");
    for (double w : e.logWeights()) {
      weights.add(w);
    }
    try {
      Files.createDirectories(cache.getParent());
      AtomicFiles.writeString(cache, ModelRegistry.json().writerWithDefaultPrettyPrinter()
          .writeValueAsString(o));
    } catch (IOException ex) {
      throw new IllegalStateException("cannot write " + cache + ": " + ex.getMessage(), ex);
    }
    return new Resolved(z, runs, betas, cache, seconds);
  }

  /**
   * The model's log Z without estimating: exact, or the AIS estimate with the most runs × β
   * cached for this checkpoint (attached to the model); empty when neither is there.
   */
  static java.util.Optional<Resolved> resolveCached(LoadedRun loaded, EnergyModel model) {
    if (model.logZ().isPresent()) {
      return java.util.Optional.of(new Resolved(model.logZ().get(), 0, 0, null, 0));
    }
    if (!(model instanceof Annealable annealable)) {
      return java.util.Optional.empty();
    }
    Path dir = loaded.directory.root().resolve("ais");
    String prefix = checkpointDigest(loaded) + "-";
    Path best = null;
    double bestWork = -1;
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String name = f.getFileName().toString();
          if (name.startsWith(prefix) && name.endsWith(".json")) {
            JsonNode n = readJson(f);
            double work = n.get("ais_runs").asDouble() * n.get("ais_betas").asDouble();
            if (work > bestWork) {
              bestWork = work;
              best = f;
            }
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
      }
    }
    return best == null ? java.util.Optional.empty()
        : java.util.Optional.of(read(annealable, best));
  }

  private static Resolved read(Annealable model, Path cache) {
    JsonNode n = readJson(cache);
    EnergyModel.LogPartition z = new EnergyModel.LogPartition(n.get("log_z").asDouble(),
        n.get("log_z_stderr").asDouble(), "ais");
    model.useLogZ(z);
    return new Resolved(z, n.get("ais_runs").asInt(), n.get("ais_betas").asInt(), cache,
        n.get("seconds").asDouble());
  }

  private static JsonNode readJson(Path file) {
    try {
      return ModelRegistry.json().readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not a readable AIS cache (" + e.getMessage()
          + "); delete it and run `dgm eval` again", e);
    }
  }

  private static Annealable requireAnnealable(LoadedRun loaded, EnergyModel model,
      String command) {
    if (!(model instanceof Annealable a)) {
      throw new IllegalArgumentException(loaded.info.model().family() + "'s log Z is not known"
          + " and it offers no annealing path to estimate it, which `dgm " + command
          + "` needs for a log-likelihood");
    }
    return a;
  }

  private static Path cacheFile(LoadedRun loaded, int runs, int betas, long seed) {
    return loaded.directory.root().resolve("ais").resolve(checkpointDigest(loaded) + "-r"
        + runs + "-b" + betas + "-s" + seed + ".json");
  }

  private static String checkpointDigest(LoadedRun loaded) {
    return Digests.sha256Hex(loaded.checkpoint).substring(0, 16);
  }
}
