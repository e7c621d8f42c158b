package io.squadron.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.infra.process.Processes;
import io.squadron.infra.providers.ProvidersSimLauncher;
import io.squadron.infra.providers.ProvidersSimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProvidersSimLauncherTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String apiKey(ProvidersSimServer sim, String provider) throws Exception {
    String credentials =
        send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/_control/credentials")).build())
            .body();
    Matcher m =
        Pattern.compile("\"" + provider + "\":\\{[^}]*\"api_key\":\"([^\"]+)\"")
            .matcher(credentials);
    assertThat(m.find()).as(credentials).isTrue();
    return m.group(1);
  }

  private static HttpResponse<String> getCharge(ProvidersSimServer sim, String key, String id)
      throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/carrierbill/v1/charges/" + id))
            .header("Authorization", "Bearer " + key)
            .build());
  }

  @Test
  void start_servesProviders_stateSurvivesAKillAndAStop_closeLeavesNothing() throws Exception {
    ProvidersSimServer sim = ProvidersSimLauncher.builder().seed(3).start();
    ProcessHandle first = ProcessHandle.of(sim.pid()).orElseThrow();
    try {
      assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port());
      String key = apiKey(sim, "carrierbill");
      HttpResponse<String> created =
          send(
              HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/carrierbill/v1/charges"))
                  .header("Authorization", "Bearer " + key)
                  .header("Idempotency-Key", "launcher-1")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"msisdn\":\"+4915112345678\",\"amount\":100,\"currency\":\"EUR\","
                              + "\"merchant_ref\":\"l-1\",\"description\":\"x\"}"))
                  .build());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
      Matcher id = Pattern.compile("\"charge_id\":\"([^\"]+)\"").matcher(created.body());
      assertThat(id.find()).isTrue();

      first.destroyForcibly();
      first.onExit().get(10, TimeUnit.SECONDS);
      sim.restart();
      assertThat(sim.pid()).isNotEqualTo(first.pid());
      assertThat(apiKey(sim, "carrierbill")).isEqualTo(key);
      assertThat(getCharge(sim, key, id.group(1)).statusCode()).isEqualTo(200);

      sim.stop();
      assertThat(sim.isRunning()).isFalse();
      sim.restart();
      assertThat(getCharge(sim, key, id.group(1)).body()).contains(id.group(1));
      assertThat(sim.logTail(50)).contains("providers-sim listening on " + sim.baseUrl());
    } finally {
      sim.close();
    }
    assertThat(Processes.running(first)).isFalse();
    assertThat(Files.exists(sim.workDir())).isFalse();
  }

  @Test
  void localInfra_startsTheSimulator_orTakesAnExternalOneFromTheEnvironment() throws Exception {
    try (LocalInfra infra = LocalInfra.builder().providersSim(true).build().start()) {
      String url = infra.environment().get(LocalInfra.PROVIDERS_SIM_ENV);
      assertThat(url).isEqualTo(infra.providersSim().orElseThrow().baseUrl());
      assertThat(
              send(HttpRequest.newBuilder(URI.create(url + "/_control/health")).build())
                  .statusCode())
          .isEqualTo(200);
    }
    try (LocalInfra external =
        LocalInfra.builder()
            .fromEnvironment(Map.of(LocalInfra.PROVIDERS_SIM_ENV, "http://127.0.0.1:9/"))
            .build()
            .start()) {
      assertThat(external.providersSim()).isEmpty();
      assertThat(external.environment())
          .containsEntry(LocalInfra.PROVIDERS_SIM_ENV, "http://127.0.0.1:9");
    }
  }
}
