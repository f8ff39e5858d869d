package io.dgm4j.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.DataException;
import io.dgm4j.evaluation.ImageGrid;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.training.EpochResult;
import io.dgm4j.training.RunDirectory;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code dgm serve}: a JSON API and a web page over the runs of one folder, on Javalin 6 (Jetty
 * 11, Servlet 5 — the servlet version Spark 4 also needs, so serving and {@code spark-score}
 * share one classpath; Javalin 7's Jetty 12 needs Servlet 6, which Spark's context cannot load).
 *
 * <pre>
 *   GET  /                              the web page (runs, curves, samples, a drop zone)
 *   GET  /openapi.json                  this API described in OpenAPI 3
 *   GET  /api/runs                      every run: family, data, status, best validation
 *   GET  /api/runs/{name}               one run: run.json, metrics, capabilities
 *   GET  /api/runs/{name}/metrics       its metrics.jsonl as an array (poll it while training)
 *   GET  /api/runs/{name}/reference     a histogram of its test set's scores
 *   POST /api/runs/{name}/score         text/csv, a JSON array of rows, or a PNG/JPEG image
 *   POST /api/runs/{name}/sample        ?n=16&amp;seed=3&amp;format=png|json
 *   POST /api/runs/{name}/complete      {"rows": [[...]], "observe": "top-half", "seed": 1,
 *                                        "sweeps": 20}
 * </pre>
 *
 * Errors are JSON {@code {"error": "..."}} with 400 (bad input), 404 (no such run), 413 (body too
 * large) or 500; the server keeps serving after any of them. It binds the loopback address
 * unless told otherwise.
 */
public final class DgmServer implements AutoCloseable {
  /** Most rows one score request may carry. */
  public static final int MAX_ROWS = 10_000;
  /** Most samples one request may ask for. */
  public static final int MAX_SAMPLES = 256;

  private static final ObjectMapper JSON = ModelRegistry.json();
  private final RunCatalog catalog;
  private final Javalin app;

  /**
   * @param catalog the runs to serve (closed with the server)
   * @param maxRequestBytes the largest request body accepted
   */
  public DgmServer(RunCatalog catalog, long maxRequestBytes) {
    this.catalog = catalog;
    this.app = Javalin.create(config -> {
      config.http.maxRequestSize = maxRequestBytes;
      config.showJavalinBanner = false;
    });
    app.get("/", ctx -> resource(ctx, "index.html", "text/html; charset=utf-8"));
    app.get("/app.js", ctx -> resource(ctx, "app.js", "text/javascript; charset=utf-8"));
    app.get("/openapi.json", ctx -> resource(ctx, "openapi.json", "application/json"));
    app.get("/api/runs", this::listRuns);
    app.get("/api/runs/{name}", this::showRun);
    app.get("/api/runs/{name}/metrics", this::metrics);
    app.get("/api/runs/{name}/reference", this::reference);
    app.post("/api/runs/{name}/score", this::score);
    app.post("/api/runs/{name}/sample", this::sample);
    app.post("/api/runs/{name}/complete", this::complete);
    app.exception(RunCatalog.NotFound.class, (e, ctx) -> error(ctx, 404, e));
    app.exception(RequestRows.BadRequest.class, (e, ctx) -> error(ctx, 400, e));
    app.exception(DataException.class, (e, ctx) -> error(ctx, 400, e));
    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e));
    app.exception(Exception.class, (e, ctx) -> error(ctx, 500,
        new RuntimeException("internal error: " + e.getMessage())));
  }

  /** Starts listening; port 0 picks a free port (see {@link #port()}). */
  public DgmServer start(String host, int port) {
    app.start(host, port);
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
    catalog.close();
  }

  private void listRuns(Context ctx) throws IOException {
    ArrayNode runs = JSON.createArrayNode();
    for (String name : catalog.names()) {
      ServedRun run = catalog.run(name);
      ObjectNode o = runs.addObject();
      summary(run, run.info(), run.metrics(), o);
    }
    json(ctx, runs);
  }

  /** The run's summary into {@code o}, from run.json and metrics.jsonl read once by the caller. */
  private void summary(ServedRun run, RunDirectory.RunInfo info, List<EpochResult> metrics,
      ObjectNode o) {
    o.put("name", run.name());
    o.put("family", info.model().family());
    o.put("objective", info.objectiveOrDefault().name());
    o.put("data", RunDirectory.text(info.data(), "name", "?"));
    o.put("status", run.status(info, metrics));
    o.put("epochs_done", metrics.isEmpty() ? 0 : metrics.get(metrics.size() - 1).epoch());
    o.put("epochs", info.training().epochs());
    EpochResult best = metrics.stream().filter(EpochResult::improved)
        .reduce((a, b) -> b).orElse(null);
    if (best != null) {
      o.put("best_validation", best.validationLoss());
      o.put("validation_metric", best.validationMetric());
    }
    try {
      o.put("parameters", run.parameterCount());
    } catch (IllegalArgumentException e) {
      o.put("parameters_error", e.getMessage());
    }
  }

  private void showRun(Context ctx) throws IOException {
    ServedRun run = catalog.run(ctx.pathParam("name"));
    ObjectNode o = JSON.createObjectNode();
    RunDirectory.RunInfo info = run.info();
    List<EpochResult> metrics = run.metrics();
    summary(run, info, metrics, o);
    o.set("run", JSON.valueToTree(info));
    o.set("metrics", JSON.valueToTree(metrics));
    ArrayNode caps = o.putArray("capabilities");
    run.capabilities().forEach(caps::add);
    json(ctx, o);
  }

  private void metrics(Context ctx) throws IOException {
    json(ctx, JSON.valueToTree(catalog.run(ctx.pathParam("name")).metrics()));
  }

  private void reference(Context ctx) throws IOException {
    ServedRun run = catalog.run(ctx.pathParam("name"));
    double[] sorted = run.referenceScores();
    ObjectNode o = JSON.createObjectNode();
    if (sorted == null || sorted.length == 0) {
      o.put("error", run.referenceError());
      json(ctx, o);
      return;
    }
    int bins = 40;
    double lo = sorted[0];
    double hi = sorted[sorted.length - 1];
    double width = hi > lo ? (hi - lo) / bins : 1;
    int[] counts = new int[bins];
    for (double v : sorted) {
      counts[Math.min(bins - 1, (int) ((v - lo) / width))]++;
    }
    o.put("examples", sorted.length);
    o.put("min", lo);
    o.put("max", hi);
    ArrayNode c = o.putArray("counts");
    for (int k : counts) {
      c.add(k);
    }
    json(ctx, o);
  }

  private void score(Context ctx) throws IOException {
    ServedRun run = catalog.run(ctx.pathParam("name"));
    RequestRows.Rows rows = RequestRows.parse(ctx.bodyAsBytes(), ctx.contentType(),
        run.itemShape(), run.preprocessing().expectsBytePixels(), MAX_ROWS);
    ServedRun.Scores s = run.score(rows.values(), rows.count());
    ObjectNode o = JSON.createObjectNode();
    o.put("run", run.name());
    o.put("score", s.column());
    o.put("meaning", s.meaning());
    ArrayNode values = o.putArray(s.column());
    for (double v : s.values()) {
      values.add(v);
    }
    if (s.percentiles() != null) {
      ArrayNode p = o.putArray("test_percentile");
      for (double v : s.percentiles()) {
        p.add(v);
      }
    }
    o.put("percentile_note", s.percentileNote());
    json(ctx, o);
  }

  private void sample(Context ctx) throws IOException {
    ServedRun run = catalog.run(ctx.pathParam("name"));
    int n = intParam(ctx, "n", 16, 1, MAX_SAMPLES);
    long seed = intParam(ctx, "seed", 1, 0, Integer.MAX_VALUE);
    String format = ctx.queryParam("format") == null ? "png" : ctx.queryParam("format");
    if (!format.equals("png") && !format.equals("json")) {
      throw new RequestRows.BadRequest("format must be png or json, got " + format);
    }
    float[] samples = run.sample(n, seed);
    int d = samples.length / n;
    if (format.equals("json")) {
      ArrayNode rows = JSON.createArrayNode();
      for (int i = 0; i < n; i++) {
        ArrayNode row = rows.addArray();
        for (int j = 0; j < d; j++) {
          row.add(samples[i * d + j]);
        }
      }
      ObjectNode o = JSON.createObjectNode();
      o.put("run", run.name());
      o.put("seed", seed);
      o.set("samples", rows);
      json(ctx, o);
      return;
    }
    int[] shape = run.itemShape();
    int h = shape.length >= 2 ? shape[0] : 1;
    int w = shape.length >= 2 ? shape[1] : d;
    ctx.contentType("image/png").result(png(samples, n, h, w));
  }

  private void complete(Context ctx) throws IOException {
    ServedRun run = catalog.run(ctx.pathParam("name"));
    ObjectNode body;
    try {
      body = (ObjectNode) JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException | ClassCastException e) {
      throw new RequestRows.BadRequest("expected a JSON object {\"rows\": [[...]], \"observe\":"
          + " \"top-half\"}");
    }
    if (body == null || !body.has("rows")) {
      throw new RequestRows.BadRequest("the JSON object needs \"rows\"");
    }
    int[] shape = run.itemShape();
    RequestRows.Rows rows = RequestRows.parse(JSON.writeValueAsBytes(body.get("rows")),
        "application/json", shape, run.preprocessing().expectsBytePixels(), MAX_SAMPLES);
    String observe = body.has("observe") ? body.get("observe").asText() : "top-half";
    long seed = body.has("seed") ? body.get("seed").asLong() : 1;
    int sweeps = body.has("sweeps") ? body.get("sweeps").asInt()
        : io.dgm4j.sampling.GibbsCompletion.DEFAULT_SWEEPS;
    if (sweeps < 0 || sweeps > 1000) {
      throw new RequestRows.BadRequest("sweeps must be in 0..1000, got " + sweeps);
    }
    int h = shape.length >= 2 ? shape[0] : 1;
    int w = shape.length >= 2 ? shape[1] : ModelRegistry.product(shape);
    float[] mask = new float[h * w];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = switch (observe) {
        case "top-half" -> i / w < h / 2 ? 1 : 0;
        case "left-half" -> i % w < w / 2 ? 1 : 0;
        default -> throw new RequestRows.BadRequest("observe must be top-half or left-half, got "
            + observe);
      };
    }
    ServedRun.Completion c = run.complete(rows.values(), rows.count(), mask, seed, sweeps);
    ObjectNode o = JSON.createObjectNode();
    o.put("run", run.name());
    o.put("observe", observe);
    o.put("method", c.method());
    ArrayNode out = o.putArray("completions");
    int d = c.rows().length / rows.count();
    for (int i = 0; i < rows.count(); i++) {
      ArrayNode row = out.addArray();
      for (int j = 0; j < d; j++) {
        row.add(c.rows()[i * d + j]);
      }
    }
    json(ctx, o);
  }

  private static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return fallback;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new RequestRows.BadRequest(name + " must be an integer in " + min + ".." + max
          + ", got " + v);
    }
  }

  private static byte[] png(float[] values, int n, int h, int w) throws IOException {
    Path tmp = Files.createTempFile("dgm-samples", ".png");
    try {
      ImageGrid.write(tmp, values, n, h, w, 3);
      return Files.readAllBytes(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void json(Context ctx, Object value) throws IOException {
    ctx.contentType("application/json").result(JSON.writeValueAsString(value));
  }

  private static void error(Context ctx, int status, Exception e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("error", e.getMessage() == null ? "error" : e.getMessage());
    o.put("status", status);
    ctx.status(status).contentType("application/json").result(o.toString());
  }

  private static void resource(Context ctx, String name, String type) {
    try (InputStream in = DgmServer.class.getResourceAsStream("web/" + name)) {
      if (in == null) {
        throw new RunCatalog.NotFound("no " + name);
      }
      ctx.contentType(type).result(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
