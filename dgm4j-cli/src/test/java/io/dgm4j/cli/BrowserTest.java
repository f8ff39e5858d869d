package io.dgm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page of `dgm serve` in a real headless Chromium (Debian's chromium and
 * chromium-driver, which .ci/run installs): the runs table, a loss curve, the sample button,
 * and an image dropped (given to the drop zone's file input) getting its score.
 */
class BrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static ChromeDriver browser;
  static TinyServer s;

  @BeforeAll
  static void start() {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    try {
      s = new TinyServer();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir="
            + s.dir.resolve("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (s != null) {
      try {
        s.close();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void runsTableCurveSamplesAndDroppedImage() throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    browser.get(s.base + "/");
    WebElement row = wait.until(d -> d.findElements(By.cssSelector("tr.run")).stream()
        .filter(r -> r.getText().contains("tiny")).findFirst().orElse(null));
    assertThat(row.getText()).contains("fvsbn").contains("finished").contains("2/2");
    row.click();

    wait.until(d -> "2".equals(d.findElement(By.id("curve")).getAttribute("data-points")));
    // the curve really was drawn: some canvas pixels are not blank
    Object drawn = ((JavascriptExecutor) browser).executeScript(
        "const c = document.getElementById('curve');"
            + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;");
    assertThat(((Number) drawn).longValue()).isGreaterThan(500);

    browser.findElement(By.id("sample")).click();
    wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
        "return document.getElementById('samples').naturalWidth;")).intValue() > 0);

    Path image = s.dir.resolve("dropped.png");
    Files.write(image, s.png(0));
    browser.findElement(By.id("file")).sendKeys(image.toString());
    WebElement score = wait.until(d -> {
      WebElement s = d.findElement(By.id("score"));
      return s.getText().contains("log_prob_nats =") ? s : null;
    });
    double shown = Double.parseDouble(score.getAttribute("data-value"));
    double expected = TinyServer.json(s.send("POST", "/api/runs/tiny/score", "image/png",
        s.png(0))).get("log_prob_nats").get(0).asDouble();
    assertThat(shown).isEqualTo(expected);
    assertThat(score.getText()).contains("% of the test set");
  }
}
