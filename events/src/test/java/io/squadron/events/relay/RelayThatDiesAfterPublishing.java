package io.squadron.events.relay;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * A relay process that dies the hard way (Runtime.halt: no shutdown hooks, no rollback, sockets
 * dropped by the kernel) right after the broker acknowledged its first round and before it marked
 * the rows sent. Started as a child JVM by {@link RelayKilledBetweenPublishAndMarkTest}. Arguments:
 * JDBC URL, bootstrap servers.
 */
public final class RelayThatDiesAfterPublishing {
  /** The exit code of the halt, so the test can tell this death from any other. */
  static final int HALTED = 77;

  private RelayThatDiesAfterPublishing() {}

  public static void main(String[] args) throws Exception {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(args[0]);
    OutboxRelay.builder(dataSource, args[1])
        .name("doomed")
        .afterPublish(() -> Runtime.getRuntime().halt(HALTED))
        .build()
        .start();
    Thread.sleep(120_000);
    System.exit(1); // never acknowledged anything
  }
}
