package io.dgm4j.data;

import static io.dgm4j.data.IdxReaderTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Picture folders written by the test with ImageIO: layouts, pixels, bad files, the cache. */
class ImageFolderTest {
  @TempDir Path dir;

  /** A grey picture whose pixel (y, x) is {@code (seed * 37 + 11 y + 3 x) mod 256}. */
  static int[][] greyPixels(int seed, int w, int h) {
    int[][] p = new int[h][w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        p[y][x] = (seed * 37 + 11 * y + 3 * x) % 256;
      }
    }
    return p;
  }

  static void writeGrey(Path file, int[][] p, String format) throws IOException {
    BufferedImage img = new BufferedImage(p[0].length, p.length, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < p.length; y++) {
      for (int x = 0; x < p[0].length; x++) {
        img.getRaster().setSample(x, y, 0, p[y][x]);
      }
    }
    Files.createDirectories(file.getParent());
    assertThat(ImageIO.write(img, format, file.toFile())).isTrue();
  }

  /** An RGB picture: pixel (y, x) = (r, g, b) from {@link #rgb}. */
  static void writeRgb(Path file, int seed, int w, int h, String format) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int[] c = rgb(seed, y, x);
        img.setRGB(x, y, c[0] << 16 | c[1] << 8 | c[2]);
      }
    }
    Files.createDirectories(file.getParent());
    assertThat(ImageIO.write(img, format, file.toFile())).isTrue();
  }

  static int[] rgb(int seed, int y, int x) {
    return new int[] {(seed * 29 + 40 * y) % 256, (7 * x + 100) % 256,
        (seed * 13 + 5 * x * y) % 256};
  }

  /** Every value of a data set, read row by row. */
  static float[] all(Dataset data) {
    float[] out = new float[data.size() * data.dimension()];
    data.copyRows(0, data.size(), out);
    return out;
  }

  static ImageFolder.Images load(Path root, ImageFolder.Options options) {
    return ImageFolder.load(root, options, root.resolveSibling("fallback-cache"),
        ImageFolder.Progress.NONE);
  }

  @Test
  void flatGreyFolderLoadsExactPixelsWithASeededSplit() throws IOException {
    Path root = dir.resolve("flat");
    for (int i = 0; i < 20; i++) {
      writeGrey(root.resolve(String.format("img%02d.png", i)), greyPixels(i, 5, 4), "png");
    }
    Files.writeString(root.resolve("README.txt"), "not a picture");
    ImageFolder.Images images = load(root, ImageFolder.Options.defaults());
    assertThat(images.layout()).isEqualTo("flat");
    assertThat(images.channels()).isEqualTo(1);
    assertThat(images.itemShape()).containsExactly(4, 5);
    assertThat(images.train().size()).isEqualTo(18);
    assertThat(images.test().size()).isEqualTo(2);
    assertThat(images.train().hasLabels()).isFalse();
    assertThat(images.classes()).isEmpty();
    assertThat(images.ignoredFiles()).isEqualTo(1);
    assertThat(images.splitSeed()).isEqualTo(ImageFolder.DEFAULT_SPLIT_SEED);
    // read from the cache file when needed, never held as one array
    assertThat(images.train().inMemory()).isFalse();
    assertThat(images.test().inMemory()).isFalse();
    // every example holds the pixels of the file its path names
    checkGrey(images.train(), images.trainPaths());
    checkGrey(images.test(), images.testPaths());
    // the split is a function of the seed: the same seed again, another seed differs somewhere
    assertThat(load(root, ImageFolder.Options.defaults()).testPaths())
        .isEqualTo(images.testPaths());
    boolean differs = false;
    for (long seed = 1; seed <= 5 && !differs; seed++) {
      differs = !load(root, new ImageFolder.Options(0, 0, 0, false, seed)).testPaths()
          .equals(images.testPaths());
    }
    assertThat(differs).isTrue();
  }

  private static void checkGrey(Dataset data, List<String> paths) {
    for (int i = 0; i < data.size(); i++) {
      int seed = Integer.parseInt(paths.get(i).substring(3, 5));
      int[][] p = greyPixels(seed, 5, 4);
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 5; x++) {
          assertThat(data.get(i, y * 5 + x)).as(paths.get(i)).isEqualTo((float) p[y][x]);
        }
      }
    }
  }

  @Test
  void classSubfoldersBecomeSortedLabelsAndColourStaysChannelLast() throws IOException {
    Path root = dir.resolve("classes");
    for (int i = 0; i < 6; i++) {
      writeRgb(root.resolve("zebra/z" + i + ".png"), i, 3, 2, "png");
    }
    for (int i = 0; i < 4; i++) {
      writeRgb(root.resolve("cat/c" + i + ".bmp"), 10 + i, 3, 2, "bmp");
    }
    ImageFolder.Images images = load(root, ImageFolder.Options.defaults());
    assertThat(images.layout()).isEqualTo("classes");
    assertThat(images.classes()).containsExactly("cat", "zebra");
    assertThat(images.channels()).isEqualTo(3);
    assertThat(images.itemShape()).containsExactly(2, 3, 3);
    assertThat(images.train().size() + images.test().size()).isEqualTo(10);
    assertThat(images.test().size()).isEqualTo(1);
    // shuffled, not in path order: a validation set cut from the end holds both classes
    int[] labels = images.train().labels();
    assertThat(Arrays.stream(labels, labels.length - 4, labels.length).distinct().count())
        .isEqualTo(2);
    for (int i = 0; i < images.train().size(); i++) {
      String path = images.trainPaths().get(i);
      int label = images.train().labels()[i];
      assertThat(path).startsWith(label == 0 ? "cat/c" : "zebra/z");
      int seed = Integer.parseInt(path.substring(path.lastIndexOf('/') + 2, path.indexOf('.')))
          + (label == 0 ? 10 : 0);
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 3; x++) {
          int[] c = rgb(seed, y, x);
          for (int ch = 0; ch < 3; ch++) {
            assertThat(images.train().get(i, (y * 3 + x) * 3 + ch)).isEqualTo((float) c[ch]);
          }
        }
      }
    }
  }

  @Test
  void trainAndTestFoldersAreTheSplit() throws IOException {
    Path root = dir.resolve("pair");
    writeGrey(root.resolve("train/a/1.png"), greyPixels(1, 4, 4), "png");
    writeGrey(root.resolve("train/a/2.png"), greyPixels(2, 4, 4), "png");
    writeGrey(root.resolve("train/b/3.png"), greyPixels(3, 4, 4), "png");
    writeGrey(root.resolve("test/b/4.png"), greyPixels(4, 4, 4), "png");
    ImageFolder.Images images = load(root, ImageFolder.Options.defaults());
    assertThat(images.layout()).isEqualTo("train/test classes");
    assertThat(images.splitSeed()).isNull();
    // training examples come in the seeded shuffled order, each with its own label
    assertThat(images.trainPaths()).containsExactlyInAnyOrder("train/a/1.png", "train/a/2.png",
        "train/b/3.png");
    for (int i = 0; i < 3; i++) {
      assertThat(images.train().labels()[i])
          .isEqualTo(images.trainPaths().get(i).startsWith("train/a/") ? 0 : 1);
    }
    assertThat(images.testPaths()).containsExactly("test/b/4.png");
    assertThat(images.test().labels()).containsExactly(1);
    assertThat(images.test().get(0, 5)).isEqualTo((float) greyPixels(4, 4, 4)[1][1]);

    writeGrey(root.resolve("test/c/5.png"), greyPixels(5, 4, 4), "png");
    assertThat(message(() -> load(root, ImageFolder.Options.defaults())))
        .contains("test/c").contains("no training pictures");
  }

  @Test
  void greyAndColourConvertBothWays() throws IOException {
    Path root = dir.resolve("convert");
    writeRgb(root.resolve("a.png"), 3, 3, 2, "png");
    writeRgb(root.resolve("b.png"), 4, 3, 2, "png");
    ImageFolder.Images grey = load(root, ImageFolder.Options.defaults().withChannels(1));
    assertThat(grey.itemShape()).containsExactly(2, 3);
    Dataset all = grey.train().size() == 1 && grey.trainPaths().get(0).equals("a.png")
        ? grey.train() : grey.test();
    int[] c = rgb(3, 1, 2);
    double luma = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
    assertThat(all.get(0, 5)).isEqualTo((float) Math.round(luma));

    Path greyRoot = dir.resolve("grey");
    writeGrey(greyRoot.resolve("a.png"), greyPixels(7, 3, 2), "png");
    writeGrey(greyRoot.resolve("b.png"), greyPixels(8, 3, 2), "png");
    ImageFolder.Images rgb = load(greyRoot, ImageFolder.Options.defaults().withChannels(3));
    assertThat(rgb.itemShape()).containsExactly(2, 3, 3);
    Dataset both = rgb.train();
    int seed = both.size() == 1 && rgb.trainPaths().get(0).equals("a.png") ? 7 : 8;
    int g = greyPixels(seed, 3, 2)[1][2];
    assertThat(new float[] {both.get(0, 15), both.get(0, 16), both.get(0, 17)})
        .containsExactly(g, g, g);
  }

  @Test
  void transparentPixelsAreCompositedOverWhite() throws IOException {
    Path root = dir.resolve("alpha");
    for (String name : List.of("a.png", "b.png")) {
      BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
      img.setRGB(0, 0, 0x00000000); // fully transparent black
      img.setRGB(1, 0, 0x80C86400); // alpha 128 over (200, 100, 0)
      Files.createDirectories(root);
      ImageIO.write(img, "png", root.resolve(name).toFile());
    }
    Dataset data = load(root, ImageFolder.Options.defaults()).train();
    double a = 128 / 255.0;
    assertThat(new float[] {data.get(0, 0), data.get(0, 1), data.get(0, 2)})
        .containsExactly(255, 255, 255);
    assertThat(new float[] {data.get(0, 3), data.get(0, 4), data.get(0, 5)}).containsExactly(
        Math.round(200 * a + 255 * (1 - a)), Math.round(100 * a + 255 * (1 - a)),
        Math.round(255 * (1 - a)));
  }

  @Test
  void mixedSizesNeedAnImageSizeThenAreCroppedAndResized() throws IOException {
    Path root = dir.resolve("mixed");
    writeGrey(root.resolve("small.png"), greyPixels(1, 2, 2), "png");
    // 6 wide, 4 high: the centre 4x4 (columns 1..4) shrinks to 2x2 by block means
    writeGrey(root.resolve("wide.png"), greyPixels(2, 6, 4), "png");
    assertThat(message(() -> load(root, ImageFolder.Options.defaults())))
        .contains("different sizes").contains("2x2 (1, e.g. small.png)")
        .contains("6x4 (1, e.g. wide.png)").contains("--image-size");
    ImageFolder.Images images = load(root, ImageFolder.Options.defaults().withSize("2"));
    Dataset data = images.trainPaths().contains("wide.png") ? images.train() : images.test();
    int row = (images.trainPaths().contains("wide.png") ? images.trainPaths()
        : images.testPaths()).indexOf("wide.png");
    int[][] p = greyPixels(2, 6, 4);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 2; x++) {
        double mean = (p[2 * y][1 + 2 * x] + p[2 * y][2 + 2 * x] + p[2 * y + 1][1 + 2 * x]
            + p[2 * y + 1][2 + 2 * x]) / 4.0;
        assertThat(data.get(row, y * 2 + x)).isEqualTo((float) Math.floor(mean + 0.5));
      }
    }
  }

  @Test
  void damagedFilesAreSkippedAndCountedOrRefusedWhenStrict() throws IOException {
    Path root = dir.resolve("damaged");
    for (int i = 0; i < 5; i++) {
      writeGrey(root.resolve("ok" + i + ".png"), greyPixels(i, 64, 64), "png");
    }
    Path png = root.resolve("cut.png");
    writeGrey(png, greyPixels(9, 64, 64), "png");
    byte[] full = Files.readAllBytes(png);
    Files.write(png, Arrays.copyOf(full, full.length / 2));
    // a JPEG cut in half decodes with only a warning in ImageIO: it must be caught too
    Path jpg = root.resolve("cut.jpg");
    BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    SplittableRandom r = new SplittableRandom(3);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        noisy.getRaster().setSample(x, y, 0, r.nextInt(256));
      }
    }
    ImageIO.write(noisy, "jpeg", jpg.toFile());
    byte[] jpeg = Files.readAllBytes(jpg);
    Files.write(jpg, Arrays.copyOf(jpeg, jpeg.length / 2));
    Files.write(root.resolve("text.png"), "no picture here".getBytes());

    ImageFolder.Images images = load(root, ImageFolder.Options.defaults());
    assertThat(images.skipped()).extracting(ImageFolder.Skipped::path)
        .containsExactly("cut.jpg", "cut.png", "text.png");
    assertThat(images.skipped()).allSatisfy(s -> assertThat(s.reason()).isNotBlank());
    assertThat(images.train().size() + images.test().size()).isEqualTo(5);
    assertThat(images.itemShape()).containsExactly(64, 64);

    assertThat(message(() -> load(root, ImageFolder.Options.defaults().withStrict(true))))
        .startsWith(root.resolve("cut.jpg") + ": ").contains("3 unreadable pictures")
        .contains("--strict");
  }

  @Test
  void theCacheIsUsedUntilAFileChanges() throws IOException {
    Path root = dir.resolve("cached");
    for (int i = 0; i < 4; i++) {
      writeGrey(root.resolve("p" + i + ".png"), greyPixels(i, 3, 3), "png");
    }
    ImageFolder.Images first = load(root, ImageFolder.Options.defaults());
    assertThat(first.fromCache()).isFalse();
    assertThat(first.cacheFile()).startsWith(root.resolve(ImageFolder.CACHE_FOLDER));
    ImageFolder.Images second = load(root, ImageFolder.Options.defaults());
    assertThat(second.fromCache()).isTrue();
    assertThat(all(second.train())).containsExactly(all(first.train()));
    assertThat(second.trainPaths()).isEqualTo(first.trainPaths());

    // another size is another cache entry
    assertThat(load(root, ImageFolder.Options.defaults().withSize("2")).fromCache()).isFalse();
    assertThat(load(root, ImageFolder.Options.defaults()).fromCache()).isTrue();
    // asking for the size and channels the own-size decoding came out at reuses it (as eval
    // does after train), with the same pixels
    ImageFolder.Images explicit = load(root, ImageFolder.Options.defaults().withSize("3")
        .withChannels(1));
    assertThat(explicit.fromCache()).isTrue();
    assertThat(all(explicit.train())).containsExactly(all(first.train()));
    assertThat(load(root, ImageFolder.Options.defaults().withChannels(3)).fromCache()).isFalse();

    // rewrite one file with other pixels (the same size in bytes is possible; the time differs)
    String changed = first.trainPaths().get(0);
    Path file = root.resolve(changed);
    FileTime before = Files.getLastModifiedTime(file);
    writeGrey(file, greyPixels(40, 3, 3), "png");
    Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2000));
    ImageFolder.Images third = load(root, ImageFolder.Options.defaults());
    assertThat(third.fromCache()).isFalse();
    int row = third.trainPaths().indexOf(changed);
    assertThat(third.train().get(row, 4)).isEqualTo((float) greyPixels(40, 3, 3)[1][1]);

    // a new file is decoded too
    writeGrey(root.resolve("p9.png"), greyPixels(9, 3, 3), "png");
    ImageFolder.Images fourth = load(root, ImageFolder.Options.defaults());
    assertThat(fourth.fromCache()).isFalse();
    assertThat(fourth.train().size() + fourth.test().size()).isEqualTo(5);
  }

  @Test
  void aFolderThatCannotHoldTheCacheUsesTheFallback() throws IOException {
    Path root = dir.resolve("readonly");
    writeGrey(root.resolve("a.png"), greyPixels(1, 2, 2), "png");
    writeGrey(root.resolve("b.png"), greyPixels(2, 2, 2), "png");
    // a file where the cache folder would go: the folder cannot take the cache (as when it is
    // read-only; permissions do not stop root, who may run the tests)
    Files.writeString(root.resolve(ImageFolder.CACHE_FOLDER), "in the way");
    ImageFolder.Images first = load(root, ImageFolder.Options.defaults());
    assertThat(first.cacheFile()).startsWith(dir.resolve("fallback-cache"));
    assertThat(first.fromCache()).isFalse();
    assertThat(Files.readString(root.resolve(ImageFolder.CACHE_FOLDER))).isEqualTo("in the way");
    ImageFolder.Images second = load(root, ImageFolder.Options.defaults());
    assertThat(second.fromCache()).isTrue();
    assertThat(all(second.train())).containsExactly(all(first.train()));
  }

  @Test
  void emptyFoldersAndMixedLayoutsSayWhatToDo() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThat(message(() -> load(empty, ImageFolder.Options.defaults())))
        .startsWith(empty + ": is empty: put pictures (").contains("png");
    Path mixed = dir.resolve("mixedlayout");
    writeGrey(mixed.resolve("a.png"), greyPixels(1, 2, 2), "png");
    writeGrey(mixed.resolve("cls/b.png"), greyPixels(2, 2, 2), "png");
    assertThat(message(() -> load(mixed, ImageFolder.Options.defaults())))
        .contains("1 pictures directly and 1 in subfolders");
    Path one = dir.resolve("one");
    writeGrey(one.resolve("a.png"), greyPixels(1, 2, 2), "png");
    assertThat(message(() -> load(one, ImageFolder.Options.defaults())))
        .contains("at least 2 readable pictures");
    assertThatThrownBy(() -> ImageFolder.Options.parseSize("28x"))
        .hasMessageContaining("--image-size").hasMessageContaining("'28x'");
    assertThat(ImageFolder.Options.parseSize("32x24")).containsExactly(32, 24);
  }
}
