/**
 * The {@code dgm} command line (picocli).
 *
 * <p><b>Adding a command.</b> Write a {@code Callable<Integer>} annotated with
 * {@code @Command(name = ..., description = ...)} and list it in {@link io.dgm4j.cli.Dgm}'s
 * subcommands; {@code --help}/{@code -h} come from the root (inherited by every subcommand).
 * Take the shared options from {@link io.dgm4j.cli.Options} as mixins instead of declaring
 * them again, so each has one name, description and default everywhere:
 *
 * <pre>
 *   &#64;Mixin Options.Run run;            // --run DIR (required); run.folder
 *   &#64;Mixin Options.Data data;          // --data SPEC; data.required()
 *   &#64;Mixin Options.DataDir dataDir;    // --data-dir DIR; dataDir.home()
 *   &#64;Mixin Options.Engine engine;      // --threads N, --device NAME; engine.device
 *   &#64;Mixin Options.BatchSize batch;    // --batch-size N (default 100); batch.size
 *   &#64;Mixin Options.Seed seed;          // --seed S (default 1); seed.seed
 *   &#64;Mixin Options.Out out;            // --out PATH (required); out.path
 *   &#64;Mixin Options.Force force;        // --force
 * </pre>
 *
 * <p><b>Writing a file.</b> Pass the path through
 * {@code force.writable("--out", out.path, inputs)} before writing: it refuses to replace an
 * existing file without {@code --force} and never replaces one of the command's inputs (list
 * them: {@code loadedRun.inputFiles()} for a run's run.json, checkpoints and metrics,
 * {@code data.inputFiles(dataDir.home())} for the data read).
 *
 * <p><b>Errors.</b> A bad option value is a usage error: throw
 * {@code Options.usage(spec, "--name must be ..., got ...")} (exit code 2, one line naming the
 * option and the fix). Anything else a user can fix is an {@link IllegalArgumentException}
 * whose message names the file or option (exit code 1); never a class or library name.
 */
package io.dgm4j.cli;
