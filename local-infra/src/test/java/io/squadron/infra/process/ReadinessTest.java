package io.squadron.infra.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.infra.InfraStartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessTest {

  private static Process shell(Path log, String script) throws IOException {
    return new ProcessBuilder("sh", "-c", script)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  @Test
  void serverExitsWhileStarting_failsAtOnceWithItsLogTail(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("server.log");
    Process server = shell(log, "echo starting; echo 'FATAL: port in use'; exit 3");
    server.waitFor();

    assertThatThrownBy(
            () ->
                Readiness.await(
                    "thing at 127.0.0.1:1",
                    server.toHandle(),
                    Duration.ofMinutes(1),
                    () -> {
                      throw new IOException("connection refused");
                    },
                    () -> ManagedServer.tail(log, 5)))
        .isInstanceOf(InfraStartException.class)
        .hasMessageContaining("thing at 127.0.0.1:1 exited while starting")
        .hasMessageContaining("connection refused")
        .hasMessageContaining("FATAL: port in use");
  }

  @Test
  void serverNeverReady_failsAfterTheTimeoutWithLastErrorAndLogTail(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("server.log");
    Process server = shell(log, "echo still booting; exec sleep 30");
    try {
      assertThatThrownBy(
              () ->
                  Readiness.await(
                      "thing at 127.0.0.1:2",
                      server.toHandle(),
                      Duration.ofMillis(200),
                      () -> {
                        throw new IllegalStateException("not yet");
                      },
                      () -> ManagedServer.tail(log, 5)))
          .isInstanceOf(InfraStartException.class)
          .hasMessageContaining("not ready after 0.2 s")
          .hasMessageContaining("not yet")
          .hasMessageContaining("still booting");
    } finally {
      Processes.killTree(server.toHandle());
    }
    assertThat(Processes.running(server.toHandle())).isFalse();
  }

  @Test
  void tail_keepsTheLastLines(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("a.log"), "1\n2\n3\n4\n");
    assertThat(ManagedServer.tail(log, 2)).isEqualTo("3\n4");
    assertThat(ManagedServer.tail(dir.resolve("missing.log"), 2)).startsWith("(no log at ");
  }
}
