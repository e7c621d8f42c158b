package io.squadron.deploy.local;

import java.util.List;

/**
 * The services {@code squadron up} starts, in start order (a service comes after those it calls). A squad adding a
 * service module adds a line here and a demo call in {@link DemoCalls}.
 */
public final class ServiceCatalog {
  private static final List<ServiceSpec> SERVICES = List.of(
      new ServiceSpec("shuffle", "shuffle-service", "io.squadron.shuffle.api.ShuffleMain",
          List.of("squadron.shuffle.v1.ShuffleService")));

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
