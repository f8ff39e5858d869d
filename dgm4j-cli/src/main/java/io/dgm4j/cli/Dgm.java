package io.dgm4j.cli;

import io.dgm4j.engine.Engines;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code dgm} command: train, evaluate, sample and score deep generative models. */
@Command(name = "dgm", mixinStandardHelpOptions = true, version = "dgm4j 0.1.0",
    description = "Deep generative models for the JVM: learn p(x) from data, then sample,"
        + " score and complete.",
    subcommands = {DataCommand.class, ModelsCommand.class, TrainCommand.class,
        EvalCommand.class, SampleCommand.class, CompleteCommand.class, ScoreCommand.class,
        FiltersCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Dgm implements Runnable {

  /** Options every command shares. */
  public static final class Common {
    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Where datasets live (default: $DGM_DATA or ./data).")
    Path dataDir;

    @Option(names = "--device", paramLabel = "NAME", defaultValue = "cpu",
        description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", paramLabel = "N",
        description = "Engine threads per operation (default: one per core).")
    void threads(int n) {
      Engines.threads(n);
    }

    Path dataHome() {
      if (dataDir != null) {
        return dataDir;
      }
      String env = System.getenv("DGM_DATA");
      return Path.of(env != null && !env.isBlank() ? env : "data");
    }
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and returns the exit code (0 ok, 1 error, 2 usage, 3 NaN loss). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    Engines.init();
    CommandLine cli = new CommandLine(new Dgm());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean debug = System.getenv("DGM_DEBUG") != null;
      Throwable shown = e;
      while (shown.getMessage() == null && shown.getCause() != null) {
        shown = shown.getCause();
      }
      commandLine.getErr().println("dgm: error: " + (shown.getMessage() == null
          ? shown.getClass().getSimpleName() : shown.getMessage()));
      if (debug) {
        e.printStackTrace(commandLine.getErr());
      }
      commandLine.getErr().flush();
      return e instanceof io.dgm4j.training.NonFiniteLossException ? 3 : 1;
    });
    cli.setParameterExceptionHandler((e, badArgs) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("dgm: " + e.getMessage());
      c.getErr().println("see: " + c.getCommandSpec().qualifiedName() + " --help");
      c.getErr().flush();
      return 2;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    System.exit(code);
  }
}
