package io.dgm4j.data;

import static io.dgm4j.data.IdxReaderTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
  private static final String[] NAMES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
      "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

  @TempDir Path dir;

  @Test
  void mnistFromDataHomeOrAHint() {
    assertThat(message(() -> DataSources.resolve("mnist", dir)))
        .isEqualTo("mnist: not found in " + dir.resolve("mnist")
            + ": run ./dgm data fetch mnist");
    MnistFetcherTest.writeSet(dir.resolve("mnist"), NAMES);
    DataSources.DataSplits s = DataSources.resolve("mnist", dir);
    assertThat(s.name()).isEqualTo("mnist");
    assertThat(s.train().size()).isEqualTo(5);
    assertThat(s.test().hasLabels()).isTrue();
    assertThat(s.binarizationScale()).isEqualTo(255f);
  }

  @Test
  void fashionMnistFallsBackToTheSystemFolder() {
    Path system = dir.resolve("usr-share");
    assertThat(message(() -> DataSources.resolve("fashion-mnist", dir, system)))
        .contains("apt-get install dataset-fashion-mnist")
        .contains("./dgm data fetch fashion-mnist --from DIR");
    MnistFetcherTest.writeSet(system, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    assertThat(DataSources.resolve("fashion-mnist", dir, system).train().size()).isEqualTo(5);
  }

  @Test
  void idxDirectoryAndCsvPairDirectory() throws IOException {
    Path idx = dir.resolve("digits");
    MnistFetcherTest.writeSet(idx, NAMES);
    assertThat(DataSources.resolve(idx.toString(), dir).train().name()).isEqualTo("digits-train");

    Path tables = dir.resolve("tables");
    Files.createDirectories(tables);
    Files.writeString(tables.resolve("train.csv"), "a,b\n1,2\n3,4\n");
    Files.writeString(tables.resolve("test.csv"), "a,b\n5,6\n");
    DataSources.DataSplits s = DataSources.resolve(tables.toString(), dir);
    assertThat(s.train().size()).isEqualTo(2);
    assertThat(s.test().values()).containsExactly(5, 6);
    assertThat(s.bytePixels()).isFalse();
  }

  @Test
  void singleCsvSplitsOffTheLastTenth() throws IOException {
    StringBuilder rows = new StringBuilder("x,y\n");
    for (int i = 0; i < 25; i++) {
      rows.append(i).append(',').append(-i).append('\n');
    }
    Path file = Files.writeString(dir.resolve("points.csv"), rows);
    DataSources.DataSplits s = DataSources.resolve(file.toString(), dir);
    assertThat(s.name()).isEqualTo("points");
    assertThat(s.train().size()).isEqualTo(23);
    assertThat(s.test().size()).isEqualTo(2);
    assertThat(s.test().get(0, 0)).isEqualTo(23f);
  }

  @Test
  void unknownSpecsAndEmptyFolders() throws IOException {
    assertThat(message(() -> DataSources.resolve("cifar-11", dir)))
        .startsWith("cifar-11: unknown data source").endsWith("(no such file or folder)");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThat(message(() -> DataSources.resolve(empty.toString(), dir)))
        .startsWith(empty + ": is empty: expected pictures (").contains("train.csv and test.csv")
        .contains("the four IDX files");
  }
}
