package io.dgm4j.cli;

import io.dgm4j.engine.Engines;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dgm} command: train, evaluate, sample and score deep generative models. Every
 * command and subcommand answers {@code --help} and {@code -h} (inherited from here).
 */
@Command(name = "dgm", mixinStandardHelpOptions = true, version = "dgm4j 0.1.0",
    scope = CommandLine.ScopeType.INHERIT,
    description = "Deep generative models for the JVM: learn p(x) from data, then sample,"
        + " score and complete.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:error (a message names the file or option)",
        "2:usage error (bad or missing option)", "3:the training loss became NaN or infinite"},
    subcommands = {DataCommand.class, ModelsCommand.class, TrainCommand.class,
        EvalCommand.class, SampleCommand.class, CompleteCommand.class, ScoreCommand.class,
        FiltersCommand.class, BenchCommand.class, EmbedCommand.class, ProbeCommand.class,
        PicturesCommand.class, ServeCommand.class, SparkScoreCommand.class, OodCommand.class,
        ClassifyCommand.class, RunsCommand.class,
        CommandLine.HelpCommand.class})
public final class Dgm implements Runnable {

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
      commandLine.getErr().println("dgm: error: " + (isOutOfMemory(shown) ? OUT_OF_MEMORY
          : shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage()));
      if (debug) {
        e.printStackTrace(commandLine.getErr());
      }
      commandLine.getErr().flush();
      return e instanceof io.dgm4j.training.NonFiniteLossException ? 3 : 1;
    });
    cli.setParameterExceptionHandler((e, badArgs) -> {
      CommandLine c = e.getCommandLine();
      String name = c.getCommandSpec().qualifiedName();
      c.getErr().println(name + ": " + e.getMessage().strip().replace("\n", " ")
          + " (see " + name + " --help)");
      c.getErr().flush();
      return 2;
    });
    int code;
    try {
      code = cli.execute(args);
    } catch (OutOfMemoryError e) {
      err.println("dgm: error: " + OUT_OF_MEMORY);
      code = 1;
    }
    out.flush();
    err.flush();
    return code;
  }

  /** What a user is told when memory runs out, in the JVM or in the engine's allocator. */
  static final String OUT_OF_MEMORY = "out of memory: this command needs more than the JVM"
      + " (-Xmx8g unless DGM_JAVA_OPTS says otherwise) or the machine can give it. Use a smaller"
      + " --batch-size or a smaller model (--set), or allow the JVM more, e.g."
      + " DGM_JAVA_OPTS=-Xmx16g ./dgm ...";

  /**
   * Whether {@code problem} is running out of memory: the JVM's {@link OutOfMemoryError}, or
   * PyTorch's CPU allocator refusing a tensor (its message says "can't allocate memory").
   */
  static boolean isOutOfMemory(Throwable problem) {
    for (Throwable t = problem; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError
          || t.getMessage() != null && t.getMessage().contains("can't allocate memory")) {
        return true;
      }
    }
    return false;
  }

  public static void main(String[] args) {
    int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    System.exit(code);
  }
}
