package io.dgm4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers see either the old content or the complete new content, never
 * a half-written file: the bytes go to a temporary file in the same folder, which is then moved
 * over the target in one atomic rename.
 */
public final class AtomicFiles {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private AtomicFiles() {}

  /** Something that writes a file's content to a stream. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  /** A check of the complete temporary file before it replaces the target. */
  @FunctionalInterface
  public interface Check {
    void verify(Path temporary) throws IOException;
  }

  /** Writes {@code file} atomically with what {@code writer} produces. */
  public static void write(Path file, Writer writer) {
    write(file, writer, temporary -> { });
  }

  /**
   * Writes {@code file} atomically; {@code beforeMove} sees the complete temporary file and may
   * throw to leave the target untouched (e.g. when a checksum does not match).
   */
  public static void write(Path file, Writer writer, Check beforeMove) {
    Path parent = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(parent);
      // Files.createFile honours the user's umask (createTempFile would make it 0600)
      temp = Files.createFile(parent.resolve("." + file.getFileName() + "."
          + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp"));
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp))) {
        writer.writeTo(out);
      }
      beforeMove.verify(temp);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the temporary file is hidden and harmless
        }
      }
    }
  }

  /** Writes a UTF-8 string atomically. */
  public static void writeString(Path file, String content) {
    write(file, out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
