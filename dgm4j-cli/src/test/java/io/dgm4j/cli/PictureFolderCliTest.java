package io.dgm4j.cli;

import static io.dgm4j.cli.CliTest.dgm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dgm4j.cli.CliTest.Run;
import io.dgm4j.models.ModelRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on folders of pictures the test writes: info, train, eval, score, sample. */
class PictureFolderCliTest {
  @TempDir Path dir;

  /**
   * Pictures of {@code w x h}: class "rows" lights a random row, class "cols" a random column,
   * in a colour (RGB) or grey; 8-bit levels with a little noise.
   */
  static List<String> writeFolder(Path root, int perClass, int w, int h, boolean colour,
      long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> paths = new ArrayList<>();
    for (String cls : List.of("rows", "cols")) {
      for (int i = 0; i < perClass; i++) {
        BufferedImage img = new BufferedImage(w, h, colour ? BufferedImage.TYPE_INT_RGB
            : BufferedImage.TYPE_BYTE_GRAY);
        int k = r.nextInt(cls.equals("rows") ? h : w);
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            boolean on = cls.equals("rows") ? y == k : x == k;
            int v = on ? 225 + r.nextInt(31) : r.nextInt(25);
            if (colour) {
              img.setRGB(x, y, v << 16 | (on ? v / 2 : v) << 8 | r.nextInt(256));
            } else {
              img.getRaster().setSample(x, y, 0, v);
            }
          }
        }
        String name = cls + "/" + cls.charAt(0) + String.format("%03d", i)
            + (i % 4 == 3 ? ".bmp" : ".png");
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, name.endsWith(".bmp") ? "bmp" : "png", file.toFile());
        paths.add(name);
      }
    }
    paths.sort(null);
    return paths;
  }

  @Test
  void trainScoreSampleAndEvalOnAColourFolderWithClasses() throws Exception {
    Path photos = dir.resolve("photos");
    List<String> paths = writeFolder(photos, 30, 5, 4, true, 1);
    Files.write(photos.resolve("rows/broken.png"), "not a picture at all".getBytes());

    Run info = dgm("data", "info", "--data", photos.toString());
    assertThat(info.code()).as(info.err()).isZero();
    assertThat(info.out()).contains("61 picture files, 60 readable, 1 skipped")
        .contains("classes   0 cols (30), 1 rows (30)").contains("5x4 (60)")
        .contains("read as   4x5x3 8-bit pixels").contains("seeded 90/10")
        .contains("train 54, test 6").contains("decoded now");
    assertThat(info.err()).contains("skipped rows/broken.png: ")
        .contains("skipped 1 unreadable picture in");
    assertThat(dgm("data", "info", "--data", photos.toString()).out())
        .contains("up to date, nothing decoded");

    Path run = dir.resolve("run");
    Run train = dgm("train", "--model", "fvsbn", "--data", photos.toString(), "--epochs",
        "2", "--out", run.toString(), "--quiet", "--threads", "1");
    assertThat(train.code()).as(train.err()).isZero();
    JsonNode images = ModelRegistry.json().readTree(run.resolve("run.json").toFile())
        .path("data").path("images");
    assertThat(images.path("channels").asInt()).isEqualTo(3);
    assertThat(images.path("height").asInt()).isEqualTo(4);
    assertThat(images.path("width").asInt()).isEqualTo(5);
    assertThat(images.path("classes").toString()).isEqualTo("[\"cols\",\"rows\"]");
    assertThat(images.path("split_seed").asLong()).isEqualTo(20261122L);
    assertThat(images.path("skipped").asInt()).isEqualTo(1);

    Run eval = dgm("eval", "--run", run.toString(), "--json");
    assertThat(eval.code()).as(eval.err()).isZero();
    JsonNode evalJson = ModelRegistry.json().readTree(eval.out());
    assertThat(evalJson.get("examples").asInt()).isEqualTo(6);

    // score: one row per readable file, sorted by path, labels by the run's classes
    Path scores = dir.resolve("scores.csv");
    Run score = dgm("score", "--run", run.toString(), "--data", photos.toString(), "--out",
        scores.toString());
    assertThat(score.code()).as(score.err()).isZero();
    List<String> lines = Files.readAllLines(scores);
    assertThat(lines.get(0)).isEqualTo("index,path,split,label,log_prob_nats,bits_per_dim");
    assertThat(lines).hasSize(61);
    assertThat(lines.stream().skip(1).map(l -> l.split(",")[1]).toList()).isEqualTo(paths);
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      assertThat(f[0]).isEqualTo(Integer.toString(i - 1));
      assertThat(f[2]).isIn("train", "test");
      assertThat(f[3]).isEqualTo(f[1].startsWith("cols/") ? "0" : "1");
      assertThat(Double.parseDouble(f[4])).isNegative();
    }
    // the test rows' mean is what eval reports (the same preprocessing of the same pictures)
    Path testScores = dir.resolve("test-scores.csv");
    assertThat(dgm("score", "--run", run.toString(), "--data", photos.toString(), "--split",
        "test", "--out", testScores.toString()).code()).isZero();
    double mean = Files.readAllLines(testScores).stream().skip(1)
        .mapToDouble(l -> -Double.parseDouble(l.split(",")[3])).average().orElseThrow();
    assertThat(Files.readAllLines(testScores).get(0))
        .isEqualTo("index,path,label,log_prob_nats,bits_per_dim");
    assertThat(mean).isCloseTo(evalJson.get("test_nll_nats").asDouble(),
        org.assertj.core.api.Assertions.within(1e-3));

    // a changed folder is noted: its split is no longer the run's
    Files.copy(photos.resolve(paths.get(0)), photos.resolve("cols/extra.png"));
    Run changed = dgm("eval", "--run", run.toString());
    assertThat(changed.code()).as(changed.err()).isZero();
    assertThat(changed.err()).contains("has changed since the run was trained (61 readable"
        + " pictures now, 60 then)");
    Files.delete(photos.resolve("cols/extra.png"));
    assertThat(dgm("eval", "--run", run.toString()).err()).doesNotContain("has changed");

    // sample: an RGB grid of 2 x 2 pictures of 5x4 at scale 1 with 1-pixel gaps
    Path png = dir.resolve("samples.png");
    Run sample = dgm("sample", "--run", run.toString(), "-n", "4", "--scale", "1", "--out",
        png.toString());
    assertThat(sample.code()).as(sample.err()).isZero();
    BufferedImage grid = ImageIO.read(png.toFile());
    assertThat(grid.getWidth()).isEqualTo(2 * (5 + 1) + 1);
    assertThat(grid.getHeight()).isEqualTo(2 * (4 + 1) + 1);
    assertThat(grid.getColorModel().getNumColorComponents()).isEqualTo(3);

    // complete: each row shows a test picture, its observed top half, and completions, in RGB
    Path completions = dir.resolve("completions.png");
    Run complete = dgm("complete", "--run", run.toString(), "-n", "2", "--out",
        completions.toString());
    assertThat(complete.code()).as(complete.err()).isZero();
    BufferedImage rows = ImageIO.read(completions.toFile());
    assertThat(rows.getColorModel().getNumColorComponents()).isEqualTo(3);
    assertThat(rows.getHeight()).isEqualTo(2 * (4 * 3 + 1) + 1); // 2 rows of 4 pixels at scale 3

    // a new folder with one of the run's classes: labels follow the run's class names
    Path fresh = dir.resolve("only-rows");
    Files.createDirectories(fresh.resolve("rows"));
    for (String p : paths.subList(paths.size() - 3, paths.size())) {
      Files.copy(photos.resolve(p), fresh.resolve(p));
    }
    Path freshScores = dir.resolve("only-rows.csv");
    assertThat(dgm("score", "--run", run.toString(), "--data", fresh.toString(), "--out",
        freshScores.toString()).code()).isZero();
    assertThat(Files.readAllLines(freshScores).stream().skip(1).map(l -> l.split(",")[3]))
        .containsExactly("1", "1", "1"); // rows is the run's class 1, the folder's own 0
  }

  @Test
  void greyFolderGivesGreySamplesAndScoresANewFolderAtTheRunsSize() throws Exception {
    Path digits = dir.resolve("grey");
    writeFolder(digits, 20, 6, 6, false, 2);
    Path run = dir.resolve("grey-run");
    Run train = dgm("train", "--model", "fvsbn", "--data", digits.toString(), "--epochs", "1",
        "--out", run.toString(), "--quiet", "--threads", "1");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(ModelRegistry.json().readTree(run.resolve("run.json").toFile())
        .path("model").path("itemShape").toString()).isEqualTo("[6,6]");
    Run resumed = dgm("train", "--resume", "--epochs", "2", "--out", run.toString(), "--quiet",
        "--threads", "1");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("epoch 2/2");

    Path png = dir.resolve("grey.png");
    assertThat(dgm("sample", "--run", run.toString(), "-n", "1", "--scale", "2", "--out",
        png.toString()).code()).isZero();
    BufferedImage grid = ImageIO.read(png.toFile());
    assertThat(grid.getWidth()).isEqualTo(1 + 12 + 1);
    assertThat(grid.getHeight()).isEqualTo(1 + 12 + 1);
    assertThat(grid.getColorModel().getNumComponents()).isEqualTo(1);

    // new pictures of 12x12 in a flat folder: read at the run's 6x6, one row each, no labels
    Path fresh = dir.resolve("fresh");
    List<String> names = new ArrayList<>();
    for (String p : writeFolder(dir.resolve("fresh-src"), 3, 12, 12, false, 3)) {
      String flat = p.replace('/', '-');
      Files.createDirectories(fresh);
      Files.copy(dir.resolve("fresh-src").resolve(p), fresh.resolve(flat));
      names.add(flat);
    }
    names.sort(null);
    Path scores = dir.resolve("fresh.csv");
    Run score = dgm("score", "--run", run.toString(), "--data", fresh.toString(), "--out",
        scores.toString());
    assertThat(score.code()).as(score.err()).isZero();
    List<String> lines = Files.readAllLines(scores);
    assertThat(lines.stream().skip(1).map(l -> l.split(",")[1]).toList()).isEqualTo(names);
    assertThat(lines.get(0)).isEqualTo("index,path,split,log_prob_nats,bits_per_dim");
  }

  @Test
  void badFoldersAndOptionsGiveOneLineErrors() throws Exception {
    Path mixed = dir.resolve("mixed");
    writeFolder(mixed.resolve("a"), 2, 4, 4, false, 4);
    writeFolder(mixed.resolve("b"), 2, 5, 5, false, 5);
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path strict = dir.resolve("strict");
    writeFolder(strict, 3, 4, 4, false, 6);
    byte[] png = Files.readAllBytes(strict.resolve("rows/r000.png"));
    Files.write(strict.resolve("rows/r000.png"), Arrays.copyOf(png, png.length / 2));

    Run sizes = dgm("train", "--model", "bernoulli", "--data", mixed.toString(), "--out",
        dir.resolve("x1").toString());
    assertThat(sizes.code()).isEqualTo(1);
    assertThat(sizes.err()).contains("different sizes").contains("--image-size")
        .doesNotContain("Exception").hasLineCount(1);
    Run resized = dgm("data", "info", "--data", mixed.toString(), "--image-size", "3");
    assertThat(resized.code()).as(resized.err()).isZero();
    assertThat(resized.out()).contains("read as   3x3x1").contains("centre-cropped");

    Run none = dgm("data", "info", "--data", empty.toString());
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).contains("is empty").hasLineCount(1);

    Run refused = dgm("data", "info", "--data", strict.toString(), "--strict");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("r000.png").contains("--strict").hasLineCount(1);

    Run channels = dgm("data", "info", "--data", strict.toString(), "--channels", "2");
    assertThat(channels.code()).isEqualTo(2);
    assertThat(channels.err()).contains("--channels must be 1 (grey) or 3 (RGB)");
    Run size = dgm("data", "info", "--data", strict.toString(), "--image-size", "0x4");
    assertThat(size.code()).isEqualTo(2);
    assertThat(size.err()).contains("--image-size");
  }
}
