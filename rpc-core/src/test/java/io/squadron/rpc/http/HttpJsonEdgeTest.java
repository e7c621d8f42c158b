package io.squadron.rpc.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.infra.certs.DevCerts;
import io.squadron.infra.certs.TlsContexts;
import io.squadron.proto.transcoding.v1.CollidingServiceGrpc;
import io.squadron.proto.transcoding.v1.WatchServiceGrpc;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.platform.ServerSecurity;
import io.squadron.rpc.server.ServerLimits;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.rpc.server.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * HTTP/JSON at the edge: a real {@link SquadronServer} with mutual TLS, app tokens, a permission
 * policy and rate limits (on a fake clock) serving the test CartService over gRPC and, through the
 * same chain, over HTTPS on loopback; called with the JDK's HTTP client as a browser-like app
 * (bearer token), as a service (client certificate) and anonymously.
 */
class HttpJsonEdgeTest {
  private static final String CART = "squadron.transcoding.v1.CartService";
  private static final String WEB_TOKEN = Platform.newAppToken();
  private static final int APP_MAX_REQUEST_BYTES = 8 * 1024;
  private static final String LIMITED_TOKEN = Platform.newAppToken();
  private static final String SHOP = "https://shop.example.com";

  @TempDir static Path pki;
  @TempDir static Path site;

  private static final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private static final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private static final CartTestService carts = new CartTestService();
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private static SquadronServer server;
  private static HttpClient app;
  private static HttpClient checkout;
  private static HttpClient billing;

  @BeforeAll
  static void start() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    logs.start();
    DevCerts.generate(pki, List.of("cart", "checkout", "billing"));
    Files.writeString(site.resolve("index.html"), "<!doctype html><title>shop</title>");
    Files.writeString(site.resolve("app.js"), "console.log('shop');");
    Files.writeString(site.resolve(".env"), "SECRET=1");
    Files.createDirectories(site.resolve("assets"));
    Files.writeString(site.resolve("assets/style.css"), "body{}");
    Files.writeString(site.getParent().resolve("outside.txt"), "outside the root");
    server = server(pki, "");
    app = client(Optional.empty());
    checkout = client(Optional.of("checkout"));
    billing = client(Optional.of("billing"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  private static SquadronServer server(Path certs, String extraConfig) {
    Config config =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                """
        squadron.security { service-name = cart, cert-dir = "%s" }
        squadron.security.apps { web.token-sha256 = "%s", limited.token-sha256 = "%s" }
        squadron.permissions.policy { "%s" = [checkout, "app:web", "app:limited"] }
        squadron.rate-limits.default { rate = 1000, burst = 1000 }
        squadron.rate-limits.overrides = [{ caller = "app:limited", method = "%s/GetCart", rate = 1, burst = 1 }]
        """
                        .formatted(
                            certs,
                            Platform.appTokenSha256(WEB_TOKEN),
                            Platform.appTokenSha256(LIMITED_TOKEN),
                            CART,
                            CART)
                    + extraConfig));
    // Apps may send 8 KiB of protobuf, services up to the 16 KiB JSON body: the app limit is met
    // inside the chain.
    SquadronServer.Builder builder =
        SquadronServer.builder(
                ServerSettings.loopback()
                    .withLimits(
                        ServerLimits.DEFAULT.withAppMaxInboundMessageSize(APP_MAX_REQUEST_BYTES)))
            .service(carts)
            .http(
                HttpSettings.loopback()
                    .withCors(CorsSettings.NONE.withAllowedOrigins(SHOP))
                    .withMaxRequestSize(16 * 1024)
                    .withRequestTimeout(Duration.ofSeconds(2)))
            .staticFiles(StaticFiles.fromDirectory(site));
    ServerSecurity.configure(builder, config, registry, clock::get);
    return builder.build().start();
  }

  private static HttpClient client(Optional<String> identity) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(TlsContexts.client(pki, identity))
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  private static URI uri(String pathAndQuery) {
    return URI.create("https://127.0.0.1:" + server.httpPort() + pathAndQuery);
  }

  private static HttpResponse<String> send(
      HttpClient client, String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("content-type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> asWeb(
      String method, String path, String body, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "authorization";
    all[1] = "Bearer " + WEB_TOKEN;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return send(app, method, path, body, all);
  }

  private static JsonObject json(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  /** The field violations of a JSON google.rpc.Status, as "field: description". */
  private static List<String> badFields(HttpResponse<String> response) {
    for (JsonElement detail : json(response).getAsJsonArray("details")) {
      JsonObject d = detail.getAsJsonObject();
      if (d.get("@type").getAsString().endsWith("google.rpc.BadRequest")) {
        return d.getAsJsonArray("fieldViolations").asList().stream()
            .map(v -> v.getAsJsonObject().get("field").getAsString())
            .toList();
      }
    }
    return List.of();
  }

  private static String reason(HttpResponse<String> response) {
    for (JsonElement detail : json(response).getAsJsonArray("details")) {
      JsonObject d = detail.getAsJsonObject();
      if (d.get("@type").getAsString().endsWith("google.rpc.ErrorInfo")) {
        return d.get("reason").getAsString();
      }
    }
    return null;
  }

  @Test
  void post_bodyStar_acceptsLowerCamelAndOriginalNames_answersProto3Json() throws Exception {
    HttpResponse<String> response =
        asWeb(
            "POST",
            "/v1/carts",
            """
        {"shopId": "s1", "items": [{"sku": "a", "quantity": "2"}, {"sku": "b", "quantity": 3}],
         "labels": {"channel": "web"}, "gift": true, "created": "2026-01-31T12:00:00Z"}""");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).contains("application/json");
    assertThat(response.headers().firstValue("cache-control")).contains("no-store");
    JsonObject cart = json(response);
    assertThat(cart.get("shopId").getAsString()).isEqualTo("s1");
    assertThat(cart.get("totalCents").getAsString()).isEqualTo("500"); // int64 as a string
    assertThat(cart.getAsJsonObject("labels").get("channel").getAsString()).isEqualTo("web");
    assertThat(cart.get("created").getAsString()).isEqualTo("2026-01-31T12:00:00Z");
    assertThat(cart.get("view").getAsString())
        .isEqualTo("VIEW_UNSPECIFIED"); // defaults printed, enums by name
    assertThat(cart.get("note").getAsString()).isEmpty();
    assertThat(cart.get("caller").getAsString()).isEqualTo("app:web");

    JsonObject original = json(asWeb("POST", "/v1/carts", "{\"shop_id\": \"s2\"}"));
    assertThat(original.get("shopId").getAsString()).isEqualTo("s2");
  }

  @Test
  void get_pathVariableAndQueryParameters_setTheirFields() throws Exception {
    HttpResponse<String> response =
        asWeb(
            "GET",
            "/v1/carts/c%2042?view=VIEW_FULL&tags=a&tags=b+c&limit=7"
                + "&includeItems=true&filter.sku_prefix=sk&filter.createdAfter=2026-02-01T00:00:00Z",
            null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject cart = json(response);
    assertThat(cart.get("cartId").getAsString()).isEqualTo("c 42");
    assertThat(cart.get("view").getAsString()).isEqualTo("VIEW_FULL");
    assertThat(cart.getAsJsonArray("tags").asList())
        .extracting(JsonElement::getAsString)
        .containsExactly("a", "b c");
    assertThat(cart.get("totalCents").getAsString()).isEqualTo("7");
    assertThat(cart.get("gift").getAsBoolean()).isTrue();
    assertThat(cart.get("shopId").getAsString()).isEqualTo("sk");
    assertThat(cart.get("created").getAsString()).isEqualTo("2026-02-01T00:00:00Z");
    // An enum by number works too.
    assertThat(json(asWeb("GET", "/v1/carts/c1?view=1", null)).get("view").getAsString())
        .isEqualTo("VIEW_BASIC");
  }

  @Test
  void patch_bodyField_withThePathVariableInsideIt() throws Exception {
    HttpResponse<String> response =
        asWeb(
            "PATCH",
            "/v1/carts/c9?reason=moved",
            """
        {"cartId": "ignored", "shopId": "s3", "tags": ["x"]}""");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject cart = json(response);
    assertThat(cart.get("cartId").getAsString()).isEqualTo("c9"); // the path wins
    assertThat(cart.get("shopId").getAsString()).isEqualTo("s3");
    assertThat(cart.get("note").getAsString()).isEqualTo("moved");
  }

  @Test
  void deleteAndItsAdditionalBindingWithACustomVerb_reachTheSameMethod() throws Exception {
    assertThat(json(asWeb("DELETE", "/v1/carts/c5?reason=r1", null)).get("note").getAsString())
        .isEqualTo("r1");
    HttpResponse<String> verb = asWeb("POST", "/v1/carts/c6:cancel", "{\"reason\": \"r2\"}");
    assertThat(verb.statusCode()).isEqualTo(200);
    assertThat(json(verb).get("cartId").getAsString()).isEqualTo("c6");
    assertThat(json(verb).get("note").getAsString()).isEqualTo("r2");
  }

  @Test
  void multiSegmentVariable_keepsAnEncodedSlash_responseBodyAnswersOneField() throws Exception {
    assertThat(
            json(asWeb("GET", "/v1/shops/s1/carts/2026/c%2F7", null)).get("cartId").getAsString())
        .isEqualTo("shops/s1/carts/2026/c%2F7");
    HttpResponse<String> items = asWeb("GET", "/v1/carts/c3/items?limit=4", null);
    assertThat(items.statusCode()).isEqualTo(200);
    JsonArray array = JsonParser.parseString(items.body()).getAsJsonArray();
    assertThat(array.get(0).getAsJsonObject().get("sku").getAsString()).isEqualTo("c3-sku");
    assertThat(array.get(0).getAsJsonObject().get("quantity").getAsString()).isEqualTo("4");
  }

  @Test
  void unknownOrBadFields_400NamingTheField() throws Exception {
    HttpResponse<String> unknown =
        asWeb(
            "POST",
            "/v1/carts",
            """
        {"shopId": "s1", "items": [{"sku": "a"}, {"sku": "b", "colour": "red"}]}""");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).get("code").getAsInt()).isEqualTo(3);
    assertThat(reason(unknown)).isEqualTo("INVALID_FIELD");
    assertThat(badFields(unknown)).containsExactly("items[1].colour");
    assertThat(json(unknown).get("message").getAsString())
        .contains("items[1].colour")
        .contains("unknown field");

    HttpResponse<String> badValue =
        asWeb("POST", "/v1/carts", "{\"items\": [{\"sku\": \"a\", \"quantity\": \"lots\"}]}");
    assertThat(badValue.statusCode()).isEqualTo(400);
    assertThat(badFields(badValue)).containsExactly("items[0].quantity");
    assertThat(badValue.body()).doesNotContain("lots"); // the value is not echoed

    assertThat(badFields(asWeb("POST", "/v1/carts", "{\"gift\": \"yes\"}")))
        .containsExactly("gift");
    assertThat(badFields(asWeb("POST", "/v1/carts", "{\"created\": \"yesterday\"}")))
        .containsExactly("created");
    assertThat(badFields(asWeb("POST", "/v1/carts", "{\"labels\": [1]}")))
        .containsExactly("labels");
    assertThat(badFields(asWeb("POST", "/v1/carts", "{\"shopId\": \"s\""))).containsExactly("body");
    assertThat(badFields(asWeb("POST", "/v1/carts", "[1, 2]"))).containsExactly("body");
    assertThat(badFields(asWeb("GET", "/v1/carts/c1?colour=red", null))).containsExactly("colour");
    assertThat(badFields(asWeb("GET", "/v1/carts/c1?view=VIEW_HUGE", null)))
        .containsExactly("view");
    assertThat(badFields(asWeb("GET", "/v1/carts/c1?limit=1&limit=2", null)))
        .containsExactly("limit");
    assertThat(badFields(asWeb("GET", "/v1/carts/c1?cart_id=c2", null))).containsExactly("cart_id");
    assertThat(badFields(asWeb("GET", "/v1/carts/c1?filter=x", null))).containsExactly("filter");
    assertThat(badFields(asWeb("POST", "/v1/carts?gift=true", "{}"))).containsExactly("gift");
    assertThat(badFields(asWeb("GET", "/v1/carts/c1", "{\"view\": 1}"))).containsExactly("body");
  }

  @Test
  void protocolErrors_404_405_413_415_withJsonStatus() throws Exception {
    HttpResponse<String> notFound = asWeb("GET", "/v1/nothing", null);
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(json(notFound).get("code").getAsInt()).isEqualTo(5);

    HttpResponse<String> wrongMethod = asWeb("PUT", "/v1/carts", "{}");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("allow")).contains("POST");

    HttpResponse<String> tooLarge =
        asWeb("POST", "/v1/carts", "{\"shopId\": \"" + "x".repeat(20_000) + "\"}");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(reason(tooLarge)).isEqualTo("REQUEST_TOO_LARGE");

    HttpResponse<String> form =
        send(
            app,
            "POST",
            "/v1/carts",
            null,
            "authorization",
            "Bearer " + WEB_TOKEN,
            "content-type",
            "text/plain");
    assertThat(form.statusCode()).isEqualTo(200); // no body: nothing to check
    HttpResponse<String> text =
        app.send(
            HttpRequest.newBuilder(uri("/v1/carts"))
                .header("authorization", "Bearer " + WEB_TOKEN)
                .header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).isEqualTo(415);
    // The gRPC-only method has no binding.
    assertThat(asWeb("GET", "/" + CART + "/Internal", null).statusCode()).isEqualTo(404);
  }

  @Test
  void appRequestOverTheAppLimit_429RequestTooLarge_whileAServiceMaySendIt() throws Exception {
    String body =
        "{\"shopId\": \""
            + "x".repeat(APP_MAX_REQUEST_BYTES + 100)
            + "\"}"; // under the 16 KiB body limit
    HttpResponse<String> fromApp = asWeb("POST", "/v1/carts", body);
    assertThat(fromApp.statusCode()).as(fromApp.body()).isEqualTo(429);
    assertThat(reason(fromApp)).isEqualTo("REQUEST_TOO_LARGE");
    assertThat(json(fromApp).get("message").getAsString()).contains("from a client app");

    HttpResponse<String> fromService = send(checkout, "POST", "/v1/carts", body);
    assertThat(fromService.statusCode()).as(fromService.body()).isEqualTo(200);
  }

  @Test
  void noIdentity_401_evenForABadRequest_andAnUnknownToken_401() throws Exception {
    HttpResponse<String> anonymous = send(app, "POST", "/v1/carts", "{\"colour\": 1}");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(reason(anonymous)).isEqualTo("UNAUTHENTICATED_CALLER");

    HttpResponse<String> wrongToken =
        send(app, "GET", "/v1/carts/c1", null, "authorization", "Bearer nope");
    assertThat(wrongToken.statusCode()).isEqualTo(401);
  }

  @Test
  void clientCertificate_isTheCallersIdentity_overHttpToo() throws Exception {
    HttpResponse<String> response = send(checkout, "GET", "/v1/carts/c1", null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("caller").getAsString()).isEqualTo("checkout");
  }

  @Test
  void callerWithoutPermission_403NamingTheMethod() throws Exception {
    HttpResponse<String> response = send(billing, "GET", "/v1/carts/c1", null);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(reason(response)).isEqualTo("CALLER_NOT_ALLOWED");
    assertThat(json(response).get("message").getAsString()).contains("GetCart").contains("billing");
  }

  @Test
  void overTheRateLimit_429WithRetryAfterAndRetryInfo() throws Exception {
    String token = "Bearer " + LIMITED_TOKEN;
    assertThat(send(app, "GET", "/v1/carts/c1", null, "authorization", token).statusCode())
        .isEqualTo(200);
    HttpResponse<String> limited = send(app, "GET", "/v1/carts/c1", null, "authorization", token);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(reason(limited)).isEqualTo("RATE_LIMITED");
    assertThat(limited.headers().firstValue("retry-after")).contains("1");
    JsonObject retryInfo =
        json(limited).getAsJsonArray("details").asList().stream()
            .map(JsonElement::getAsJsonObject)
            .filter(d -> d.get("@type").getAsString().endsWith("google.rpc.RetryInfo"))
            .findFirst()
            .orElseThrow();
    assertThat(retryInfo.get("retryDelay").getAsString()).isEqualTo("1s");
  }

  @Test
  void handlerErrors_standardHttpStatus_detailsKept_noStackTrace() throws Exception {
    record Case(String code, int http) {}
    for (Case c :
        List.of(
            new Case("NOT_FOUND", 404),
            new Case("ALREADY_EXISTS", 409),
            new Case("FAILED_PRECONDITION", 400),
            new Case("ABORTED", 409),
            new Case("UNIMPLEMENTED", 501),
            new Case("DEADLINE_EXCEEDED", 504),
            new Case("PERMISSION_DENIED", 403),
            new Case("OUT_OF_RANGE", 400))) {
      HttpResponse<String> response =
          asWeb(
              "POST",
              "/v1/fail",
              "{\"code\": \"" + c.code() + "\", \"message\": " + "\"no\", \"badField\": \"x.y\"}");
      assertThat(response.statusCode()).as(c.code()).isEqualTo(c.http());
      assertThat(json(response).get("message").getAsString()).isEqualTo("no");
      assertThat(badFields(response)).containsExactly("x.y");
    }
    HttpResponse<String> unavailable =
        asWeb("POST", "/v1/fail", "{\"code\": \"UNAVAILABLE\", \"retryAfterMs\": 2500}");
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(unavailable.headers().firstValue("retry-after")).contains("3");

    HttpResponse<String> thrown = asWeb("POST", "/v1/fail", "{\"code\": \"THROW\"}");
    assertThat(thrown.statusCode()).isEqualTo(500);
    assertThat(json(thrown).get("message").getAsString()).contains("error id");
    assertThat(thrown.body())
        .doesNotContain("internal detail")
        .doesNotContain("Exception")
        .doesNotContain("at io.");
  }

  @Test
  void callLongerThanTheRequestTimeout_504_andTheHandlerSeesItsContextCancelled() throws Exception {
    int before = carts.cancelledHangs.get();
    HttpResponse<String> response = asWeb("POST", "/v1/fail", "{\"code\": \"HANG\"}");
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(json(response).get("code").getAsInt()).isEqualTo(4);
    await(Duration.ofSeconds(10), () -> carts.cancelledHangs.get() > before);
  }

  @Test
  void clientGoneAway_cancelsTheCall() throws Exception {
    int before = carts.cancelledHangs.get();
    String body = "{\"code\": \"HANG\"}";
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket)
            TlsContexts.client(pki, Optional.empty())
                .getSocketFactory()
                .createSocket("127.0.0.1", server.httpPort())) {
      socket
          .getOutputStream()
          .write(
              ("POST /v1/fail HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer "
                      + WEB_TOKEN
                      + "\r\ncontent-type: application/json\r\ncontent-length: "
                      + body.length()
                      + "\r\n\r\n"
                      + body)
                  .getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      await(Duration.ofSeconds(10), () -> carts.hanging.get() > 0);
    } // the client goes away without waiting for the answer
    await(Duration.ofSeconds(10), () -> carts.cancelledHangs.get() > before);
  }

  @Test
  void corsPreflight_allowedOrigin_answersTheAllowedMethodsHeadersAndMaxAge() throws Exception {
    HttpResponse<String> preflight =
        send(
            app,
            "OPTIONS",
            "/v1/carts",
            null,
            "origin",
            SHOP,
            "access-control-request-method",
            "POST",
            "access-control-request-headers",
            "authorization, content-type");

    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).contains(SHOP);
    assertThat(preflight.headers().firstValue("access-control-allow-methods").orElseThrow())
        .contains("POST");
    assertThat(preflight.headers().firstValue("access-control-allow-headers").orElseThrow())
        .contains("authorization")
        .contains("content-type");
    assertThat(preflight.headers().firstValue("access-control-max-age")).contains("600");

    HttpResponse<String> actual = asWeb("GET", "/v1/carts/c1", null, "origin", SHOP);
    assertThat(actual.statusCode()).isEqualTo(200);
    assertThat(actual.headers().firstValue("access-control-allow-origin")).contains(SHOP);
    assertThat(actual.headers().firstValue("access-control-expose-headers"))
        .contains("retry-after");
  }

  @Test
  void corsPreflight_otherOriginMethodOrHeader_refused_andTheRequestItselfToo() throws Exception {
    HttpResponse<String> origin =
        send(
            app,
            "OPTIONS",
            "/v1/carts",
            null,
            "origin",
            "https://evil.example.com",
            "access-control-request-method",
            "POST");
    assertThat(origin.statusCode()).isEqualTo(403);
    assertThat(origin.headers().firstValue("access-control-allow-origin")).isEmpty();

    HttpResponse<String> header =
        send(
            app,
            "OPTIONS",
            "/v1/carts",
            null,
            "origin",
            SHOP,
            "access-control-request-method",
            "POST",
            "access-control-request-headers",
            "x-debug");
    assertThat(header.statusCode()).isEqualTo(403);
    HttpResponse<String> method =
        send(
            app,
            "OPTIONS",
            "/v1/carts",
            null,
            "origin",
            SHOP,
            "access-control-request-method",
            "TRACE");
    assertThat(method.statusCode()).isEqualTo(403);

    HttpResponse<String> request =
        asWeb("POST", "/v1/carts", "{}", "origin", "https://evil.example.com");
    assertThat(request.statusCode()).isEqualTo(403);
    assertThat(request.headers().firstValue("access-control-allow-origin")).isEmpty();
    // The service's own pages are same-origin: allowed without being listed.
    HttpResponse<String> same =
        asWeb("GET", "/v1/carts/c1", null, "origin", "https://127.0.0.1:" + server.httpPort());
    assertThat(same.statusCode()).isEqualTo(200);
  }

  @Test
  void metrics_countHttpCallsWithTheirStatus_inTheChainsTimerAndByHttpCode() throws Exception {
    asWeb("GET", "/v1/carts/m1", null);
    send(app, "GET", "/v1/carts/m1", null);
    asWeb("GET", "/v1/carts/m1?colour=1", null);
    asWeb("GET", "/v1/nowhere", null);
    String metrics = registry.scrape();
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_duration_seconds_count\\{caller=\"app:web\","
                + "method=\"GetCart\",[^}]*status=\"OK\"} [1-9]");
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_duration_seconds_count\\{caller=\"unknown\","
                + "method=\"GetCart\",[^}]*status=\"UNAUTHENTICATED\"} [1-9]");
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_duration_seconds_count\\{caller=\"app:web\","
                + "method=\"GetCart\",[^}]*status=\"INVALID_ARGUMENT\"} [1-9]");
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_http_requests_total\\{code=\"200\",method=\"GetCart\","
                + "service=\""
                + CART.replace(".", "\\.")
                + "\"} [1-9]");
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_http_requests_total\\{code=\"401\",method=\"GetCart\"");
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_http_requests_total\\{code=\"404\",method=\"static\"");
  }

  @Test
  void staticFiles_contentTypesEtagsAndCaching() throws Exception {
    HttpResponse<String> index = send(app, "GET", "/", null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<title>shop</title>");
    assertThat(index.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
    assertThat(index.headers().firstValue("cache-control")).contains("no-cache");
    String etag = index.headers().firstValue("etag").orElseThrow();
    assertThat(send(app, "GET", "/index.html", null, "if-none-match", etag).statusCode())
        .isEqualTo(304);

    HttpResponse<String> script = send(app, "GET", "/app.js", null);
    assertThat(script.headers().firstValue("content-type"))
        .contains("text/javascript; charset=utf-8");
    assertThat(script.headers().firstValue("cache-control")).contains("public, max-age=300");
    assertThat(script.headers().firstValue("x-content-type-options")).contains("nosniff");
    assertThat(send(app, "GET", "/assets/style.css", null).headers().firstValue("content-type"))
        .contains("text/css; charset=utf-8");
    HttpResponse<String> head = send(app, "HEAD", "/app.js", null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("content-length"))
        .contains(Long.toString("console.log('shop');".length()));
    assertThat(send(app, "POST", "/app.js", "{}").statusCode()).isEqualTo(405);
  }

  @Test
  void staticFiles_noListingNoHiddenFilesNoTraversal() throws Exception {
    assertThat(send(app, "GET", "/assets/", null).statusCode())
        .isEqualTo(404); // no index.html: no listing
    assertThat(send(app, "GET", "/assets", null).statusCode()).isEqualTo(404);
    assertThat(send(app, "GET", "/.env", null).statusCode()).isIn(400, 404);
    for (String path :
        List.of(
            "/%2e%2e/outside.txt",
            "/assets/%2E%2E/%2e%2e/outside.txt",
            "/..%2foutside.txt",
            "/assets%5c..%5c..%5coutside.txt",
            "/a%00.js",
            "//etc/passwd")) {
      HttpResponse<String> response =
          app.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpPort() + path))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path).isIn(400, 404);
      assertThat(response.body())
          .as(path)
          .doesNotContain("outside the root")
          .doesNotContain("root:");
    }
  }

  @Test
  void appToken_neverLogged() throws Exception {
    asWeb("POST", "/v1/fail", "{\"code\": \"THROW\"}");
    send(
        app,
        "GET",
        "/v1/carts/c1?colour=" + WEB_TOKEN,
        null,
        "authorization",
        "Bearer " + WEB_TOKEN);
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list)
        .noneMatch(
            e ->
                e.getFormattedMessage().contains(WEB_TOKEN)
                    || (e.getThrowableProxy() != null
                        && e.getThrowableProxy().getMessage() != null
                        && e.getThrowableProxy().getMessage().contains(WEB_TOKEN)));
  }

  @Test
  void streamingMethodOrCollidingBindings_refusedWhenTheServerIsBuilt() {
    assertThatThrownBy(
            () ->
                TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                    .service(new WatchServiceGrpc.WatchServiceImplBase() {})
                    .http(HttpSettings.loopback())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("squadron.transcoding.v1.WatchService/Watch")
        .hasMessageContaining("unary");
    assertThatThrownBy(
            () ->
                TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                    .service(new CartTestService())
                    .service(new CollidingServiceGrpc.CollidingServiceImplBase() {})
                    .http(HttpSettings.loopback())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("collides");
  }

  @Test
  void tlsOnTheGrpcPort_requiresTlsOnHttp() {
    assertThatThrownBy(
            () ->
                TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                    .service(new CartTestService())
                    .credentials(
                        io.grpc.TlsServerCredentials.newBuilder()
                            .keyManager(
                                pki.resolve("cart.crt").toFile(), pki.resolve("cart.key").toFile())
                            .build())
                    .http(HttpSettings.loopback())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("httpTls");
  }

  @Test
  void plaintextHttp_onANonLoopbackHost_refusedWhenTheServerIsBuilt() {
    HttpSettings anyAddress =
        new HttpSettings(
            "0.0.0.0",
            0,
            1024 * 1024,
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofMinutes(5),
            CorsSettings.NONE);
    assertThatThrownBy(
            () ->
                TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                    .service(new CartTestService())
                    .http(anyAddress)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plaintext HTTP/JSON on 0.0.0.0");
  }

  @Test
  void plaintextDevelopment_servesPlainHttp_withTheCallerHeader() throws Exception {
    try (SquadronServer plain = server(pki, "squadron.security.mode = plaintext-dev")) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + plain.httpPort() + "/v1/carts/p1"))
                  .header("x-squadron-caller", "checkout")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(json(response).get("caller").getAsString()).isEqualTo("checkout");
    }
  }

  private static void await(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(20);
    }
  }
}
