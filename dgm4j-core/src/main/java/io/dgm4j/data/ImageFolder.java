package io.dgm4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A folder of pictures as a data source: 8-bit pixels (0..255), item shape {@code (H, W)} for
 * grey or {@code (H, W, 3)} for RGB (channel-last), one example per readable file.
 *
 * <p><b>Layouts.</b> Pictures directly in the folder (no labels); or one subfolder per class
 * ({@code photos/cat/*.jpg}, {@code photos/dog/*.png}; labels are the subfolder names, sorted,
 * numbered from 0; pictures deeper inside a class folder belong to that class); or a
 * {@code train/} and {@code test/} pair of such folders, used as the split. Without the pair,
 * a seeded 90/10 split: the readable files, sorted by path, are shuffled with the split seed
 * and the first {@code max(1, n / 10)} are the test set. Training examples come in that
 * shuffled order (with a pair too), so a validation set cut from their end is a random subset;
 * test examples come in path order. Hidden files and folders (names
 * starting with a dot) are skipped; files whose suffix ImageIO does not read are ignored and
 * counted.
 *
 * <p><b>Size and channels.</b> Without a size every picture must have the same size; with one,
 * each is centre-cropped and resized as {@link ImageTransform} describes. Channels default to
 * 1 when every file is stored as grey (grey colour space or a palette of greys), else 3.
 *
 * <p><b>Cache</b> ({@link PictureCache}). Pictures are decoded once, one at a time, into
 * {@code .dgm4j-cache/} in the folder (or, when the folder cannot hold it, under the given
 * fallback folder): a raw file of {@code N x H x W x C} bytes and a JSON manifest with every
 * file's path, size and modification time. A later load whose listing, sizes and times all
 * match reads the raw file instead of decoding; any change decodes again. The data sets are
 * read {@linkplain Dataset#onDemand on demand} from the raw file, a row at a time, so the Java
 * heap never holds the decoded folder (the operating system's page cache keeps the file's hot
 * parts in memory).
 *
 * <p><b>Bad files.</b> A file that cannot be decoded is skipped and listed in
 * {@link Images#skipped()}; with {@code strict} it is an error naming it.
 */
public final class ImageFolder {
  /** The default seed of the 90/10 split, recorded in every run that uses it. */
  public static final long DEFAULT_SPLIT_SEED = 20261122L;
  /** The cache folder inside an image folder. */
  public static final String CACHE_FOLDER = ".dgm4j-cache";

  private ImageFolder() {}

  /**
   * How to read a folder.
   *
   * @param height target height, 0 to keep the pictures' own (then all must agree)
   * @param width target width, 0 with height 0
   * @param channels 1 (grey) or 3 (RGB), 0 to follow the data
   * @param strict refuse unreadable files instead of skipping them
   * @param splitSeed seed of the 90/10 split when there is no train/test pair
   */
  public record Options(int height, int width, int channels, boolean strict, long splitSeed) {
    public Options {
      if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
        throw new IllegalArgumentException("image size must be positive, got " + height + "x"
            + width);
      }
      if (channels != 0 && channels != 1 && channels != 3) {
        throw new IllegalArgumentException("--channels must be 1 (grey) or 3 (RGB), got "
            + channels);
      }
    }

    /**
     * The options a run recorded ({@link Images#record()} in its run.json): the size and
     * channels the pictures were read at, its strictness and split seed; the defaults when
     * {@code record} is missing (a run on another source).
     */
    public static Options fromRecord(JsonNode record) {
      if (record == null || record.isMissingNode() || record.isNull()) {
        return defaults();
      }
      return new Options(record.path("height").asInt(), record.path("width").asInt(),
          record.path("channels").asInt(), record.path("strict").asBoolean(),
          record.path("split_seed").asLong(DEFAULT_SPLIT_SEED));
    }

    /** Pictures at their own size, channels following the data, bad files skipped. */
    public static Options defaults() {
      return new Options(0, 0, 0, false, DEFAULT_SPLIT_SEED);
    }

    /** These options with the size parsed from {@code S} (square) or {@code HxW}. */
    public Options withSize(String size) {
      int[] hw = parseSize(size);
      return new Options(hw[0], hw[1], channels, strict, splitSeed);
    }

    public Options withChannels(int c) {
      return new Options(height, width, c, strict, splitSeed);
    }

    public Options withStrict(boolean s) {
      return new Options(height, width, channels, s, splitSeed);
    }

    /** {@code HxW}, or {@code null} when pictures keep their own size. */
    public String sizeText() {
      return height == 0 ? null : height + "x" + width;
    }

    /** {@code {height, width}} from {@code "28"} or {@code "32x24"} (height first). */
    public static int[] parseSize(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      try {
        String[] parts = t.split("x", -1);
        if (parts.length == 1) {
          int s = Integer.parseInt(parts[0]);
          if (s > 0) {
            return new int[] {s, s};
          }
        } else if (parts.length == 2) {
          int h = Integer.parseInt(parts[0]);
          int w = Integer.parseInt(parts[1]);
          if (h > 0 && w > 0) {
            return new int[] {h, w};
          }
        }
      } catch (NumberFormatException ignored) {
        // fall through to the message
      }
      throw new IllegalArgumentException("--image-size must be a side (28) or HEIGHTxWIDTH"
          + " (32x24) in pixels, got '" + text + "'");
    }
  }

  /** Told how decoding advances (a progress bar in the command line). */
  public interface Progress {
    void start(String task, int total);

    void step();

    void end();

    Progress NONE = new Progress() {
      @Override
      public void start(String task, int total) {}

      @Override
      public void step() {}

      @Override
      public void end() {}
    };
  }

  /**
   * One file of the listing.
   *
   * @param path relative to the folder, with {@code /} separators
   * @param bytes size in bytes
   * @param modified modification time, milliseconds since the epoch
   * @param className its class subfolder, or {@code null}
   * @param testFolder true when it lies under {@code test/} of a train/test pair
   * @param width its own width (0 when unreadable)
   * @param height its own height
   * @param grey stored as grey
   * @param format the reader's format name ({@code png}, {@code jpeg}, ...)
   * @param problem why it was skipped, or {@code null} when it is in the data
   */
  public record FileEntry(String path, long bytes, long modified, String className,
      boolean testFolder, int width, int height, boolean grey, String format, String problem) {
    boolean sameFile(FileEntry o) {
      return path.equals(o.path) && bytes == o.bytes && modified == o.modified
          && java.util.Objects.equals(className, o.className) && testFolder == o.testFolder;
    }

    FileEntry withHeader(int w, int h, boolean g, String f, String why) {
      return new FileEntry(path, bytes, modified, className, testFolder, w, h, g, f, why);
    }
  }

  /** A skipped file and why. */
  public record Skipped(String path, String reason) {}

  /**
   * A folder's pictures as data.
   *
   * @param root the folder
   * @param options how it was read
   * @param layout {@code flat}, {@code classes}, {@code train/test} or
   *     {@code train/test classes}
   * @param classes the class names in label order (empty without class subfolders)
   * @param splitSeed the seed of the 90/10 split, or {@code null} for a train/test pair (the
   *     order of training examples follows {@code options.splitSeed()} in both cases)
   * @param files every listed picture file, readable or not, sorted by path
   * @param trainPaths the path of each training example, in data set order
   * @param testPaths the path of each test example, in data set order
   * @param ignoredFiles files whose suffix no reader knows
   * @param cacheFile the raw cache file the data came from
   * @param fromCache true when nothing had to be decoded
   */
  public record Images(Path root, Options options, String layout, List<String> classes,
      int height, int width,
      int channels, Long splitSeed, Dataset train, Dataset test, List<FileEntry> files,
      List<String> trainPaths, List<String> testPaths, int ignoredFiles, Path cacheFile,
      boolean fromCache) {

    /** The files that were skipped, in path order. */
    public List<Skipped> skipped() {
      return files.stream().filter(f -> f.problem() != null)
          .map(f -> new Skipped(f.path(), f.problem())).toList();
    }

    /**
     * SHA-256 of the readable files' paths, one a line in path order: what the split was drawn
     * from, recorded in a run to notice a folder that changed since.
     */
    public String readableDigest() {
      StringBuilder sb = new StringBuilder();
      files.stream().filter(f -> f.problem() == null).forEach(f -> sb.append(f.path())
          .append('\n'));
      return Digests.sha256HexOfText(sb.toString());
    }

    /**
     * What a run records of these pictures (run.json's {@code data.images}): layout, the size
     * and channels read, the filter, strictness, split and its seed, file counts, a digest of
     * the readable files and the class names; {@link Options#fromRecord} reads it back.
     */
    public ObjectNode record() {
      ObjectNode i = new ObjectMapper().createObjectNode();
      i.put("layout", layout);
      i.put("height", height);
      i.put("width", width);
      i.put("channels", channels);
      i.put("resize", ImageTransform.FILTER);
      i.put("strict", options.strict());
      i.put("split", splitSeed != null ? "seeded 90/10" : "train/ and test/ folders");
      i.put("split_seed", options.splitSeed()); // also orders the training examples
      i.put("files", files.size());
      i.put("skipped", skipped().size());
      i.put("readable", train.size() + test.size());
      i.put("readable_sha256", readableDigest());
      ArrayNode names = i.putArray("classes");
      classes.forEach(names::add);
      return i;
    }

    /** Item shape of one example: {@code (H, W)} or {@code (H, W, 3)}. */
    public int[] itemShape() {
      return shape(height, width, channels);
    }
  }

  /** True when {@code dir} holds picture files directly or up to three folders down. */
  public static boolean containsImages(Path dir) {
    Set<String> suffixes = ImageDecoder.suffixes();
    try (Stream<Path> s = Files.walk(dir, 4)) {
      return s.anyMatch(p -> Files.isRegularFile(p) && !hidden(dir, p) && isImage(p, suffixes));
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  /**
   * Reads {@code root} with {@code options}, from its cache when that is current.
   *
   * @param fallbackCache where caches go when {@code root} is read-only (one subfolder per
   *     image folder, named by a hash of its absolute path)
   */
  public static Images load(Path root, Options options, Path fallbackCache, Progress progress) {
    Listing listing = list(root);
    String key = cacheKey(options.height(), options.width(), options.channels());
    List<Path> cacheDirs = List.of(root.resolve(CACHE_FOLDER),
        fallbackCache.resolve(Digests.sha256HexOfText(root.toAbsolutePath().normalize().toString())
            .substring(0, 16)));
    // a decoding at the pictures' own size or with the channels the data chose is the same
    // bytes when it came out at the size and channels asked for now (eval after train)
    List<String> keys = new ArrayList<>(List.of(key));
    for (int[] alt : new int[][] {{0, 0, options.channels()}, {options.height(),
        options.width(), 0}, {0, 0, 0}}) {
      String k = cacheKey(alt[0], alt[1], alt[2]);
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    PictureCache.Decoded decoded = null;
    for (String k : keys) {
      for (Path dir : cacheDirs) {
        PictureCache.Decoded d = PictureCache.read(dir.resolve(k + ".json"),
            dir.resolve(k + ".bin"), listing);
        if (d != null && (options.height() == 0 || (d.height() == options.height()
            && d.width() == options.width()))
            && (options.channels() == 0 || d.channels() == options.channels())) {
          decoded = d;
          break;
        }
      }
      if (decoded != null) {
        break;
      }
    }
    boolean fromCache = decoded != null;
    if (decoded == null) {
      decoded = PictureCache.decode(root, listing, options, cacheDirs, key, progress);
    }
    List<FileEntry> bad = decoded.files().stream().filter(f -> f.problem() != null).toList();
    if (options.strict() && !bad.isEmpty()) {
      throw new DataException(root.resolve(bad.get(0).path()), bad.get(0).problem() + "; "
          + bad.size() + " unreadable picture" + (bad.size() == 1 ? "" : "s") + " in " + root
          + " (--strict refuses them; without it they are skipped)");
    }
    return split(root, listing, decoded, options, fromCache);
  }

  /** The cache file name for a size ({@code 0}: the pictures' own) and channels (0: auto). */
  private static String cacheKey(int height, int width, int channels) {
    return "images-" + (height == 0 ? "own-size" : height + "x" + width) + "-"
        + (channels == 0 ? "auto" : channels + "ch");
  }

  // ---------------------------------------------------------------------------------------
  // Listing

  /** The folder's picture files, sorted by path, with the layout they imply. */
  record Listing(String layout, List<FileEntry> files, int ignored) {}

  private static Listing list(Path root) {
    if (!Files.isDirectory(root)) {
      throw new DataException(root, "no such folder");
    }
    Set<String> suffixes = ImageDecoder.suffixes();
    Path train = root.resolve("train");
    Path test = root.resolve("test");
    int[] ignored = {0};
    if (Files.isDirectory(train) && Files.isDirectory(test)) {
      Part tr = part(root, train, false, suffixes, ignored);
      Part te = part(root, test, true, suffixes, ignored);
      if (tr.files.isEmpty() || te.files.isEmpty()) {
        throw new DataException(tr.files.isEmpty() ? train : test, "holds no pictures ("
            + String.join(", ", suffixes) + "); a train/ and test/ pair needs pictures in both");
      }
      if (tr.classes != te.classes) {
        throw new DataException(root, "train/ " + (tr.classes ? "uses" : "does not use")
            + " class subfolders but test/ " + (te.classes ? "does" : "does not")
            + ": use class subfolders in both or in neither");
      }
      if (tr.classes) {
        Set<String> known = new TreeSet<>();
        tr.files.forEach(f -> known.add(f.className()));
        for (FileEntry f : te.files) {
          if (!known.contains(f.className())) {
            throw new DataException(test.resolve(f.className()), "is a class with no"
                + " training pictures (no train/" + f.className() + "): add them or remove"
                + " the folder");
          }
        }
      }
      List<FileEntry> all = new ArrayList<>(tr.files);
      all.addAll(te.files);
      all.sort((a, b) -> a.path().compareTo(b.path()));
      return new Listing(tr.classes ? "train/test classes" : "train/test", all, ignored[0]);
    }
    Part p = part(root, root, false, suffixes, ignored);
    if (p.files.isEmpty()) {
      throw new DataException(root, emptyOrNoImages(root, suffixes));
    }
    return new Listing(p.classes ? "classes" : "flat", p.files, ignored[0]);
  }

  private record Part(List<FileEntry> files, boolean classes) {}

  /** Pictures directly in {@code dir}, or in its class subfolders (not both). */
  private static Part part(Path root, Path dir, boolean testFolder, Set<String> suffixes,
      int[] ignored) {
    List<FileEntry> direct = new ArrayList<>();
    List<FileEntry> inClasses = new ArrayList<>();
    for (Path p : children(dir)) {
      if (p.getFileName().toString().startsWith(".")) {
        continue;
      }
      if (Files.isDirectory(p)) {
        String className = p.getFileName().toString();
        try (Stream<Path> walk = Files.walk(p)) {
          for (Path f : (Iterable<Path>) walk.sorted()::iterator) {
            if (Files.isRegularFile(f) && !hidden(p, f)) {
              if (isImage(f, suffixes)) {
                inClasses.add(entry(root, f, className, testFolder));
              } else {
                ignored[0]++;
              }
            }
          }
        } catch (IOException | UncheckedIOException e) {
          throw new DataException(p, "cannot list: " + reason(e));
        }
      } else if (Files.isRegularFile(p)) {
        if (isImage(p, suffixes)) {
          direct.add(entry(root, p, null, testFolder));
        } else {
          ignored[0]++;
        }
      }
    }
    if (!direct.isEmpty() && !inClasses.isEmpty()) {
      throw new DataException(dir, "holds " + direct.size() + " pictures directly and "
          + inClasses.size() + " in subfolders: put every picture in a class subfolder (the"
          + " subfolder names become labels) or all of them directly in the folder (no labels)");
    }
    List<FileEntry> files = direct.isEmpty() ? inClasses : direct;
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return new Part(files, direct.isEmpty() && !inClasses.isEmpty());
  }

  private static FileEntry entry(Path root, Path file, String className, boolean testFolder) {
    try {
      String rel = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(),
          "/");
      return new FileEntry(rel, Files.size(file), Files.getLastModifiedTime(file).toMillis(),
          className, testFolder, 0, 0, false, null, null);
    } catch (IOException e) {
      throw new DataException(file, "cannot read its size: " + reason(e));
    }
  }

  private static List<Path> children(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new DataException(dir, "cannot list: " + reason(e));
    }
  }

  private static String emptyOrNoImages(Path root, Set<String> suffixes) {
    boolean empty = children(root).stream()
        .allMatch(p -> p.getFileName().toString().startsWith("."));
    return (empty ? "is empty" : "holds no pictures") + ": put pictures ("
        + String.join(", ", suffixes) + ") in it, or in one subfolder per class";
  }

  private static boolean isImage(Path p, Set<String> suffixes) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && suffixes.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** A path with a hidden (dot) component below {@code base}. */
  private static boolean hidden(Path base, Path p) {
    for (Path part : base.relativize(p)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------
  // Splitting

  private static Images split(Path root, Listing listing, PictureCache.Decoded d,
      Options options,
      boolean fromCache) {
    List<FileEntry> readable = d.files().stream().filter(f -> f.problem() == null).toList();
    int n = readable.size();
    boolean pair = listing.layout.startsWith("train/test");
    if (!pair && n < 2) {
      throw new DataException(root, "needs at least 2 readable pictures to split into"
          + " training and test sets, has " + n);
    }
    // one seeded permutation: its first tenth is the test set (without a train/test pair), and
    // training examples follow its order, so that a validation set taken from their end is a
    // random subset rather than the last class folders
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(options.splitSeed());
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    boolean[] isTest = new boolean[n];
    int testCount = 0;
    if (pair) {
      for (int i = 0; i < n; i++) {
        isTest[i] = readable.get(i).testFolder();
        testCount += isTest[i] ? 1 : 0;
      }
      if (testCount == 0 || testCount == n) {
        throw new DataException(root.resolve(testCount == 0 ? "test" : "train"), "has no"
            + " readable pictures left after skipping the unreadable ones");
      }
    } else {
      testCount = Math.max(1, n / 10);
      for (int i = 0; i < testCount; i++) {
        isTest[order[i]] = true;
      }
    }
    // row of each file in its set: training rows in permutation order, test rows in path order
    int[] row = new int[n];
    int trainRows = 0;
    for (int k = 0; k < n; k++) {
      if (!isTest[order[k]]) {
        row[order[k]] = trainRows++;
      }
    }
    int testRows = 0;
    for (int i = 0; i < n; i++) {
      if (isTest[i]) {
        row[i] = testRows++;
      }
    }
    List<String> classes = List.copyOf(new TreeSet<>(readable.stream()
        .filter(f -> !f.testFolder()).map(FileEntry::className)
        .filter(java.util.Objects::nonNull).toList()));
    Map<String, Integer> labelOf = new LinkedHashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      labelOf.put(classes.get(i), i);
    }
    int dim = d.height() * d.width() * d.channels();
    boolean labelled = !classes.isEmpty();
    int[] trainLabels = labelled ? new int[trainRows] : null;
    int[] testLabels = labelled ? new int[testRows] : null;
    int[] trainFileRows = new int[trainRows]; // row of the raw file for each training example
    int[] testFileRows = new int[testRows];
    String[] trainPaths = new String[trainRows];
    String[] testPaths = new String[testRows];
    for (int i = 0; i < n; i++) {
      FileEntry f = readable.get(i);
      (isTest[i] ? testFileRows : trainFileRows)[row[i]] = i;
      if (labelled) {
        (isTest[i] ? testLabels : trainLabels)[row[i]] = labelOf.get(f.className());
      }
      (isTest[i] ? testPaths : trainPaths)[row[i]] = f.path();
    }
    PictureCache.RawRows raw = new PictureCache.RawRows(d.raw(), dim, n);
    int[] shape = shape(d.height(), d.width(), d.channels());
    String name = root.toAbsolutePath().normalize().getFileName() + "";
    Dataset train = Dataset.onDemand(name + " (training pictures)", trainRows, shape,
        trainLabels, (example, out, offset) -> raw.read(trainFileRows[example], out, offset));
    Dataset test = Dataset.onDemand(name + " (test pictures)", testRows, shape, testLabels,
        (example, out, offset) -> raw.read(testFileRows[example], out, offset));
    return new Images(root, options, listing.layout, classes, d.height(), d.width(), d.channels(),
        pair ? null : options.splitSeed(), train, test, d.files(), List.of(trainPaths),
        List.of(testPaths), listing.ignored, d.raw(), fromCache);
  }

  static int[] shape(int height, int width, int channels) {
    return channels == 1 ? new int[] {height, width} : new int[] {height, width, channels};
  }

  static String reason(Throwable e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    return e == null || e.getMessage() == null ? "input/output error" : e.getMessage();
  }
}
