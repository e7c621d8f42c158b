package io.squadron.testkit;

import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The stores as containers, for machines with a Docker engine. Loaded only when containers are
 * used.
 */
final class Containers {
  static final int POSTGRES_PORT = 5432;
  static final int CASSANDRA_PORT = 9042;
  static final int MEMCACHED_PORT = 11211;

  private Containers() {}

  static GenericContainer<?> postgres(String password) {
    return new GenericContainer<>(DockerImageName.parse("postgres:17-alpine"))
        .withEnv("POSTGRES_PASSWORD", password)
        .withExposedPorts(POSTGRES_PORT)
        .waitingFor(
            Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
                .withStartupTimeout(Duration.ofMinutes(2)));
  }

  static GenericContainer<?> cassandra() {
    return new GenericContainer<>(DockerImageName.parse("cassandra:5.0"))
        .withEnv("MAX_HEAP_SIZE", "512M")
        .withEnv("HEAP_NEWSIZE", "128M")
        .withExposedPorts(CASSANDRA_PORT)
        .waitingFor(
            Wait.forLogMessage(".*Startup complete.*", 1)
                .withStartupTimeout(Duration.ofMinutes(3)));
  }

  static GenericContainer<?> memcached() {
    return new GenericContainer<>(DockerImageName.parse("memcached:1.6-alpine"))
        .withExposedPorts(MEMCACHED_PORT)
        .waitingFor(Wait.forListeningPort());
  }
}
