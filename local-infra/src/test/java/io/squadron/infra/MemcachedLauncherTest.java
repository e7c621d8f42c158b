package io.squadron.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.infra.memcached.MemcachedLauncher;
import io.squadron.infra.memcached.MemcachedServer;
import io.squadron.infra.process.Processes;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.OperationTimeoutException;
import org.junit.jupiter.api.Test;

class MemcachedLauncherTest {

  private static MemcachedClient client(MemcachedServer server, long opTimeoutMillis)
      throws Exception {
    return new MemcachedClient(
        new ConnectionFactoryBuilder()
            .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
            .setOpTimeout(opTimeoutMillis)
            .setDaemon(true)
            .build(),
        List.of(server.address()));
  }

  @Test
  void start_answersSetAndGet_closeLeavesNoProcessOrDirectory() throws Exception {
    MemcachedServer server = MemcachedLauncher.builder().start();
    long pid = server.pid();
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
    try {
      assertThat(server.hostAndPort()).isEqualTo("127.0.0.1:" + server.port());
      assertThat(server.startTime()).isPositive();
      MemcachedClient client = client(server, 2_000);
      try {
        assertThat(client.set("greeting", 60, "hello").get(2, TimeUnit.SECONDS)).isTrue();
        assertThat(client.get("greeting")).isEqualTo("hello");
      } finally {
        client.shutdown(1, TimeUnit.SECONDS);
      }
      assertThat(server.peakRssBytes()).isPositive();
    } finally {
      server.close();
    }
    assertThat(Processes.running(process)).isFalse();
    assertThat(Files.exists(server.workDir())).isFalse();
    assertThat(server.pid()).isEqualTo(-1);
  }

  @Test
  void twoServers_sideBySide_onDifferentPorts_keepTheirOwnData() throws Exception {
    try (MemcachedServer first = MemcachedLauncher.builder().start();
        MemcachedServer second = MemcachedLauncher.builder().start()) {
      assertThat(first.port()).isNotEqualTo(second.port());
      assertThat(first.workDir()).isNotEqualTo(second.workDir());
      MemcachedClient a = client(first, 2_000);
      MemcachedClient b = client(second, 2_000);
      try {
        a.set("key", 60, "first").get(2, TimeUnit.SECONDS);
        b.set("key", 60, "second").get(2, TimeUnit.SECONDS);
        assertThat(a.get("key")).isEqualTo("first");
        assertThat(b.get("key")).isEqualTo("second");
      } finally {
        a.shutdown(1, TimeUnit.SECONDS);
        b.shutdown(1, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void paused_getTimesOut_thenAnswersAfterResume() throws Exception {
    try (MemcachedServer server = MemcachedLauncher.builder().start()) {
      MemcachedClient client = client(server, 300);
      try {
        client.set("key", 60, "value").get(2, TimeUnit.SECONDS);

        server.pause();
        assertThat(server.isPaused()).isTrue();
        assertThatThrownBy(() -> client.get("key")).isInstanceOf(OperationTimeoutException.class);

        server.resume();
        assertThat(server.isPaused()).isFalse();
        assertThat(client.asyncGet("key").get(5, TimeUnit.SECONDS)).isEqualTo("value");
      } finally {
        client.shutdown(1, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void restart_comesBackOnTheSamePort() throws Exception {
    try (MemcachedServer server = MemcachedLauncher.builder().start()) {
      int port = server.port();
      long firstPid = server.pid();
      server.stop();
      assertThat(server.isRunning()).isFalse();
      assertThat(ProcessHandle.of(firstPid).map(Processes::running).orElse(false)).isFalse();

      server.restart();
      assertThat(server.port()).isEqualTo(port);
      assertThat(server.pid()).isNotEqualTo(firstPid);
      MemcachedClient client = client(server, 2_000);
      try {
        assertThat(client.set("key", 60, "again").get(2, TimeUnit.SECONDS)).isTrue();
        assertThat(client.get("key")).isEqualTo("again");
      } finally {
        client.shutdown(1, TimeUnit.SECONDS);
      }
    }
  }
}
