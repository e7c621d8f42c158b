package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One service of the platform as the local runner needs it.
 *
 * @param name the service name (also its identity and config name)
 * @param moduleDir the Maven module directory
 * @param mainClass the class whose {@code main(String[])} starts it with {@code --config FILE}
 * @param grpcServices the gRPC services it serves (full names), which the local platform's demo caller may call
 */
public record ServiceSpec(String name, String moduleDir, String mainClass, List<String> grpcServices) {
  public ServiceSpec {
    requireNonNull(name, "name");
    requireNonNull(moduleDir, "moduleDir");
    requireNonNull(mainClass, "mainClass");
    grpcServices = List.copyOf(requireNonNull(grpcServices, "grpcServices"));
  }
}
