package io.dgm4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.ImageFolder.FileEntry;
import io.dgm4j.data.ImageFolder.Listing;
import io.dgm4j.data.ImageFolder.Options;
import io.dgm4j.data.ImageFolder.Progress;
import io.dgm4j.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decoded pictures of an {@link ImageFolder}: decoding them, one at a time, into a raw file
 * of {@code N x H x W x C} bytes with a JSON manifest of every file's path, size, modification
 * time, header and problem; finding that decoding again when the folder's listing still
 * matches; and reading rows of the raw file back as floats when a data set needs them.
 */
final class PictureCache {
  private static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private PictureCache() {}

  /** The decoded files (with headers and problems) and the raw file holding the readable ones. */
  record Decoded(List<FileEntry> files, int height, int width, int channels, Path raw) {}

  static Decoded decode(Path root, Listing listing, Options options, List<Path> cacheDirs,
      String key, Progress progress) {
    // 1. headers: sizes, grey or colour, and files that cannot even be opened
    List<FileEntry> files = new ArrayList<>(listing.files().size());
    for (FileEntry f : listing.files()) {
      try {
        ImageDecoder.Header h = ImageDecoder.header(root.resolve(f.path()));
        files.add(f.withHeader(h.width(), h.height(), h.grey(), h.format(), null));
      } catch (ImageDecoder.Unreadable e) {
        files.add(f.withHeader(0, 0, false, null, e.getMessage()));
      }
    }
    List<FileEntry> readable = files.stream().filter(f -> f.problem() == null).toList();
    if (readable.isEmpty()) {
      throw new DataException(root, "none of its " + files.size() + " picture files can be"
          + " read (first: " + files.get(0).path() + ": " + files.get(0).problem() + ")");
    }
    int height = options.height();
    int width = options.width();
    if (height == 0) {
      Map<String, List<FileEntry>> bySize = new TreeMap<>();
      readable.forEach(f -> bySize.computeIfAbsent(f.width() + "x" + f.height(),
          k -> new ArrayList<>()).add(f));
      if (bySize.size() > 1) {
        StringBuilder sizes = new StringBuilder();
        bySize.forEach((size, list) -> sizes.append(sizes.length() == 0 ? "" : ", ")
            .append(size).append(" (").append(list.size()).append(", e.g. ")
            .append(list.get(0).path()).append(')'));
        throw new DataException(root, "pictures of different sizes (width x height: " + sizes
            + "): pass --image-size S or HEIGHTxWIDTH to centre-crop and resize them all");
      }
      height = readable.get(0).height();
      width = readable.get(0).width();
    }
    int channels = options.channels() != 0 ? options.channels()
        : readable.stream().allMatch(FileEntry::grey) ? 1 : 3;
    // 2. pixels, one picture at a time, straight into the raw cache file
    int h = height;
    int w = width;
    int d = h * w * channels;
    List<FileEntry> done = new ArrayList<>(files.size());
    AtomicFiles.Writer body = out -> {
      byte[] bytes = new byte[d];
      progress.start("decoding " + root.getFileName(), readable.size());
      try {
        for (FileEntry f : files) {
          if (f.problem() != null) {
            done.add(f);
            continue;
          }
          try {
            ImageDecoder.Picture p = ImageDecoder.read(root.resolve(f.path()), channels);
            if (p.width() != f.width() || p.height() != f.height()) {
              throw new ImageDecoder.Unreadable("damaged: its header says " + f.width() + "x"
                  + f.height() + " but it decodes to " + p.width() + "x" + p.height());
            }
            int[] s = ImageTransform.cropAndResize(p.samples(), p.width(), p.height(), channels,
                w, h);
            for (int i = 0; i < d; i++) {
              bytes[i] = (byte) s[i];
            }
            out.write(bytes);
            done.add(f);
          } catch (ImageDecoder.Unreadable e) {
            done.add(f.withHeader(f.width(), f.height(), f.grey(), f.format(), e.getMessage()));
          }
          progress.step();
        }
      } finally {
        progress.end();
      }
    };
    UncheckedIOException failure = null;
    for (Path dir : cacheDirs) {
      done.clear();
      Path raw = dir.resolve(key + ".bin");
      try {
        AtomicFiles.write(raw, body);
        Decoded decoded = new Decoded(List.copyOf(done), h, w, channels, raw);
        writeManifest(dir.resolve(key + ".json"), decoded, listing);
        return decoded;
      } catch (UncheckedIOException e) {
        failure = e; // e.g. a read-only folder: try the next place
      }
    }
    throw new DataException(cacheDirs.get(cacheDirs.size() - 1), "cannot write the decoded"
        + " pictures: " + ImageFolder.reason(failure.getCause())
        + " (pass --data-dir with a writable"
        + " folder)");
  }

  private static void writeManifest(Path file, Decoded d, Listing listing) {
    ObjectNode m = JSON.createObjectNode();
    m.put("format", FORMAT);
    m.put("filter", ImageTransform.FILTER);
    m.put("layout", listing.layout());
    m.put("height", d.height);
    m.put("width", d.width);
    m.put("channels", d.channels);
    m.put("raw", d.raw.getFileName().toString());
    ArrayNode files = m.putArray("files");
    for (FileEntry f : d.files()) {
      files.add(JSON.valueToTree(f));
    }
    AtomicFiles.write(file, out -> JSON.writeValue(out, m));
  }

  /** The cached decoding when the manifest matches the listing exactly, else {@code null}. */
  static Decoded read(Path manifest, Path raw, Listing listing) {
    if (!Files.isRegularFile(manifest) || !Files.isRegularFile(raw)) {
      return null;
    }
    try {
      JsonNode m = JSON.readTree(manifest.toFile());
      if (m.path("format").asInt() != FORMAT
          || !ImageTransform.FILTER.equals(m.path("filter").asText())
          || !listing.layout().equals(m.path("layout").asText())) {
        return null;
      }
      List<FileEntry> files = new ArrayList<>();
      for (JsonNode f : m.path("files")) {
        files.add(JSON.treeToValue(f, FileEntry.class));
      }
      if (files.size() != listing.files().size()) {
        return null;
      }
      for (int i = 0; i < files.size(); i++) {
        if (!files.get(i).sameFile(listing.files().get(i))) {
          return null;
        }
      }
      int h = m.path("height").asInt();
      int w = m.path("width").asInt();
      int c = m.path("channels").asInt();
      long readable = files.stream().filter(f -> f.problem() == null).count();
      if (Files.size(raw) != readable * h * w * c) {
        return null;
      }
      return new Decoded(files, h, w, c, raw);
    } catch (IOException | RuntimeException e) {
      return null; // an unreadable manifest is no cache: decode again
    }
  }

  /**
   * Rows of 8-bit pixels read from the raw cache file when asked for, as floats 0..255: the
   * page cache, not the Java heap, holds the decoded pictures.
   */
  static final class RawRows {
    private final Path file;
    private final int dimension;
    private final FileChannel channel;

    RawRows(Path file, int dimension, int rows) {
      this.file = file;
      this.dimension = dimension;
      try {
        channel = FileChannel.open(file, StandardOpenOption.READ);
        if (channel.size() != (long) rows * dimension) {
          channel.close();
          throw new DataException(file, "holds " + channel.size() + " bytes, not " + rows
              + " pictures of " + dimension + ": delete it to decode the pictures again");
        }
      } catch (IOException e) {
        throw new DataException(file, "cannot read: " + ImageFolder.reason(e)
            + " (delete it to decode the"
            + " pictures again)");
      }
    }

    void read(int row, float[] out, int offset) {
      ByteBuffer bytes = ByteBuffer.allocate(dimension);
      long position = (long) row * dimension;
      try {
        while (bytes.hasRemaining()) {
          if (channel.read(bytes, position + bytes.position()) < 0) {
            throw new DataException(file, "ends early: delete it to decode the pictures again");
          }
        }
      } catch (IOException e) {
        throw new DataException(file, "cannot read: " + ImageFolder.reason(e)
            + " (delete it to decode"
            + " the pictures again)");
      }
      byte[] b = bytes.array();
      for (int k = 0; k < dimension; k++) {
        out[offset + k] = b[k] & 0xFF;
      }
    }
  }
}
