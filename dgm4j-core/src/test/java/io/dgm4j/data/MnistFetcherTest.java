package io.dgm4j.data;

import static io.dgm4j.data.IdxReaderTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistFetcherTest {
  @TempDir Path dir;

  @Test
  void unpacksWantedEntriesOfATarGzAndChecksTheirHashes() throws IOException {
    byte[] a = "first file".getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[1300]; // spans several blocks, ends mid-block
    Arrays.fill(b, (byte) 7);
    Path tgz = tarGz("pkg.tgz", Map.of("package/README", "skip me".getBytes(),
        "package/data/a", a, "package/data/b", b));
    Path target = dir.resolve("out");
    MnistFetcher.unpack(tgz, "package/data/", target, sha256Of(Map.of("a", a, "b", b)));
    assertThat(Files.readAllBytes(target.resolve("a"))).isEqualTo(a);
    assertThat(Files.readAllBytes(target.resolve("b"))).isEqualTo(b);
    assertThat(target.resolve("README")).doesNotExist();
  }

  @Test
  void tamperedEntryIsRejectedAndNotLeftBehind() throws IOException {
    byte[] good = "canonical".getBytes(StandardCharsets.UTF_8);
    Map<String, String> expected = sha256Of(Map.of("a", good));
    Path tgz = tarGz("bad.tgz", Map.of("package/data/a", "tampered".getBytes()));
    Path target = dir.resolve("out");
    assertThatThrownBy(() -> MnistFetcher.unpack(tgz, "package/data/", target, expected))
        .isInstanceOf(DataException.class).hasMessageContaining("a: SHA-256 mismatch");
    try (var left = Files.list(target)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void missingEntryIsReported() throws IOException {
    Path tgz = tarGz("short.tgz", Map.of("package/data/a", new byte[] {1}));
    Map<String, String> expected = sha256Of(Map.of("a", new byte[] {1}, "b", new byte[] {2}));
    assertThat(message(() -> unpackUnchecked(tgz, expected)))
        .isEqualTo(tgz + ": does not contain package/data/b");
  }

  @Test
  void corruptTarHeaderIsReported() throws IOException {
    byte[] tar = tar(Map.of("package/data/a", new byte[] {1}));
    tar[10] ^= 1;
    Path tgz = dir.resolve("corrupt.tgz");
    Files.write(tgz, gzip(tar));
    assertThat(message(() -> unpackUnchecked(tgz, Map.of("a", "x"))))
        .contains("corrupt.tgz: corrupt tar header");
  }

  @Test
  void integrityCheckRejectsATamperedTarball() throws IOException {
    Path file = Files.write(dir.resolve("p.tgz"), "original bytes".getBytes());
    String integrity = Digests.sha512Integrity(file);
    assertThat(integrity).startsWith("sha512-").endsWith("==");
    MnistFetcher.checkIntegrity(file, integrity);
    Files.write(file, "originaL bytes".getBytes());
    assertThat(message(() -> MnistFetcher.checkIntegrity(file, integrity)))
        .startsWith(file + ": integrity check failed: expected " + integrity);
  }

  @Test
  void verifiedFilesAreDetected() throws IOException {
    Files.write(dir.resolve("a"), new byte[] {1, 2});
    Map<String, String> hashes = sha256Of(Map.of("a", new byte[] {1, 2}));
    assertThat(MnistFetcher.hasVerifiedFiles(dir, hashes)).isTrue();
    Files.write(dir.resolve("a"), new byte[] {1, 3});
    assertThat(MnistFetcher.hasVerifiedFiles(dir, hashes)).isFalse();
    assertThat(MnistFetcher.hasVerifiedFiles(dir.resolve("none"), hashes)).isFalse();
  }

  @Test
  void importsAnyAcceptedSpellingAndLoads() {
    Path source = dir.resolve("downloads");
    writeSet(source, "train-images.idx3-ubyte.gz", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte.gz", "t10k-labels.idx1-ubyte");
    Path target = dir.resolve("home/fashion-mnist");
    MnistFetcher.importFrom(source, target, null);
    for (String name : MnistFetcher.MNIST_SHA256.keySet()) {
      assertThat(target.resolve(name)).isRegularFile();
    }
    MnistFetcher.Splits splits = MnistFetcher.load(target);
    assertThat(splits.train().size()).isEqualTo(5);
    assertThat(splits.train().labels()).containsExactly(0, 1, 2, 3, 4);
    assertThat(splits.test().itemShape()).containsExactly(3, 4);
    assertThat(splits.train().name()).isEqualTo("fashion-mnist-train");
  }

  /** Files of MNIST's layout that are not MNIST (other sizes, random data) are not "mnist". */
  @Test
  void importAsMnistRefusesFilesThatAreNotTheCanonicalOnes() {
    Path source = dir.resolve("lookalike");
    writeSet(source, "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    Path target = dir.resolve("home/mnist");
    assertThat(message(() -> MnistFetcher.importFrom(source, target,
        MnistFetcher.MNIST_SHA256)))
        .contains("not the canonical files").contains("train-images-idx3-ubyte")
        .contains("--data " + source);
    assertThat(target).doesNotExist();
  }

  @Test
  void importRefusesABadFolderAndCopiesNothing() throws IOException {
    Path source = dir.resolve("src");
    writeSet(source, "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    IdxWriter.writeLabels(source.resolve("t10k-labels-idx1-ubyte"), new int[] {1});
    Path target = dir.resolve("target");
    assertThat(message(() -> MnistFetcher.importFrom(source, target, null)))
        .contains("t10k-labels-idx1-ubyte: holds 1 labels but");
    assertThat(target).doesNotExist();
    Files.delete(source.resolve("t10k-labels-idx1-ubyte"));
    assertThat(message(() -> MnistFetcher.load(source)))
        .isEqualTo(source + ": missing t10k-labels-idx1-ubyte (also looked for"
            + " t10k-labels-idx1-ubyte.gz and t10k-labels.idx1-ubyte[.gz])");
  }

  /** Writes the tiny image set and its labels under the four given names (images, labels, ...). */
  static void writeSet(Path dir, String... names) {
    Dataset images = IdxReaderTest.tinyImages();
    for (int i = 0; i < 4; i += 2) {
      IdxWriter.writeImages(dir.resolve(names[i]), images);
      IdxWriter.writeLabels(dir.resolve(names[i + 1]), images.labels());
    }
  }

  private static void unpackUnchecked(Path tgz, Map<String, String> expected) {
    try {
      MnistFetcher.unpack(tgz, "package/data/", tgz.getParent().resolve("out"), expected);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, String> sha256Of(Map<String, byte[]> files) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : new java.util.TreeMap<>(files).entrySet()) {
      try {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        out.put(e.getKey(), java.util.HexFormat.of().formatHex(md.digest(e.getValue())));
      } catch (java.security.NoSuchAlgorithmException ex) {
        throw new IOException(ex);
      }
    }
    return out;
  }

  private Path tarGz(String name, Map<String, byte[]> entries) throws IOException {
    return Files.write(dir.resolve(name), gzip(tar(entries)));
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }

  /** A ustar archive: a directory entry, then each file (header, content padded to 512). */
  static byte[] tar(Map<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header("package/", 0, '5'));
    for (var e : new java.util.TreeMap<>(entries).entrySet()) {
      out.writeBytes(header(e.getKey(), e.getValue().length, '0'));
      out.writeBytes(e.getValue());
      out.writeBytes(new byte[(512 - e.getValue().length % 512) % 512]);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private static byte[] header(String name, int size, char type) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, "00000000000");
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    return h;
  }

  private static void put(byte[] h, int at, String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }
}
