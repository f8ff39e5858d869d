package io.dgm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.data.IdxWriter;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.serve.DgmServer;
import io.dgm4j.serve.RunCatalog;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A tiny FVSBN run trained by `dgm train` on generated 6x6 bars, served by a real server on a
 * free loopback port, with an HTTP client: the fixture of the server's tests.
 */
final class TinyServer implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  final Path dir;
  final Path data;
  final Dataset test;
  final DgmServer server;
  final String base;

  TinyServer() throws IOException {
    dir = Files.createTempDirectory("dgm-serve-test");
    data = dir.resolve("bars");
    Dataset train = CliTest.bars(600, 1, 6);
    test = CliTest.bars(100, 2, 6);
    IdxWriter.writeImages(data.resolve("train-images-idx3-ubyte"), train);
    IdxWriter.writeLabels(data.resolve("train-labels-idx1-ubyte"), train.labels());
    IdxWriter.writeImages(data.resolve("t10k-images-idx3-ubyte"), test);
    IdxWriter.writeLabels(data.resolve("t10k-labels-idx1-ubyte"), test.labels());
    CliTest.Run r = CliTest.dgm("train", "--model", "fvsbn", "--data",
        data.toAbsolutePath().toString(), "--epochs", "2", "--lr", "0.05", "--out",
        dir.resolve("runs/tiny").toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    server = new DgmServer(new RunCatalog(dir.resolve("runs"), dir.resolve("data-home"), 100),
        64 * 1024).start("127.0.0.1", 0);
    base = "http://127.0.0.1:" + server.port();
  }

  HttpResponse<byte[]> send(String method, String path, String type, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofByteArray(
            body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(HttpResponse<byte[]> r) throws Exception {
    return ModelRegistry.json().readTree(r.body());
  }

  /** Test examples [from, to) as CSV lines of raw pixels. */
  String csvRows(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      for (int j = 0; j < test.dimension(); j++) {
        sb.append(j == 0 ? "" : ",").append((int) test.get(i, j));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Test example {@code example} as a 6x6 gray PNG. */
  byte[] png(int example) throws IOException {
    BufferedImage img = new BufferedImage(6, 6, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 6; x++) {
        int g = (int) test.get(example, y * 6 + x);
        img.getRaster().setSample(x, y, 0, g); // setRGB would colour-convert the level
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Override
  public void close() throws IOException {
    server.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
