package io.dgm4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomically written files get the permissions any other tool's files get (the umask). */
class AtomicFilesPermissionsTest {
  @TempDir Path dir;

  @Test
  void atomicWritesHonourTheUmaskLikeAPlainWrite() throws Exception {
    Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
    Path atomic = dir.resolve("atomic.txt");
    AtomicFiles.writeString(atomic, "x");
    assertThat(Files.getPosixFilePermissions(atomic))
        .isEqualTo(Files.getPosixFilePermissions(plain));
    AtomicFiles.writeString(atomic, "y"); // replacing keeps them too
    assertThat(Files.getPosixFilePermissions(atomic))
        .isEqualTo(Files.getPosixFilePermissions(plain));
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
          "plain.txt", "atomic.txt");
    }
  }
}
