package io.dgm4j.data;

import java.nio.file.Path;

/**
 * A problem with input data, reported as one line that names the file (or data source) and
 * the problem, e.g. {@code train-images-idx3-ubyte: truncated: header says 60000 images of
 * 28x28 but file holds 1234 bytes of pixel data}.
 *
 * <p>The message is meant for users as it stands: a command-line tool prints
 * {@link #getMessage()} and no stack trace. Line breaks in the message are replaced by spaces
 * so it always stays on one line.
 */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A problem with {@code source} (a file name, a directory or a data set name). */
  public DataException(String source, String problem) {
    super(oneLine(source + ": " + problem));
  }

  /** A problem with {@code file}, named as the caller gave it. */
  public DataException(Path file, String problem) {
    this(String.valueOf(file), problem);
  }

  /** As {@link #DataException(Path, String)}, keeping the I/O error that caused it. */
  public DataException(Path file, String problem, Throwable cause) {
    super(oneLine(file + ": " + problem), cause);
  }

  private static String oneLine(String message) {
    return message.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }
}
