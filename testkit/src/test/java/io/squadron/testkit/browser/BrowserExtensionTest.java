package io.squadron.testkit.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.testkit.service.ServiceExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A page served by a service's static-file route, clicked in a real headless Chromium: its script
 * calls the service's HTTP/JSON binding with an app token, and the page shows the answer (or the
 * error).
 */
class BrowserExtensionTest {
  @RegisterExtension
  static final ServiceExtension ECHO = ServiceExtension.forService("echo").appToken("ios");

  @RegisterExtension static final BrowserExtension BROWSER = BrowserExtension.headlessChromium();

  private static WebDriver outerBrowser;

  @BeforeAll
  static void rememberTheBrowser() {
    outerBrowser = BROWSER.driver();
  }

  private static String textOnceShown(WebDriver page, String id) {
    return new WebDriverWait(page, Duration.ofSeconds(30))
        .until(
            d -> {
              String text = d.findElement(By.id(id)).getText();
              return text.isEmpty() ? null : text;
            });
  }

  @Test
  void pageFromTheStaticRoute_callsTheApiWithAnAppToken_andShowsTheAnswer() throws Exception {
    WebDriver page = BROWSER.open(ECHO.httpUri("/"));
    assertThat(page.getTitle()).isEqualTo("echo");

    page.findElement(By.id("token")).sendKeys(ECHO.appTokenOf("ios"));
    page.findElement(By.id("seed")).clear();
    page.findElement(By.id("seed")).sendKeys("42");
    page.findElement(By.id("shuffle")).click();

    assertThat(textOnceShown(page, "result")).isEqualTo("seed 42 for app:ios");
    Path shot = BROWSER.screenshot("answered");
    assertThat(Files.size(shot)).isPositive();
    byte[] header = new byte[8];
    try (var in = Files.newInputStream(shot)) {
      assertThat(in.read(header)).isEqualTo(8);
    }
    assertThat(header).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void wrongToken_thePageShowsThe401FromTheApi() {
    WebDriver page = BROWSER.open(ECHO.httpUri("/index.html"));
    page.findElement(By.id("token")).sendKeys("not-a-token");
    page.findElement(By.id("shuffle")).click();

    assertThat(textOnceShown(page, "error")).startsWith("401 caller not identified");
  }

  /**
   * The extension is called again for a nested class: it must hand it the enclosing class's
   * browser, not start a second one and lose the first (a chromedriver and its Chromium left
   * running after the test JVM).
   */
  @Nested
  class InANestedClass {
    @Test
    void usesTheEnclosingClassesBrowser_withScreenshotsOfItsOwn() throws Exception {
      assertThat(BROWSER.driver()).isSameAs(outerBrowser);
      assertThat(BROWSER.screenshotDirectory().getFileName().toString())
          .isEqualTo("InANestedClass");
      BROWSER.open(ECHO.httpUri("/"));
      assertThat(Files.size(BROWSER.screenshot("nested"))).isPositive();
    }
  }
}
