package io.squadron.shuffle.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.squadron.testkit.service.ServiceExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shuffle over HTTP/JSON, as a browser calls it: {@code POST /v1/shuffle} (the binding in
 * shuffle.proto) on the service started from its descriptor ({@code http-json {}}), over TLS, with
 * an app token or a client certificate, through the same identity, policy and validation as gRPC.
 */
class ShuffleHttpJsonEdgeTest {
  @RegisterExtension
  static final ServiceExtension SHUFFLE =
      ServiceExtension.forService("shuffle")
          .appToken("web")
          .config("squadron.shuffle.max-tracks = 1000");

  private static HttpResponse<String> post(HttpClient client, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(SHUFFLE.httpUri("/v1/shuffle"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> asWebApp(String body) throws Exception {
    return post(SHUFFLE.httpClient(), body, "authorization", "Bearer " + SHUFFLE.appTokenOf("web"));
  }

  private static JsonObject json(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static List<String> badFields(HttpResponse<String> response) {
    return json(response).getAsJsonArray("details").asList().stream()
        .map(JsonElement::getAsJsonObject)
        .filter(d -> d.get("@type").getAsString().endsWith("google.rpc.BadRequest"))
        .flatMap(d -> d.getAsJsonArray("fieldViolations").asList().stream())
        .map(v -> v.getAsJsonObject().get("field").getAsString())
        .toList();
  }

  @Test
  void shuffle_asAWebApp_returnsThePlaylistReordered() throws Exception {
    HttpResponse<String> response =
        asWebApp(
            """
        {"tracks": [{"trackId": "t1", "artistId": "a"}, {"track_id": "t2", "artist_id": "b"},
                    {"trackId": "t3", "artistId": "a"}], "mode": "SHUFFLE_MODE_RANDOM", "seed": "42"}""");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = json(response);
    assertThat(body.getAsJsonArray("tracks").asList())
        .extracting(t -> t.getAsJsonObject().get("trackId").getAsString())
        .containsExactlyInAnyOrder("t1", "t2", "t3");
    assertThat(body.get("seed").getAsString()).isEqualTo("42");
    assertThat(body.get("mode").getAsString()).isEqualTo("SHUFFLE_MODE_RANDOM");
  }

  @Test
  void shuffle_asAServiceWithItsCertificate_allowedByThePolicy() throws Exception {
    assertThat(post(SHUFFLE.httpClient("checkout"), "{\"tracks\": []}").statusCode())
        .isEqualTo(200);
    HttpResponse<String> billing = post(SHUFFLE.httpClient("billing"), "{\"tracks\": []}");
    assertThat(billing.statusCode()).isEqualTo(403);
    assertThat(json(billing).get("message").getAsString()).contains("billing").contains("Shuffle");
  }

  @Test
  void shuffle_withoutIdentity_401() throws Exception {
    assertThat(post(SHUFFLE.httpClient(), "{\"tracks\": []}").statusCode()).isEqualTo(401);
  }

  @Test
  void shuffle_badInput_400NamingTheField_fromTheTranscoderAndFromTheService() throws Exception {
    HttpResponse<String> unknown =
        asWebApp("{\"tracks\": [{\"trackId\": \"t1\", \"artistId\": \"a\", \"colour\": 1}]}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(badFields(unknown)).containsExactly("tracks[0].colour");

    HttpResponse<String> empty =
        asWebApp("{\"tracks\": [{\"trackId\": \"t1\", \"artistId\": \"\"}]}");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(badFields(empty)).containsExactly("tracks[0].artist_id");
  }

  @Test
  void shuffle_tooManyTracks_429WithTheServicesReason() throws Exception {
    StringBuilder tracks = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      tracks
          .append(i == 0 ? "" : ",")
          .append("{\"trackId\":\"t")
          .append(i)
          .append("\",\"artistId\":\"a\"}");
    }
    HttpResponse<String> response = asWebApp("{\"tracks\": [" + tracks + "]}");
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.body()).contains("REQUEST_TOO_LARGE");
  }

  @Test
  void httpCalls_countedInTheServicesMetricsWithTheirStatus() throws Exception {
    asWebApp("{\"tracks\": []}");
    post(SHUFFLE.httpClient(), "{\"tracks\": []}");
    String metrics = SHUFFLE.server().meterRegistry().scrape();
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_duration_seconds_count\\{caller=\"app:web\","
                + "method=\"Shuffle\",[^}]*status=\"OK\"} [1-9]");
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_duration_seconds_count\\{caller=\"unknown\","
                + "method=\"Shuffle\",[^}]*status=\"UNAUTHENTICATED\"} [1-9]");
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_http_requests_total\\{code=\"200\",method=\"Shuffle\"");
  }
}
