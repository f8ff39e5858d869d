package io.dgm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  /** 5 images of 3x4 with distinct pixel values 0..59 * 4, labels 0..4. */
  static Dataset tinyImages() {
    float[] v = new float[5 * 12];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i * 4) % 256;
    }
    return new Dataset("tiny", v, 5, new int[] {3, 4}, new int[] {0, 1, 2, 3, 4});
  }

  @Test
  void roundTripsPlainAndGzipped() {
    for (String suffix : new String[] {"", ".gz"}) {
      Path images = dir.resolve("train-images-idx3-ubyte" + suffix);
      Path labels = dir.resolve("train-labels-idx1-ubyte" + suffix);
      IdxWriter.writeImages(images, tinyImages());
      IdxWriter.writeLabels(labels, tinyImages().labels());
      Dataset back = IdxReader.readImagesWithLabels(images, labels);
      assertThat(back.size()).isEqualTo(5);
      assertThat(back.itemShape()).containsExactly(3, 4);
      assertThat(back.values()).containsExactly(tinyImages().values());
      assertThat(back.labels()).containsExactly(0, 1, 2, 3, 4);
      assertThat(back.name()).isEqualTo("train-images-idx3-ubyte");
    }
  }

  @Test
  void detectsGzipByMagicBytesNotName() throws IOException {
    Path gz = dir.resolve("images.gz");
    IdxWriter.writeImages(gz, tinyImages());
    Path oddName = dir.resolve("images-without-suffix");
    Files.copy(gz, oddName);
    assertThat(IdxReader.readImages(oddName).values()).containsExactly(tinyImages().values());
  }

  @Test
  void readsGeneralRank() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 16 + 2 * 2 * 3 * 2);
    b.putInt(0x0804).putInt(2).putInt(2).putInt(3).putInt(2);
    for (int i = 0; i < 24; i++) {
      b.put((byte) (200 + i));
    }
    Path f = write("rank4", b.array());
    Dataset d = IdxReader.read(f);
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.itemShape()).containsExactly(2, 3, 2);
    assertThat(d.get(1, 11)).isEqualTo(223f);
  }

  @Test
  void missingAndEmptyFiles() throws IOException {
    assertError(dir.resolve("nope-idx3-ubyte"), "nope-idx3-ubyte: file not found");
    assertError(write("empty-idx3-ubyte", new byte[0]), "empty-idx3-ubyte: empty file");
  }

  @Test
  void wrongMagicSaysExpectedAndFound() throws IOException {
    Path labels = dir.resolve("labels-idx1-ubyte");
    IdxWriter.writeLabels(labels, new int[] {1, 2});
    assertError(labels, "labels-idx1-ubyte: wrong magic number 0x00000801; expected 0x00000803");
    Path text = write("notes.txt", "hello world".getBytes());
    assertError(text, "notes.txt: wrong magic number 0x68656C6C; expected 0x00000803");
    assertThat(message(() -> IdxReader.readImages(text))).contains("not an IDX file");
  }

  @Test
  void unsupportedType() throws IOException {
    Path f = write("floats-idx3", header(0x0D03, 1, 1, 1, 0, 0, 0, 0));
    assertError(f, "floats-idx3: unsupported IDX element type 0x0D (float)");
  }

  @Test
  void truncatedHeaderAndData() throws IOException {
    byte[] full = Files.readAllBytes(imagesFile());
    assertError(write("short-header", Arrays.copyOf(full, 10)), "short-header: truncated: header");
    assertError(write("short-data", Arrays.copyOf(full, full.length - 7)),
        "short-data: truncated: header says 5 images of 3x4 but file holds 53 bytes of pixel data");
    assertError(write("three", new byte[] {0, 0, 8}), "three: truncated");
  }

  @Test
  void trailingGarbage() throws IOException {
    byte[] full = Files.readAllBytes(imagesFile());
    Path f = write("long", Arrays.copyOf(full, full.length + 16));
    assertError(f, "long: 16 bytes of trailing data after 5 images of 3x4");
  }

  @Test
  void countMismatchBetweenImagesAndLabels() {
    Path labels = dir.resolve("labels");
    IdxWriter.writeLabels(labels, new int[] {1, 2, 3});
    assertThatThrownBy(() -> IdxReader.readImagesWithLabels(imagesFile(), labels))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(labels + ": holds 3 labels but ")
        .hasMessageContaining("holds 5 images");
  }

  @Test
  void corruptGzip() throws IOException {
    byte[] gz = Files.readAllBytes(gzipOf(imagesFile()));
    Path f = write("broken.gz", Arrays.copyOf(gz, gz.length / 2));
    assertError(f, "broken.gz: corrupt gzip data");
  }

  @Test
  void writerRejectsNonBytePixels() {
    Dataset bad = new Dataset("bad", new float[] {0, 0.5f}, 1, new int[] {1, 2}, null);
    assertThatThrownBy(() -> IdxWriter.writeImages(dir.resolve("x"), bad))
        .isInstanceOf(DataException.class).hasMessageContaining("value 0.5 at example 0, pixel 1");
    assertThat(dir.resolve("x")).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty(); // no temporary file left behind
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private Path imagesFile() {
    Path f = dir.resolve("images-idx3-ubyte");
    IdxWriter.writeImages(f, tinyImages());
    return f;
  }

  private Path gzipOf(Path file) throws IOException {
    Path gz = dir.resolve(file.getFileName() + ".gz");
    try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(file));
    }
    return gz;
  }

  private static byte[] header(int magic, int... rest) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * rest.length);
    b.putInt(magic);
    for (int r : rest) {
      b.putInt(r);
    }
    return b.array();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static void assertError(Path file, String expectedStart) {
    String m = message(() -> IdxReader.readImages(file));
    assertThat(m).startsWith(file.toString().replace(file.getFileName().toString(), ""))
        .contains(expectedStart).doesNotContain("\n");
  }

  static String message(Runnable action) {
    try {
      action.run();
    } catch (DataException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a DataException");
  }
}
