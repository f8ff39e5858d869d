package io.dgm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `dgm serve` end to end: a tiny trained run behind a real server on a free loopback port. */
class ServeTest {
  static TinyServer s;

  @BeforeAll
  static void start() throws Exception {
    s = new TinyServer();
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  static HttpResponse<byte[]> send(String method, String path, String type, byte[] body)
      throws Exception {
    return s.send(method, path, type, body);
  }

  static JsonNode json(HttpResponse<byte[]> r) throws Exception {
    return TinyServer.json(r);
  }

  @Test
  void listsRunsAndDescribesOne() throws Exception {
    JsonNode runs = json(send("GET", "/api/runs", null, null));
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("name").asText()).isEqualTo("tiny");
    assertThat(runs.get(0).get("family").asText()).isEqualTo("fvsbn");
    assertThat(runs.get(0).get("status").asText()).isEqualTo("finished");
    assertThat(runs.get(0).get("parameters").asLong()).isEqualTo(36 * 35 / 2 + 36);
    JsonNode one = json(send("GET", "/api/runs/tiny", null, null));
    assertThat(one.get("metrics")).hasSize(2);
    assertThat(one.get("capabilities").toString()).contains("score", "sample", "complete");
    assertThat(json(send("GET", "/openapi.json", null, null)).get("openapi").asText())
        .startsWith("3.");
    assertThat(new String(send("GET", "/", null, null).body())).contains("dgm4j");
  }

  /** The server's scores are the command line's: same rows, same preprocessing, same model. */
  @Test
  void scoresEqualDgmScoreForCsvJsonAndImages() throws Exception {
    Path scores = s.dir.resolve("scores.csv");
    CliTest.Run r = CliTest.dgm("score", "--run", s.dir.resolve("runs/tiny").toString(), "--data",
        s.data.toAbsolutePath().toString(), "--out", scores.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(scores);
    // rows 3 and 4 of the test set: a row's score must not depend on its position or on the
    // rows sent with it (held-out binarization is keyed by the example, not its index)
    double first = Double.parseDouble(lines.get(4).split(",")[2]);
    double second = Double.parseDouble(lines.get(5).split(",")[2]);

    JsonNode csv = json(send("POST", "/api/runs/tiny/score", "text/csv",
        s.csvRows(3, 5).getBytes()));
    assertThat(csv.get("score").asText()).isEqualTo("log_prob_nats");
    assertThat(csv.get("log_prob_nats").get(0).asDouble()).isCloseTo(first,
        org.assertj.core.api.Assertions.within(1e-4));
    assertThat(csv.get("log_prob_nats").get(1).asDouble()).isCloseTo(second,
        org.assertj.core.api.Assertions.within(1e-4));
    assertThat(csv.get("test_percentile")).hasSize(2);

    JsonNode image = json(send("POST", "/api/runs/tiny/score", "image/png", s.png(3)));
    assertThat(image.get("log_prob_nats").get(0).asDouble()).isCloseTo(first,
        org.assertj.core.api.Assertions.within(1e-4));
    double pct = image.get("test_percentile").get(0).asDouble();
    assertThat(pct).isBetween(0.0, 100.0);
  }

  @Test
  void samplesAsPngAndJsonAndCompletes() throws Exception {
    HttpResponse<byte[]> png = send("POST", "/api/runs/tiny/sample?n=4&seed=3&format=png", null,
        null);
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(png.headers().firstValue("content-type").orElse("")).startsWith("image/png");
    assertThat(ImageIO.read(new ByteArrayInputStream(png.body()))).isNotNull();
    JsonNode a = json(send("POST", "/api/runs/tiny/sample?n=3&seed=5&format=json", null, null));
    JsonNode b = json(send("POST", "/api/runs/tiny/sample?n=3&seed=5&format=json", null, null));
    assertThat(a.get("samples")).hasSize(3);
    assertThat(a.get("samples").get(0)).hasSize(36);
    assertThat(a.get("samples")).isEqualTo(b.get("samples")); // same seed, same draw
    String rows = "{\"rows\": [" + s.csvRows(0, 1).trim().replaceAll("^", "[") + "]], \"seed\": 2}";
    JsonNode c = json(send("POST", "/api/runs/tiny/complete", "application/json",
        rows.getBytes()));
    assertThat(c.get("method").asText()).startsWith("exact");
    assertThat(c.get("completions").get(0)).hasSize(36);
  }

  @Test
  void badRequestsGetJsonErrorsAndTheServerKeepsServing() throws Exception {
    record Case(String method, String path, String type, byte[] body, int status) {}
    List<Case> cases = List.of(
        new Case("GET", "/api/runs/..%2F..%2Fetc", null, null, 404),
        new Case("POST", "/api/runs/%2E%2E/score", "text/csv", "1".getBytes(), 404),
        new Case("GET", "/api/runs/nope", null, null, 404),
        new Case("POST", "/api/runs/tiny/score", "text/csv", "garbage,here".getBytes(), 400),
        new Case("POST", "/api/runs/tiny/score", "application/json", "[[NaN]]".getBytes(), 400),
        new Case("POST", "/api/runs/tiny/score", "image/png", new byte[] {(byte) 0x89, 'P', 'N',
            'G', 1, 2, 3, 4, 5}, 400),
        new Case("POST", "/api/runs/tiny/score", "text/csv", new byte[100 * 1024], 413),
        new Case("POST", "/api/runs/tiny/sample?n=100000", null, null, 400),
        new Case("POST", "/api/runs/tiny/sample?format=gif", null, null, 400));
    for (Case c : cases) {
      HttpResponse<byte[]> r = send(c.method(), c.path(), c.type(), c.body());
      assertThat(r.statusCode()).as(c.method() + " " + c.path()).isEqualTo(c.status());
      if (c.status() != 413) {
        assertThat(json(r).get("error").asText()).as(c.path()).isNotBlank();
      }
      assertThat(send("POST", "/api/runs/tiny/score", "text/csv", s.csvRows(0, 1).getBytes())
          .statusCode()).as("a good request after " + c.path()).isEqualTo(200);
    }
  }

  /** Four clients at once: every answer correct (the model is shared safely across threads). */
  @Test
  void concurrentClientsAllSucceed() throws Exception {
    double expected = json(send("POST", "/api/runs/tiny/score", "text/csv",
        s.csvRows(3, 4).getBytes())).get("log_prob_nats").get(0).asDouble();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Double>> answers = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        boolean sample = i % 4 == 0;
        answers.add(pool.submit(() -> {
          if (sample) {
            assertThat(send("POST", "/api/runs/tiny/sample?n=2&format=json", null, null)
                .statusCode()).isEqualTo(200);
            return expected;
          }
          return json(send("POST", "/api/runs/tiny/score", "text/csv",
              s.csvRows(3, 4).getBytes())).get("log_prob_nats").get(0).asDouble();
        }));
      }
      for (Future<Double> f : answers) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
