package io.squadron.deploy.local;

import java.util.List;

/**
 * The services {@code squadron up} starts, in start order (a service comes after those it calls). A squad adding a
 * service module adds a line here and a demo call in {@link DemoCalls}.
 */
public final class ServiceCatalog {
  private static final List<ServiceSpec> SERVICES = List.of(
      new ServiceSpec("shuffle", "shuffle-service", "io.squadron.shuffle.api.ShuffleMain"));

  private ServiceCatalog() {}

  /** Every service, in start order. */
  public static List<ServiceSpec> all() {
    return SERVICES;
  }
}
