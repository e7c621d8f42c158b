package io.squadron.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/** Where a shared test server comes from. */
enum Source {
  /** The address in an environment variable: an external server, nothing is started. */
  ENVIRONMENT,
  /** A container on the local Docker engine. */
  CONTAINER,
  /** A process started by local-infra. */
  LOCAL_PROCESS;

  /** Turns the use of containers off when set to {@code false}. */
  static final String CONTAINERS_ENV = "SQUADRON_TESTKIT_CONTAINERS";

  private static volatile Boolean dockerAvailable;

  /** The source for the server named by {@code variable}, given the process environment. */
  static Source choose(Map<String, String> environment, String variable) {
    String value = environment.get(variable);
    if (value != null && !value.isBlank()) {
      return ENVIRONMENT;
    }
    if (!"false".equalsIgnoreCase(environment.getOrDefault(CONTAINERS_ENV, ""))
        && dockerAvailable(environment)) {
      return CONTAINER;
    }
    return LOCAL_PROCESS;
  }

  /**
   * Whether a Docker engine answers. Asks Testcontainers (~0.4 s) only when there is a sign of one
   * (DOCKER_HOST, a Docker socket, a Testcontainers config file), so machines without Docker pay
   * nothing.
   */
  private static boolean dockerAvailable(Map<String, String> environment) {
    Boolean known = dockerAvailable;
    if (known == null) {
      Path home = Path.of(System.getProperty("user.home"));
      boolean hint =
          environment.containsKey("DOCKER_HOST")
              || Files.exists(Path.of("/var/run/docker.sock"))
              || Files.exists(home.resolve(".docker/run/docker.sock"))
              || Files.exists(home.resolve(".testcontainers.properties"));
      known = hint && DockerClientFactory.instance().isDockerAvailable();
      dockerAvailable = known;
    }
    return known;
  }
}
