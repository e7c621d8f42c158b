package io.squadron.testkit.browser;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.browser.Chromium;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real headless Chromium for a test class, driven through Selenium WebDriver: Debian's {@code
 * chromium} and {@code chromium-driver} (installed by local-infra's {@link Chromium} when missing
 * and running as root), a fresh profile per class, and a screenshot under {@code
 * target/screenshots/<TestClass>/} when a test fails, or whenever a test asks ({@link
 * #screenshot}).
 *
 * <pre>{@code
 * @RegisterExtension static final ServiceExtension CHECKOUT = ServiceExtension.forService("checkout");
 * @RegisterExtension static final BrowserExtension BROWSER = BrowserExtension.headlessChromium();
 *
 * @Test void paysByCard() {
 *   WebDriver page = BROWSER.open(CHECKOUT.httpUri("/"));
 *   page.findElement(By.id("pay")).click();
 *   new WebDriverWait(page, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("done")).isDisplayed());
 * }
 * }</pre>
 *
 * <p>The flags are the ones that work on these machines (no display, no sandbox as root, no network
 * beyond the test's own servers): {@value #FLAGS_DOC}. The browser accepts the test CA's
 * certificates without trusting the CA (it cannot be added to Chromium's store without a user
 * profile database): pages are served by the test's own server.
 */
public final class BrowserExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  private static final Logger log = LoggerFactory.getLogger(BrowserExtension.class);
  static final String FLAGS_DOC =
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
          + "--disable-background-networking --disable-component-update --disable-sync, a fresh --user-data-dir";
  private static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage",
          "--window-size=1280,900");

  private final Path screenshotRoot;
  private Duration pageLoadTimeout = Duration.ofSeconds(30);
  private WebDriver driver;
  private Path profile;
  private Path screenshots;
  // JUnit calls an extension registered on an enclosing class for each @Nested class too: the
  // class that started the browser owns it; nested classes use it and keep their own screenshots.
  private String owner;
  private final Deque<Path> enclosingScreenshots = new ArrayDeque<>();

  private BrowserExtension(Path screenshotRoot) {
    this.screenshotRoot = screenshotRoot;
  }

  /** Headless Chromium, screenshots under {@code target/screenshots}. */
  public static BrowserExtension headlessChromium() {
    return new BrowserExtension(Path.of("target", "screenshots"));
  }

  /**
   * How long {@link #open} waits for a page to load (default 30 s: a busy 2-core machine is slow).
   */
  public BrowserExtension pageLoadTimeout(Duration timeout) {
    this.pageLoadTimeout = requireNonNull(timeout, "timeout");
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    Path classScreenshots = screenshotRoot.resolve(context.getRequiredTestClass().getSimpleName());
    if (driver != null) {
      enclosingScreenshots.push(screenshots);
      screenshots = classScreenshots;
      return;
    }
    Chromium chromium = Chromium.locate();
    profile = Files.createTempDirectory("squadron-chromium-");
    screenshots = classScreenshots;
    owner = context.getUniqueId();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.browser().toFile());
    options.addArguments(FLAGS);
    options.addArguments("--user-data-dir=" + profile);
    options.setAcceptInsecureCerts(true);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromium.driver().toFile())
            .usingAnyFreePort()
            .build();
    long started = System.nanoTime();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(pageLoadTimeout);
    log.info(
        "headless {} started in {} ms",
        chromium.version(),
        (System.nanoTime() - started) / 1_000_000);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!context.getUniqueId().equals(owner)) {
      if (!enclosingScreenshots.isEmpty()) {
        screenshots = enclosingScreenshots.pop();
      }
      return;
    }
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      driver = null;
      owner = null;
      deleteQuietly(profile);
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (driver != null) {
      try {
        Path file = screenshot(context.getRequiredTestMethod().getName() + "-failed");
        log.info("screenshot of the failed test: {}", file.toAbsolutePath());
      } catch (RuntimeException e) {
        log.warn("no screenshot of the failed test: {}", e.toString());
      }
    }
  }

  /** The browser (a {@link ChromeDriver}); for the running test class only. */
  public WebDriver driver() {
    if (driver == null) {
      throw new IllegalStateException(
          "the browser runs only while the test class does (register the extension "
              + "with @RegisterExtension on a static field)");
    }
    return driver;
  }

  /** Loads {@code uri} and returns the browser. */
  public WebDriver open(URI uri) {
    WebDriver browser = driver();
    browser.get(requireNonNull(uri, "uri").toString());
    return browser;
  }

  /**
   * Saves what the page shows now as {@code target/screenshots/<TestClass>/<name>.png}; returns the
   * file.
   */
  public Path screenshot(String name) {
    requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "name: '" + name + "' (expected: letters, digits, '.', '_', '-')");
    }
    byte[] png = ((ChromeDriver) driver()).getScreenshotAs(OutputType.BYTES);
    try {
      Files.createDirectories(screenshots);
      Path file = screenshots.resolve(name + ".png");
      Files.write(file, png);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save screenshot " + name, e);
    }
  }

  /** The directory screenshots of this class go to. */
  public Path screenshotDirectory() {
    return Optional.ofNullable(screenshots)
        .orElseThrow(() -> new IllegalStateException("not started"));
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: the OS cleans it eventually
    }
  }
}
