package io.squadron.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.InvalidConfigException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin HTTP endpoint of a real server: slow clients, and where admin actions are served. */
class AdminEndpointEdgeTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private SquadronServer start(SquadronServer.Builder builder) {
    SquadronServer server = builder.build().start();
    toClose.add(server);
    return server;
  }

  private SquadronServer server(AtomicInteger runs) {
    return start(
        TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
            .service(new ScriptedShuffleService("s"))
            .adminAction("reload-things", () -> "reloaded " + runs.incrementAndGet()));
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(3))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(3))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Opens a connection that sends a request line and one header, never the blank line that ends the
   * request.
   */
  private Socket halfSentRequest(int port) throws Exception {
    Socket socket = new Socket("127.0.0.1", port);
    toClose.add(socket);
    OutputStream out = socket.getOutputStream();
    out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  @Test
  void halfSentRequests_doNotDelayHealthz() throws Exception {
    SquadronServer server = server(new AtomicInteger());
    for (int i = 0; i < 4; i++) {
      halfSentRequest(server.adminPort());
    }

    // Each probe must answer well within its 3 s timeout while the half-sent requests hang on.
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> health = get(server.adminPort(), "/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
    }
    assertThat(get(server.adminPort(), "/metrics").body()).contains("executor_");
  }

  @Test
  void halfSentRequest_isDisconnectedAfterTheRequestTimeout() throws Exception {
    ServerSettings settings = ServerSettings.loopback();
    AdminSettings shortTimeout =
        new AdminSettings(true, "127.0.0.1", 0, Duration.ofMillis(300), 64, true, "127.0.0.1", 0);
    SquadronServer server =
        start(
            TestServers.anyCaller(
                    SquadronServer.builder(
                        new ServerSettings(
                            settings.host(),
                            0,
                            settings.maxInboundMessageSize(),
                            settings.gracePeriod(),
                            settings.drainDelay(),
                            settings.readinessInterval(),
                            settings.limits(),
                            shortTimeout,
                            settings.metrics())))
                .service(new ScriptedShuffleService("s")));
    Socket socket = halfSentRequest(server.adminPort());
    socket.setSoTimeout(10_000);
    long start = System.nanoTime();

    InputStream in = socket.getInputStream();
    int read = in.read(); // the server closes the connection: end of stream, no response

    assertThat(read).isEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void adminActions_servedOnTheLoopbackActionsListenerOnly_notOnTheObservabilityPort()
      throws Exception {
    AtomicInteger runs = new AtomicInteger();
    SquadronServer server = server(runs);

    HttpResponse<String> onObservabilityPort = post(server.adminPort(), "/admin/reload-things");
    assertThat(onObservabilityPort.statusCode()).isEqualTo(404);
    assertThat(onObservabilityPort.body()).contains("loopback actions listener");
    assertThat(runs.get()).isZero();

    assertThat(server.adminActionsPort()).isPositive().isNotEqualTo(server.adminPort());
    HttpResponse<String> onActionsPort = post(server.adminActionsPort(), "/admin/reload-things");
    assertThat(onActionsPort.statusCode()).isEqualTo(200);
    assertThat(onActionsPort.body()).isEqualTo("reloaded 1\n");
    assertThat(get(server.adminActionsPort(), "/metrics").statusCode()).isEqualTo(404);
  }

  @Test
  void actionsListenerOnANonLoopbackHost_isRefusedNamingTheKey() {
    assertThatThrownBy(
            () ->
                ServerSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString("squadron.admin.actions.host = \"0.0.0.0\""))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.admin.actions.host:")
        .hasMessageContaining("loopback");
    assertThat(
            ServerSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString("squadron.admin.host = \"0.0.0.0\"")))
                .admin()
                .actionsHost())
        .isEqualTo("127.0.0.1");
  }
}
