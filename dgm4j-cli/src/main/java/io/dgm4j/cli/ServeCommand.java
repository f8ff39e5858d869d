package io.dgm4j.cli;

import io.dgm4j.serve.DgmServer;
import io.dgm4j.serve.RunCatalog;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Serves the runs of a folder over HTTP: a JSON API and a web page. */
@Command(name = "serve", description = {
    "Serve every run folder under --runs: a JSON API (score, sample, complete; /openapi.json)"
        + " and a web page with loss curves, samples and a drop zone for scoring an image.",
    "Binds 127.0.0.1 unless --host says otherwise. Stop with Ctrl-C."})
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--runs", required = true, paramLabel = "DIR",
      description = "The folder whose subfolders are runs (e.g. runs/).")
  Path runs;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
      description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0"
          + " for every interface).")
  String host;

  @Option(names = "--max-request-bytes", defaultValue = "8388608", paramLabel = "N",
      description = "Largest request body accepted; larger ones get 413 (default:"
          + " ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(names = "--reference-examples", defaultValue = "2000", paramLabel = "N",
      description = "Test examples whose scores give each score's percentile (default:"
          + " ${DEFAULT-VALUE}).")
  int referenceExamples;

  @Mixin Options.DataDir dataDir;

  @Mixin Options.Engine engine;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw Options.usage(spec, "--port must be in 0..65535, got " + port);
    }
    if (maxRequestBytes < 1 || referenceExamples < 1) {
      throw Options.usage(spec, "--max-request-bytes and --reference-examples must be"
          + " positive");
    }
    if (!java.nio.file.Files.isDirectory(runs)) {
      throw Options.usage(spec, "--runs " + runs + " is not a folder; give the folder whose"
          + " subfolders are runs, e.g. runs/");
    }
    RunCatalog catalog = new RunCatalog(runs, dataDir.home(), referenceExamples,
        io.dgm4j.engine.Engines.device(engine.device));
    DgmServer server = new DgmServer(catalog, maxRequestBytes).start(host, port);
    var out = spec.commandLine().getOut();
    out.printf("serving %d runs from %s at http://%s:%d/ (API: /api/runs, /openapi.json)%n",
        catalog.names().size(), runs, host.contains(":") ? "[" + host + "]" : host,
        server.port());
    out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stop.countDown();
    }));
    stop.await();
    return 0;
  }
}
