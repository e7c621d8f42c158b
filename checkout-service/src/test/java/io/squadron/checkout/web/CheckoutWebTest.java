package io.squadron.checkout.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.testkit.browser.BrowserExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web checkout that checkout serves (its static-file route), in a real headless Chromium,
 * against the real service on its real PostgreSQL: the page shows only what the backend sends.
 * Billing is not running here (a closed port), so the payment steps end at billing's retryable
 * step; card, 3-D Secure and SEPA need billing's branch. Screenshots:
 * target/screenshots/CheckoutWebTest/.
 */
class CheckoutWebTest {
  @RegisterExtension
  static final ServiceExtension CHECKOUT =
      ServiceExtension.forService("checkout")
          .appToken("web")
          .config("squadron.clients.billing { addresses = [\"127.0.0.1:1\"], deadline = 2s }")
          .config("squadron.checkout.billing-deadline = 2s");

  @RegisterExtension static final BrowserExtension BROWSER = BrowserExtension.headlessChromium();

  private static WebDriver open(String plan, String country, String offer) {
    String query =
        "/?user="
            + URLEncoder.encode("web-" + UUID.randomUUID(), StandardCharsets.UTF_8)
            + "&plan="
            + plan
            + "&country="
            + country
            + (offer.isEmpty() ? "" : "&offer=" + offer);
    URI page = URI.create(CHECKOUT.httpUri(query) + "#token=" + CHECKOUT.appTokenOf("web"));
    return BROWSER.open(page);
  }

  private static WebElement shown(WebDriver page, By by) {
    return new WebDriverWait(page, Duration.ofSeconds(30))
        .until(
            d -> {
              var found = d.findElements(by);
              return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
            });
  }

  private static String line(WebDriver page, String name) {
    return shown(page, By.cssSelector("tr[data-line='" + name + "'] td.amount")).getText();
  }

  @Test
  void
      offerCodeApplied_vatIncluded_invalidPostalCodeNextToItsField_thenBillingDownIsARetryableStep() {
    WebDriver page = open("individual", "SE", "WELCOME50");
    assertThat(shown(page, By.id("offer")).getText()).contains("WELCOME50");
    assertThat(line(page, "price")).contains("119.00");
    assertThat(line(page, "discount")).startsWith("-").contains("59.50");
    assertThat(line(page, "incl-vat")).contains("11.90");
    assertThat(line(page, "total")).contains("59.50");
    BROWSER.screenshot("se-offer-quote");

    shown(page, By.id("field-postal_code")).sendKeys("ABC");
    page.findElement(By.id("continue")).click();
    WebElement error = shown(page, By.id("error-postal_code"));
    assertThat(error.getText()).contains("123 45");
    // Next to its field: inside the field's label.
    assertThat(
            error.findElement(By.xpath("..")).findElement(By.tagName("input")).getAttribute("name"))
        .isEqualTo("postal_code");
    BROWSER.screenshot("se-invalid-postal-code");

    WebElement postal = page.findElement(By.id("field-postal_code"));
    postal.clear();
    postal.sendKeys("123 45");
    page.findElement(By.id("continue")).click();
    assertThat(shown(page, By.id("step-error")).getText()).contains("Try again");
    assertThat(page.findElement(By.id("retry")).isDisplayed()).isTrue();
    BROWSER.screenshot("se-billing-unavailable");
  }

  @Test
  void salesTaxAdded_inTheUs() {
    WebDriver page = open("individual", "US", "");
    assertThat(line(page, "price")).contains("11.99");
    assertThat(line(page, "sales-tax")).contains("0.87");
    assertThat(line(page, "total")).contains("12.86");
    assertThat(page.findElements(By.cssSelector("tr[data-line='discount']"))).isEmpty();
    BROWSER.screenshot("us-sales-tax");
  }
}
