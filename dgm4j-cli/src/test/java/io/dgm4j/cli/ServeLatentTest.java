package io.dgm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** `dgm serve` scoring a latent-variable model, whose score is an importance-sampled estimate. */
class ServeLatentTest {
  /** The estimate draws random numbers; the same request gets the same answer every time. */
  @Test
  void theSameRequestGetsTheSameEstimate() throws Exception {
    try (TinyServer s = new TinyServer()) {
      CliTest.Run r = CliTest.dgm("train", "--model", "vae", "--set", "latent=2", "--set",
          "hidden=[16]", "--data", s.data.toAbsolutePath().toString(), "--epochs", "1",
          "--out", s.dir.resolve("runs/vae").toString(), "--quiet");
      assertThat(r.code()).as(r.err()).isZero();
      byte[] rows = s.csvRows(3, 6).getBytes();
      JsonNode first = TinyServer.json(s.send("POST", "/api/runs/vae/score", "text/csv", rows));
      JsonNode again = TinyServer.json(s.send("POST", "/api/runs/vae/score", "text/csv", rows));
      String column = first.get("score").asText();
      assertThat(column).isEqualTo("log_prob_estimate_nats");
      assertThat(first.get(column)).hasSize(3);
      assertThat(again.get(column)).isEqualTo(first.get(column));
      assertThat(again.get("test_percentile")).isEqualTo(first.get("test_percentile"));
    }
  }
}
