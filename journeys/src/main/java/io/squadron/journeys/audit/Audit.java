package io.squadron.journeys.audit;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.IntSupplier;

/**
 * The run's money checks, after the journeys:
 *
 * <ul>
 *   <li><b>double charges</b>: merchant references a provider charged twice (the simulator's own
 *       audit: it sees every capture, whatever billing believes) plus checkout sessions with more
 *       than one successful payment in billing's database;
 *   <li><b>unbalanced ledger</b>: ledger transactions in billing's database whose entries do not
 *       sum to zero, or that have fewer than two entries (the query {@code ./squadron bench
 *       billing} uses).
 * </ul>
 *
 * Billing's database is read with the platform's PostgreSQL address (an operator's audit, read
 * only); lost events are counted from what the journeys saw and billing's payments ({@code
 * LostEvents}).
 */
public final class Audit {
  private final String billingJdbcUrl;
  private final IntSupplier providerDoubleCharges;

  /**
   * @param adminJdbcUrl the platform's PostgreSQL ({@code SQUADRON_POSTGRES_URL})
   * @param billingDatabase billing's database on it
   * @param providerDoubleCharges the simulator's count of references charged twice
   */
  public Audit(String adminJdbcUrl, String billingDatabase, IntSupplier providerDoubleCharges) {
    this.billingJdbcUrl =
        withDatabase(requireNonNull(adminJdbcUrl, "adminJdbcUrl"), billingDatabase);
    this.providerDoubleCharges = requireNonNull(providerDoubleCharges, "providerDoubleCharges");
  }

  /** References charged twice at a provider plus sessions with two successful payments. */
  public long doubleCharges() throws SQLException {
    return providerDoubleCharges.getAsInt()
        + count(
            "SELECT count(*) FROM (SELECT reference FROM payments WHERE state = 'SUCCEEDED' "
                + "GROUP BY caller, reference HAVING count(*) > 1) d");
  }

  /** Ledger transactions that do not balance. */
  public long unbalancedLedgerTransactions() throws SQLException {
    return count(
        "SELECT count(*) FROM (SELECT t.id FROM ledger_transactions t LEFT JOIN ledger_entries e"
            + " ON e.transaction_id = t.id GROUP BY t.id"
            + " HAVING coalesce(sum(e.amount), 0) <> 0 OR count(e.id) < 2) x");
  }

  /** Ledger transactions in all (for the report). */
  public long ledgerTransactions() throws SQLException {
    return count("SELECT count(*) FROM ledger_transactions");
  }

  private long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(billingJdbcUrl);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** {@code jdbc:postgresql://host:port[/db][?params]} with its database replaced. */
  static String withDatabase(String url, String database) {
    if (!database.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "database: '" + database + "' (expected: [a-z_][a-z0-9_]*)");
    }
    String prefix = "jdbc:postgresql://";
    if (!url.startsWith(prefix)) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL");
    }
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    String params = query < 0 ? "" : url.substring(query);
    int slash = base.indexOf('/', prefix.length());
    String hosts = slash < 0 ? base : base.substring(0, slash);
    return hosts + "/" + database + params;
  }
}
