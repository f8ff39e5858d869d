package io.dgm4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A minimal reader of tar archives (enough for npm tarballs): a sequence of 512-byte headers,
 * each followed by the entry's content padded to a multiple of 512 bytes, ended by a zero
 * block. From a header it uses the name (bytes 0-99, plus the ustar prefix at 345-499), the
 * octal size (124-135), the checksum (148-155, verified) and the type flag (156); pax extended
 * headers ({@code x}) and GNU long names ({@code L}) supply long paths. Only regular files are
 * passed on; directories, links and other entries are skipped.
 */
final class TarReader {
  private static final int BLOCK = 512;

  /** Receives each regular file; {@code content} ends at the entry's end and need not be read. */
  interface EntryHandler {
    void onFile(String path, long size, InputStream content) throws IOException;
  }

  private TarReader() {}

  /**
   * Reads the tar stream {@code in} (e.g. a GZIPInputStream) to its end, passing each regular
   * file to {@code handler}; {@code archive} names the archive in errors.
   */
  static void read(Path archive, InputStream in, EntryHandler handler) throws IOException {
    byte[] header = new byte[BLOCK];
    String longName = null;
    while (true) {
      int got = in.readNBytes(header, 0, BLOCK);
      if (got == 0 || (got == BLOCK && isZero(header))) {
        return;
      }
      if (got < BLOCK) {
        throw new DataException(archive, "truncated tar header (" + got + " of 512 bytes)");
      }
      verifyChecksum(archive, header);
      long size = octal(archive, header, 124, 12);
      char type = (char) header[156];
      String name = longName != null ? longName : headerName(header);
      longName = null;
      BoundedInputStream content = new BoundedInputStream(archive, in, size);
      if (type == 'x' || type == 'L') {
        String meta = new String(content.readAllBytes(), StandardCharsets.UTF_8);
        longName = type == 'L' ? meta.split("\0", 2)[0] : paxPath(meta);
      } else if (type == '0' || type == '\0') {
        handler.onFile(name, size, content);
      }
      content.skipToEnd();
      long padding = (BLOCK - size % BLOCK) % BLOCK;
      if (in.readNBytes(header, 0, (int) padding) < padding) {
        return; // some writers omit the last padding and end-of-archive blocks
      }
    }
  }

  private static String headerName(byte[] h) {
    String name = text(h, 0, 100);
    boolean ustar = text(h, 257, 5).equals("ustar");
    String prefix = ustar ? text(h, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** The {@code path} record of a pax header ("LEN path=VALUE\n" records), or null. */
  private static String paxPath(String records) {
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 6);
      }
    }
    return null;
  }

  private static void verifyChecksum(Path archive, byte[] h) {
    long stored = octal(archive, h, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xFF);
    }
    if (sum != stored) {
      throw new DataException(archive, "corrupt tar header for '" + headerName(h)
          + "': checksum " + stored + " but header sums to " + sum);
    }
  }

  private static long octal(Path archive, byte[] h, int at, int length) {
    long value = 0;
    int i = at;
    int end = at + length;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) {
      value = value * 8 + (h[i] - '0');
    }
    for (; i < end; i++) {
      if (h[i] != ' ' && h[i] != 0) {
        throw new DataException(archive, "corrupt tar header: bad octal number at byte " + at);
      }
    }
    return value;
  }

  private static String text(byte[] h, int at, int length) {
    int end = at;
    while (end < at + length && h[end] != 0) {
      end++;
    }
    return new String(h, at, end - at, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** The next {@code remaining} bytes of the archive; closing it does not close the archive. */
  private static final class BoundedInputStream extends InputStream {
    private final Path archive;
    private final InputStream in;
    private long remaining;

    BoundedInputStream(Path archive, InputStream in, long size) {
      this.archive = archive;
      this.in = in;
      this.remaining = size;
    }

    @Override
    public int read() throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int b = in.read();
      if (b < 0) {
        throw truncated();
      }
      remaining--;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int n = in.read(buffer, offset, (int) Math.min(length, remaining));
      if (n < 0) {
        throw truncated();
      }
      remaining -= n;
      return n;
    }

    @Override
    public void close() {}

    void skipToEnd() throws IOException {
      byte[] sink = new byte[8192];
      while (remaining > 0) {
        read(sink, 0, sink.length);
      }
    }

    private DataException truncated() {
      return new DataException(archive, "truncated tar entry: " + remaining + " bytes missing");
    }
  }
}
