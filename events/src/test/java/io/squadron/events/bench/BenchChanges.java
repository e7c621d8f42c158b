package io.squadron.events.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.EventsSchema;
import io.squadron.events.outbox.EventMessage;
import io.squadron.proto.billing.events.v1.Amount;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The state change both events benchmarks make: an account's sequence number bumped, and the event
 * that reports it.
 */
final class BenchChanges {
  /** The update a writer prepares once per connection; its only parameter is the account. */
  static final String BUMP =
      "UPDATE bench_account SET seq = seq + 1 WHERE account = ? RETURNING seq";

  private BenchChanges() {}

  static HikariDataSource pool(String jdbcUrl, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(size);
    config.setConnectionTimeout(30_000);
    return new HikariDataSource(config);
  }

  /** The events library's tables and {@code accounts} accounts at sequence number 0. */
  static void createAccounts(HikariDataSource pool, int accounts) throws SQLException {
    EventsSchema.migrate(pool);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE bench_account (account TEXT PRIMARY KEY, seq BIGINT NOT NULL)");
      s.execute(
          "INSERT INTO bench_account SELECT 'acct-' || i, 0 FROM generate_series(0, "
              + (accounts - 1)
              + ") i");
    }
  }

  /** Runs {@code bump} (a prepared {@link #BUMP}) for {@code account}: its new sequence number. */
  static long bump(PreparedStatement bump, String account) throws SQLException {
    bump.setString(1, account);
    try (ResultSet rs = bump.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The event of {@code account}'s change number {@code seq}, on {@code topic}. */
  static EventMessage event(String topic, String account, long seq) {
    return EventMessage.of(
        topic,
        account,
        PaymentSucceeded.newBuilder()
            .setPaymentId(account + "/" + seq)
            .setUserId(account)
            .setAmount(Amount.newBuilder().setMinorUnits(seq).setCurrencyCode("EUR"))
            .build());
  }
}
