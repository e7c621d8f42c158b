package io.squadron.billing.store;

import static java.util.Objects.requireNonNull;

import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.RefundRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Billing's PostgreSQL store (schema {@code db/billing}). Writes happen in {@link #transaction}s of
 * {@link StoreTx}; reads here. A database that cannot answer surfaces as store-support's {@code
 * StoreUnavailableException} (UNAVAILABLE with RetryInfo); a statement it refuses as {@link
 * IllegalStateException}.
 */
public final class PaymentStore {
  private final DataSource dataSource;
  private final Clock clock;
  private final Runnable eventsCommitted;

  /** A store over {@code dataSource} (migrated), reading time from {@code clock}. */
  public PaymentStore(DataSource dataSource, Clock clock) {
    this(dataSource, clock, () -> {});
  }

  /**
   * As {@link #PaymentStore(DataSource, Clock)}; {@code eventsCommitted} runs after each
   * transaction that appended events to the outbox commits (it wakes the outbox relay, so the
   * events leave at once instead of at its next idle poll).
   */
  public PaymentStore(DataSource dataSource, Clock clock, Runnable eventsCommitted) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.clock = requireNonNull(clock, "clock");
    this.eventsCommitted = requireNonNull(eventsCommitted, "eventsCommitted");
  }

  /** Work inside one database transaction. */
  @FunctionalInterface
  public interface Work<T> {
    /** Does the work; what it wrote commits when it returns, and rolls back when it throws. */
    T run(StoreTx tx) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction and commits it; on any failure rolls back and rethrows (an
   * {@link SQLException} as unavailable or illegal state, named by {@code operation}).
   */
  public <T> T transaction(String operation, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        StoreTx tx = new StoreTx(c, clock.instant());
        T result = work.run(tx);
        c.commit();
        if (tx.appendedEvents()) {
          eventsCommitted.run();
        }
        return result;
      } catch (SQLException e) {
        rollback(c);
        throw SqlFailures.of(operation, e);
      } catch (RuntimeException | Error e) {
        rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlFailures.of(operation, e);
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the pool discards it and the transaction died with it.
    }
  }

  /** The payment {@code id}. */
  public Optional<PaymentRecord> find(String id) {
    return query(
            "read payment",
            "SELECT " + PaymentRows.COLUMNS + " FROM payments WHERE id = ?",
            s -> {
              s.setString(1, id);
            },
            PaymentRows::read)
        .stream()
        .findFirst();
  }

  /** The payment the provider knows as {@code providerRef}. */
  public Optional<PaymentRecord> findByProviderRef(String provider, String providerRef) {
    return query(
            "read payment by provider reference",
            "SELECT "
                + PaymentRows.COLUMNS
                + " FROM payments WHERE provider = ? AND provider_ref = ?",
            s -> {
              s.setString(1, provider);
              s.setString(2, providerRef);
            },
            PaymentRows::read)
        .stream()
        .findFirst();
  }

  /** When billing last called the provider about payment {@code id}. */
  public Optional<Instant> lastProviderCall(String id) {
    return query(
            "read provider call time",
            "SELECT provider_called_at FROM payments WHERE id = ?",
            s -> s.setString(1, id),
            rs -> PaymentRows.instant(rs.getTimestamp(1)))
        .stream()
        .filter(java.util.Objects::nonNull)
        .findFirst();
  }

  /** The encrypted instrument of payment {@code id}. */
  public Optional<byte[]> instrument(String id) {
    return query(
            "read instrument",
            "SELECT instrument FROM payments WHERE id = ?",
            s -> s.setString(1, id),
            rs -> rs.getBytes(1))
        .stream()
        .findFirst();
  }

  /** The refunds of payment {@code paymentId}, oldest first. */
  public List<RefundRecord> refunds(String paymentId) {
    return query(
        "read refunds",
        "SELECT id, payment_id, amount, status, provider_ref, created_at FROM refunds "
            + "WHERE payment_id = ? ORDER BY created_at, id",
        s -> s.setString(1, paymentId),
        PaymentStore::refund);
  }

  /** Pending refunds (their provider answer was lost), oldest first. */
  public List<RefundRecord> pendingRefunds(int limit) {
    return query(
        "read pending refunds",
        "SELECT id, payment_id, amount, status, provider_ref, created_at FROM refunds "
            + "WHERE status = 'PENDING' AND updated_at < ? ORDER BY updated_at LIMIT ?",
        s -> {
          s.setTimestamp(1, PaymentRows.timestamp(clock.instant().minusSeconds(5)));
          s.setInt(2, limit);
        },
        PaymentStore::refund);
  }

  static RefundRecord refund(ResultSet rs) throws SQLException {
    return new RefundRecord(
        rs.getString("id"),
        rs.getString("payment_id"),
        rs.getLong("amount"),
        RefundRecord.Status.valueOf(rs.getString("status")),
        Optional.ofNullable(rs.getString("provider_ref")),
        rs.getTimestamp("created_at").toInstant());
  }

  /**
   * Claims up to {@code limit} payments the reconciler should look at now: their next check moves
   * {@code lease} ahead, so another instance (or this one's next round) does not take them while
   * they are being looked at; rows another transaction holds are skipped.
   */
  public List<String> claimDue(int limit, Duration lease) {
    return transaction(
        "claim due payments",
        tx -> {
          Instant now = tx.now();
          List<String> ids = new ArrayList<>();
          try (PreparedStatement s =
              connectionOf(tx)
                  .prepareStatement(
                      "UPDATE payments SET next_check_at = ?, "
                          + "checks = checks + 1 WHERE id IN (SELECT id FROM payments WHERE next_check_at <= ? ORDER BY next_check_at "
                          + "LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING id")) {
            s.setTimestamp(1, PaymentRows.timestamp(now.plus(lease)));
            s.setTimestamp(2, PaymentRows.timestamp(now));
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getString(1));
              }
            }
          }
          return ids;
        });
  }

  /** How many times the reconciler has looked at payment {@code id}. */
  public int checks(String id) {
    return query(
            "read checks",
            "SELECT checks FROM payments WHERE id = ?",
            s -> s.setString(1, id),
            rs -> rs.getInt(1))
        .stream()
        .findFirst()
        .orElse(0);
  }

  /** Payments not final whose next check is due: the reconciler's backlog. */
  public long backlog() {
    return query(
            "count backlog",
            "SELECT count(*) FROM payments WHERE next_check_at <= ?",
            s -> s.setTimestamp(1, PaymentRows.timestamp(clock.instant())),
            rs -> rs.getLong(1))
        .get(0);
  }

  /** Payments not final (the reconciler still follows them). */
  public long unresolved() {
    return query(
            "count unresolved",
            "SELECT count(*) FROM payments WHERE next_check_at IS NOT NULL",
            s -> {},
            rs -> rs.getLong(1))
        .get(0);
  }

  /** Deletes up to {@code limit} idempotency keys past their expiry; returns how many. */
  public int sweepExpiredKeys(int limit) {
    return transaction(
        "sweep idempotency keys",
        tx -> {
          try (PreparedStatement s =
              connectionOf(tx)
                  .prepareStatement(
                      "DELETE FROM idempotency_keys WHERE ctid IN "
                          + "(SELECT ctid FROM idempotency_keys WHERE expires_at < ? LIMIT ?)")) {
            s.setTimestamp(1, PaymentRows.timestamp(tx.now()));
            s.setInt(2, limit);
            return s.executeUpdate();
          }
        });
  }

  /**
   * The ledger's totals per payment at {@code provider}: for each payment with ledger transactions
   * there, the sum of each entry kind on the provider's receivable account (positive: money the
   * provider owes us).
   */
  public Map<String, Map<String, Long>> ledgerTotals(String provider) {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    query(
        "read ledger totals",
        "SELECT t.payment_id, t.kind, sum(e.amount) FROM ledger_transactions t "
            + "JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.provider = ? AND e.account = ? "
            + "GROUP BY t.payment_id, t.kind",
        s -> {
          s.setString(1, provider);
          s.setString(2, io.squadron.billing.ledger.Accounts.providerReceivable(provider));
        },
        rs -> {
          out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
              .put(rs.getString(2), rs.getLong(3));
          return null;
        });
    return out;
  }

  /** The payments at {@code provider} (ids with their current attempt's reference and currency). */
  public List<PaymentRecord> paymentsAt(String provider) {
    return query(
        "read payments at provider",
        "SELECT " + PaymentRows.COLUMNS + " FROM payments WHERE provider = ?",
        s -> s.setString(1, provider),
        PaymentRows::read);
  }

  private static Connection connectionOf(StoreTx tx) {
    return tx.connection();
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String operation, String sql, Binder binder, RowReader<T> reader) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw SqlFailures.of(operation, e);
    }
  }
}
