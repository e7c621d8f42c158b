package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One service of the platform as the local runner needs it.
 *
 * @param name the service name (also its identity and config name)
 * @param moduleDir the Maven module directory
 * @param mainClass the class whose {@code main(String[])} starts it with {@code --config FILE}
 * @param grpcServices the gRPC services it serves (full names), which the local platform's demo caller may call
 * @param demo the demo program {@code up} runs against it, if it is not built into {@link DemoCalls}
 */
public record ServiceSpec(String name, String moduleDir, String mainClass, List<String> grpcServices,
    Optional<DemoProgram> demo) {
  public ServiceSpec {
    requireNonNull(name, "name");
    requireNonNull(moduleDir, "moduleDir");
    requireNonNull(mainClass, "mainClass");
    grpcServices = List.copyOf(requireNonNull(grpcServices, "grpcServices"));
    requireNonNull(demo, "demo");
  }

  /**
   * A service module's own demo: a {@code main(String[])} taking {@code --config FILE} with the caller's identity and
   * {@code squadron.clients.<service>}, exiting 0 when the service behaved.
   *
   * @param moduleDir the module holding it
   * @param mainClass its class
   */
  public record DemoProgram(String moduleDir, String mainClass) {
    public DemoProgram {
      requireNonNull(moduleDir, "moduleDir");
      requireNonNull(mainClass, "mainClass");
    }
  }
}
