import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.DataSources;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.Permutations;
import io.dgm4j.engine.Engines;
import io.dgm4j.info.MaximumMeanDiscrepancy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Reference values of the MMD² that `dgm eval` reports for a GAN on MNIST, to read its figures
 * by: the 10,000 test images in batches of 100, drawn in the order `dgm eval` draws them and
 * dequantized as a real-valued run sees them, against (a) as many random training images and
 * (b) images whose every pixel is drawn independently from the training images' pixel marginals
 * (the right grey levels, no shapes). Run by
 * bench/run-java.sh bench/MmdReferences.java (DGM_DATA must hold mnist).
 */
public class MmdReferences {
  public static void main(String[] args) throws Exception {
    DataSources.DataSplits s = DataSources.resolve("mnist", Path.of(System.getenv("DGM_DATA")));
    Dataset train = s.train();
    Dataset test = s.test();
    int d = 784;
    int n = 100;
    int batches = 100;
    Random r = new Random(1);
    double[] images = new double[batches];
    double[] marginals = new double[batches];
    // batches in the order `dgm eval` draws them (its default --seed 1), training rows at random
    int[] testOrder = Permutations.of(test.size(), new SplittableRandom(1));
    int[] trainOrder = Permutations.of(train.size(), new SplittableRandom(2));
    float[] bx = new float[n * d];
    float[] by = new float[n * d];
    float[] bz = new float[n * d];
    try (NDManager m = Engines.newManager()) {
      for (int b = 0; b < batches; b++) {
        test.gather(testOrder, b * n, n, bx);
        train.gather(trainOrder, b * n, n, by);
        for (int i = 0; i < n * d; i++) {
          bx[i] = (bx[i] + (float) r.nextDouble()) / 256f;
          by[i] = (by[i] + (float) r.nextDouble()) / 256f;
        }
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < d; j++) {
            bz[i * d + j] = by[r.nextInt(n) * d + j];
          }
        }
        try (NDManager q = m.newSubManager()) {
          NDArray x = q.create(bx, new Shape(n, d));
          images[b] = MaximumMeanDiscrepancy.unbiasedSquared(x, q.create(by, new Shape(n, d)));
          marginals[b] = MaximumMeanDiscrepancy.unbiasedSquared(x, q.create(bz, new Shape(n, d)));
        }
      }
    }
    System.out.printf("MMD² to the test set, mean of %d batches of %d: training images %.4f;"
        + " pixels drawn independently from their marginals %.4f%n", batches, n,
        Arrays.stream(images).average().orElseThrow(),
        Arrays.stream(marginals).average().orElseThrow());
  }
}
