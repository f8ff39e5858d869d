package io.dgm4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Writes files so that no half-written file is ever visible under the final name: the content
 * goes to a temporary file in the same directory, which is then moved over the target with
 * {@code ATOMIC_MOVE}; on any failure the temporary file is deleted. Also computes the digests
 * used to check downloaded data (SHA-256 in hex, SHA-512 in npm's base64 "integrity" form).
 */
final class AtomicFiles {
  /** Writes the body of a file; may throw I/O errors. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /** Writes {@code target} atomically and returns the SHA-256 (hex) of what was written. */
  static String write(Path target, Body body) {
    return write(target, body, null);
  }

  /**
   * Writes {@code target} atomically; when {@code expectedSha256} (hex) is not null and the
   * written bytes have another SHA-256, nothing is moved into place and a DataException says so.
   */
  static String write(Path target, Body body, String expectedSha256) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
      MessageDigest sha256 = digest("SHA-256");
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha256)) {
        body.writeTo(out);
      }
      String actual = HexFormat.of().formatHex(sha256.digest());
      if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(actual)) {
        throw new DataException(target, "SHA-256 mismatch: expected " + expectedSha256
            + ", got " + actual + " (file not written)");
      }
      moveIntoPlace(temp, target);
      temp = null;
      return actual;
    } catch (IOException e) {
      throw new DataException(target, "cannot write: " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: the original failure is what the user needs to see
        }
      }
    }
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** SHA-256 of a file's bytes, lower-case hex. */
  static String sha256Hex(Path file) {
    return HexFormat.of().formatHex(hash(file, "SHA-256"));
  }

  /** npm's integrity string for a file: {@code "sha512-" + base64(SHA-512)}. */
  static String sha512Integrity(Path file) {
    return "sha512-" + Base64.getEncoder().encodeToString(hash(file, "SHA-512"));
  }

  private static byte[] hash(Path file, String algorithm) {
    MessageDigest md = digest(algorithm);
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new DataException(file, "cannot read: " + e, e);
    }
    return md.digest();
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }
}
