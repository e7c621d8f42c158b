package io.squadron.deploy.local;

import java.util.List;
import java.util.Optional;

/**
 * The services {@code squadron up} starts, in start order (a service comes after those it calls). A squad adding a
 * service module adds a line here, its stores and clients in {@link ServiceConfigs}, and a demo program.
 */
public final class ServiceCatalog {
  private static final List<ServiceSpec> SERVICES = List.of(
      new ServiceSpec("padlock", "padlock-keyservice/server", "io.squadron.padlock.server.api.PadlockMain",
          List.of("squadron.padlock.v1.PadlockService"), Optional.of(new ServiceSpec.DemoProgram(
              "padlock-keyservice/client", "io.squadron.padlock.client.demo.PadlockDemo"))),
      new ServiceSpec("userdb", "userdb-service", "io.squadron.userdb.api.UserdbMain",
          List.of("squadron.userdb.v1.UserService"), Optional.of(new ServiceSpec.DemoProgram(
              "userdb-service", "io.squadron.userdb.api.UserdbDemo"))),
      new ServiceSpec("shuffle", "shuffle-service", "io.squadron.shuffle.api.ShuffleMain",
          List.of("squadron.shuffle.v1.ShuffleService"), Optional.empty()));

  /** The identity the local platform's demo calls (and operators' tools) use. */
  public static final String OPERATOR_IDENTITY = "squadron-cli";

  private ServiceCatalog() {}

  /** Every identity a local certificate is made for: the services and the operator tool. */
  public static List<String> identities() {
    List<String> names = new java.util.ArrayList<>();
    SERVICES.forEach(s -> names.add(s.name()));
    names.add(OPERATOR_IDENTITY);
    return names;
  }

  /** Every service, in start order. */
  public static List<ServiceSpec> all() {
    return SERVICES;
  }
}
