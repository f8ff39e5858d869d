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
 * The digests used to check downloaded data (SHA-256 in hex, SHA-512 in npm's base64
 * "integrity" form), and atomic writes that verify a file's SHA-256 before it appears under
 * its name.
 */
final class Digests {
  private Digests() {}

  /**
   * Writes {@code target} atomically (see {@link io.dgm4j.io.AtomicFiles}); when
   * {@code expectedSha256} (hex) is not null and the written bytes have another SHA-256, nothing
   * is moved into place and a DataException says so.
   */
  static void writeVerified(Path target, io.dgm4j.io.AtomicFiles.Writer body,
      String expectedSha256) {
    try {
      io.dgm4j.io.AtomicFiles.write(target, body, temporary -> {
        if (expectedSha256 == null) {
          return;
        }
        String actual = sha256Hex(temporary);
        if (!expectedSha256.equalsIgnoreCase(actual)) {
          throw new DataException(target, "SHA-256 mismatch: expected " + expectedSha256
              + ", got " + actual + " (file not written)");
        }
      });
    } catch (java.io.UncheckedIOException e) {
      throw new DataException(target, "cannot write: " + e.getCause(), e);
    }
  }

  /** SHA-256 of a file's bytes, lower-case hex. */
  /** The SHA-256 of {@code bytes}, lowercase hex. */
  static String sha256Hex(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(Path file) {
    return HexFormat.of().formatHex(hash(file, "SHA-256"));
  }

  /** SHA-256 of a string's UTF-8 bytes, lower-case hex. */
  static String sha256HexOfText(String text) {
    return HexFormat.of().formatHex(digest("SHA-256").digest(
        text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
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
