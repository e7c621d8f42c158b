package io.squadron.userdb.bench;

import io.squadron.infra.LocalInfra;

/**
 * Starts PostgreSQL, Cassandra and memcached with local-infra, prints their {@code SQUADRON_*}
 * environment, and keeps them up until killed: export the lines, and test runs reuse the stores
 * instead of starting their own.
 */
public final class DevStores {
  private DevStores() {}

  public static void main(String[] args) throws Exception {
    try (LocalInfra infra =
        LocalInfra.builder().postgres(true).cassandra(true).memcached(true).build().start()) {
      infra.environment().forEach((k, v) -> System.out.println("export " + k + "='" + v + "'"));
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
