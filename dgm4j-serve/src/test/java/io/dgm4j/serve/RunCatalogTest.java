package io.dgm4j.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCatalogTest {

  @Test
  void onlyDirectSubfoldersWithARunFileAreRuns(@TempDir Path dir) throws Exception {
    Path runs = Files.createDirectories(dir.resolve("runs"));
    Files.createDirectories(runs.resolve("a"));
    Files.writeString(runs.resolve("a/run.json"), "{}");
    Files.createDirectories(runs.resolve("not-a-run"));
    Files.writeString(dir.resolve("run.json"), "{}"); // the parent looks like a run
    try (RunCatalog catalog = new RunCatalog(runs, dir, 10)) {
      assertThat(catalog.names()).containsExactly("a");
      for (String bad : new String[] {"..", ".", "../runs/a", "a/../a", "/etc", "not-a-run",
          "%2e%2e", "", null}) {
        assertThatThrownBy(() -> catalog.run(bad)).as(String.valueOf(bad))
            .isInstanceOf(RunCatalog.NotFound.class);
      }
      assertThat(catalog.run("a").name()).isEqualTo("a");
    }
  }

  @Test
  void aMissingRunsFolderIsAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> new RunCatalog(dir.resolve("nope"), dir, 10))
        .hasMessageContaining("--runs");
  }
}
