package io.dgm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Binarization;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.Batch;
import io.dgm4j.models.LogDensities;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.energy.Rbm;
import io.dgm4j.objectives.energy.GibbsContrastiveDivergence;
import io.dgm4j.sampling.BlockGibbs;
import io.dgm4j.sampling.Chains;
import io.dgm4j.sampling.Langevin;
import io.dgm4j.sampling.Mala;
import io.dgm4j.sampling.TransitionKernel;
import java.io.PrintWriter;

/**
 * Sampler and RBM training speed for {@code dgm bench --mcmc}: block Gibbs sweeps/s of a batch
 * of chains (GFLOP/s from the two N×D×H products per sweep), Langevin and MALA steps/s with the
 * score from autograd through the free energy, and persistent CD-1 examples/s over one epoch of
 * the binarized training set (batch as given; the settings of scikit-learn's BernoulliRBM
 * comparison: 500 hidden units, batch 100).
 */
final class McmcBench {
  private McmcBench() {}

  static ObjectNode run(NDManager root, DataSources.DataSplits source, int batchSize,
      int hidden, int steps, PrintWriter out) {
    ObjectNode row = ModelRegistry.json().createObjectNode();
    Dataset train = Binarization.fixed(source.train(), source.binarizationScale(), 1);
    int d = train.dimension();
    try (NDManager m = root.newSubManager()) {
      Rbm rbm = new Rbm(m, d, new Rbm.Config(hidden, 1000, 20), 1);
      rbm.initializeFrom(train.slice(0, 10_000), 1);
      Engines.seed(1);
      NDArray start = m.randomInteger(0, 2, new Shape(batchSize, d),
          ai.djl.ndarray.types.DataType.INT32).toType(ai.djl.ndarray.types.DataType.FLOAT32,
              false);
      double sweeps = stepsPerSecond(m, start, new BlockGibbs(rbm), Math.max(steps, 200));
      double gibbsGflops = sweeps * 2 * 2.0 * batchSize * d * hidden / 1e9;
      var target = LogDensities.of(rbm);
      // the score by autograd, not the RBM's closed form: what a deep energy model pays
      var autograd = io.dgm4j.sampling.LogDensity.of(x -> rbm.energy(x).neg(),
          rbm.parameters().asMap().values());
      double langevin = stepsPerSecond(m, start, new Langevin(autograd, 1e-3), steps);
      double mala = stepsPerSecond(m, start, new Mala(target, 1e-3), steps);
      out.printf("%nsamplers on an RBM with %d hidden units, %d chains:%n", hidden, batchSize);
      out.printf("  block Gibbs   %,10.0f sweeps/s  (%.1f GFLOP/s)%n", sweeps, gibbsGflops);
      out.printf("  Langevin      %,10.0f steps/s   (score by autograd)%n", langevin);
      out.printf("  MALA          %,10.0f steps/s   (closed-form score, 2 per step)%n", mala);
      out.flush();
      // two epochs of the same training: the first pays for the JIT compiling the step's
      // Java side (about the first hundred batches); the second is what a long run sees
      GibbsContrastiveDivergence trainer = new GibbsContrastiveDivergence(rbm, rbm,
          new GibbsContrastiveDivergence.Config(1, 0), true, 0);
      double pcdFirst = pcdExamplesPerSecond(trainer, rbm, train, batchSize);
      double pcd = pcdExamplesPerSecond(trainer, rbm, train, batchSize);
      out.printf("  PCD-1 training %,9.0f examples/s over a second epoch of %,d (batch %d);"
          + " the first: %,.0f%n", pcd, train.size(), batchSize, pcdFirst);
      row.put("hidden", hidden);
      row.put("chains", batchSize);
      row.put("gibbs_sweeps_per_second", sweeps);
      row.put("gibbs_gflops", gibbsGflops);
      row.put("langevin_autograd_steps_per_second", langevin);
      row.put("mala_steps_per_second", mala);
      row.put("pcd1_examples_per_second", pcd);
      row.put("pcd1_first_epoch_examples_per_second", pcdFirst);
      row.put("pcd1_epoch_examples", train.size());
    }
    return row;
  }

  private static double stepsPerSecond(NDManager m, NDArray start, TransitionKernel kernel,
      int steps) {
    try (Chains chains = new Chains(m, start)) {
      chains.run(kernel, 10); // warm-up
      return chains.run(kernel, steps).stepsPerSecond();
    }
  }

  private static double pcdExamplesPerSecond(GibbsContrastiveDivergence pcd, Rbm rbm,
      Dataset train, int batchSize) {
    int d = train.dimension();
    float[] values = train.values();
    long started = System.nanoTime();
    int n = train.size() / batchSize * batchSize;
    for (int from = 0; from < n; from += batchSize) {
      try (NDScope scope = new NDScope(); NDManager step = rbm.manager().newSubManager()) {
        NDArray x = SharedMemory.tensor(step, values, from * d, batchSize * d,
            new Shape(batchSize, d));
        pcd.step(new Batch(x, null), from / batchSize, 1e-3);
      }
    }
    return n / ((System.nanoTime() - started) / 1e9);
  }
}
