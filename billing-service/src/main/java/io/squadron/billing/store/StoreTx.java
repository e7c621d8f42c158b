package io.squadron.billing.store;

import io.squadron.billing.event.PaymentEvents;
import io.squadron.billing.ledger.LedgerEntry;
import io.squadron.billing.ledger.LedgerPosting;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.RefundRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One database transaction of billing. {@link #savePayment} is the one place a payment's change is
 * committed: the row, its history line, and (with {@link #post}) its ledger transactions all commit
 * together or not at all; an events outbox row belongs next to them. Not thread-safe; lives inside
 * {@link PaymentStore#transaction}.
 */
public final class StoreTx {
  private final Connection c;
  private final Instant now;
  private boolean appendedEvents;

  StoreTx(Connection c, Instant now) {
    this.c = c;
    this.now = now;
  }

  Connection connection() {
    return c;
  }

  /** The transaction's clock reading. */
  public Instant now() {
    return now;
  }

  /**
   * Claims {@code caller}'s {@code key} for a request of {@code operation} with fingerprint {@code
   * hash}: the first claim executes (and holds a lease of {@code lease}), a finished one replays, a
   * running one is in use, another request's key is reused, and a claim whose lease ran out is
   * taken over.
   */
  public IdempotencyClaim claimKey(
      String caller, String key, String operation, byte[] hash, Duration lease, Duration ttl)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO idempotency_keys (caller, key, operation, "
                + "request_hash, state, lease_until, created_at, expires_at) VALUES (?, ?, ?, ?, 'IN_FLIGHT', ?, ?, ?) "
                + "ON CONFLICT (caller, key) DO NOTHING")) {
      s.setString(1, caller);
      s.setString(2, key);
      s.setString(3, operation);
      s.setBytes(4, hash);
      s.setTimestamp(5, PaymentRows.timestamp(now.plus(lease)));
      s.setTimestamp(6, PaymentRows.timestamp(now));
      s.setTimestamp(7, PaymentRows.timestamp(now.plus(ttl)));
      if (s.executeUpdate() == 1) {
        return new IdempotencyClaim.Execute();
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT operation, request_hash, state, lease_until, payment_id, "
                + "response, response_is_error, expires_at FROM idempotency_keys WHERE caller = ? AND key = ? FOR UPDATE")) {
      s.setString(1, caller);
      s.setString(2, key);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("idempotency key vanished while claimed", "40001");
        }
        Instant expires = rs.getTimestamp("expires_at").toInstant();
        if (expires.isBefore(now)) {
          // Kept long enough: a new request may use the key again.
          update(
              "UPDATE idempotency_keys SET operation = ?, request_hash = ?, state = 'IN_FLIGHT', lease_until = ?, "
                  + "payment_id = NULL, response = NULL, response_is_error = NULL, created_at = ?, expires_at = ? "
                  + "WHERE caller = ? AND key = ?",
              operation,
              hash,
              now.plus(lease),
              now,
              now.plus(ttl),
              caller,
              key);
          return new IdempotencyClaim.Execute();
        }
        if (!rs.getString("operation").equals(operation)
            || !Arrays.equals(rs.getBytes("request_hash"), hash)) {
          return new IdempotencyClaim.Reused();
        }
        if (rs.getString("state").equals("DONE")) {
          return new IdempotencyClaim.Replay(
              rs.getBytes("response"), rs.getBoolean("response_is_error"));
        }
        Instant leaseUntil = rs.getTimestamp("lease_until").toInstant();
        if (leaseUntil.isAfter(now)) {
          return new IdempotencyClaim.InUse(Duration.between(now, leaseUntil));
        }
        update(
            "UPDATE idempotency_keys SET lease_until = ? WHERE caller = ? AND key = ?",
            now.plus(lease),
            caller,
            key);
        return new IdempotencyClaim.TakeOver(Optional.ofNullable(rs.getString("payment_id")));
      }
    }
  }

  /** Keeps the idempotency key payment {@code paymentId} was created with (its events carry it). */
  public void rememberCreateKey(String paymentId, String key) throws SQLException {
    update("UPDATE payments SET create_key = ? WHERE id = ?", key, paymentId);
  }

  /** The idempotency key payment {@code paymentId} was created with. */
  public Optional<String> createKey(String paymentId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT create_key FROM payments WHERE id = ?")) {
      s.setString(1, paymentId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Appends the events of the change {@code before} to {@code after} to the outbox, in this
   * transaction: they are published if and only if the change commits.
   */
  public void publish(
      PaymentEvents events, PaymentRecord before, PaymentRecord after, Optional<String> refundId)
      throws SQLException {
    events.append(c, before, after, refundId, () -> createKey(after.id()));
    appendedEvents = true;
  }

  /** Whether {@link #publish} ran in this transaction (it may have appended nothing). */
  boolean appendedEvents() {
    return appendedEvents;
  }

  /** Remembers which payment {@code caller}'s {@code key} created or works on. */
  public void linkKey(String caller, String key, String paymentId) throws SQLException {
    update(
        "UPDATE idempotency_keys SET payment_id = ? WHERE caller = ? AND key = ?",
        paymentId,
        caller,
        key);
  }

  /**
   * Stores the first response of {@code caller}'s {@code key}; later requests with the key replay
   * it.
   */
  public void completeKey(String caller, String key, byte[] response, boolean error)
      throws SQLException {
    update(
        "UPDATE idempotency_keys SET state = 'DONE', lease_until = NULL, response = ?, response_is_error = ? "
            + "WHERE caller = ? AND key = ? AND state = 'IN_FLIGHT'",
        response,
        error,
        caller,
        key);
  }

  /**
   * Ends the lease of {@code caller}'s {@code key} without a response (the request failed in a way
   * worth retrying): the next request with the key takes over at once.
   */
  public void releaseKey(String caller, String key) throws SQLException {
    update(
        "UPDATE idempotency_keys SET lease_until = ? WHERE caller = ? AND key = ? AND state = 'IN_FLIGHT'",
        now,
        caller,
        key);
  }

  /**
   * Inserts a new payment with its encrypted instrument; the reconciler first looks at it at {@code
   * nextCheckAt}.
   */
  public void insertPayment(PaymentRecord p, byte[] instrument, Instant nextCheckAt)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO payments (id, caller, reference, customer_id, amount, "
                + "currency, country, method, capture_method, instrument, instrument_summary, return_url, description, "
                + "created_at, next_check_at, state, outcome_unknown, provider, attempt, provider_ref, provider_data, "
                + "authorized, captured, refunded, disputed, capture_requested, failure_reason, failure_code, next_action, "
                + "expires_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int i = 1;
      s.setString(i++, p.id());
      s.setString(i++, p.caller());
      s.setString(i++, p.reference());
      s.setString(i++, p.customerId());
      s.setLong(i++, p.amount());
      s.setString(i++, p.currency());
      s.setString(i++, p.country());
      s.setString(i++, p.method().name());
      s.setString(i++, p.captureMethod().name());
      s.setBytes(i++, instrument);
      s.setString(i++, p.instrumentSummary());
      s.setString(i++, p.returnUrl());
      s.setString(i++, p.description());
      s.setTimestamp(i++, PaymentRows.timestamp(p.createdAt()));
      s.setTimestamp(i++, PaymentRows.timestamp(nextCheckAt));
      PaymentRows.bindMutable(s, i, p);
      s.executeUpdate();
    }
    history(p.id(), null, p.state().name(), "created");
  }

  /**
   * The payment {@code id}, locked until this transaction ends (changes to one payment are
   * serialized).
   */
  public Optional<PaymentRecord> lockPayment(String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT " + PaymentRows.COLUMNS + " FROM payments WHERE id = ? FOR UPDATE")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(PaymentRows.read(rs)) : Optional.empty();
      }
    }
  }

  /**
   * Commits a change of a payment locked by {@link #lockPayment}: its row, a history line when its
   * state moved (or it failed over to another provider), and when the reconciler looks at it next
   * ({@code null}: never again).
   *
   * @param cause what changed it, for the history (an API call, a callback, the reconciler)
   * @param providerCalled whether billing just called the provider (callback lag is measured from
   *     then)
   */
  public void savePayment(
      PaymentRecord before,
      PaymentRecord after,
      String cause,
      Instant nextCheckAt,
      boolean providerCalled)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE payments SET state = ?, outcome_unknown = ?, provider = ?, "
                + "attempt = ?, provider_ref = ?, provider_data = ?, authorized = ?, captured = ?, refunded = ?, disputed = ?, "
                + "capture_requested = ?, failure_reason = ?, failure_code = ?, next_action = ?, expires_at = ?, "
                + "updated_at = ?, version = ?, next_check_at = ?, provider_called_at = CASE WHEN ? THEN ? ELSE "
                + "provider_called_at END WHERE id = ?")) {
      int i = PaymentRows.bindMutable(s, 1, after);
      s.setTimestamp(i++, PaymentRows.timestamp(nextCheckAt));
      s.setBoolean(i++, providerCalled);
      s.setTimestamp(i++, PaymentRows.timestamp(now));
      s.setString(i, after.id());
      if (s.executeUpdate() != 1) {
        throw new SQLException("payment " + after.id() + " vanished", "XX000");
      }
    }
    if (before.state() != after.state() || before.attempt() != after.attempt()) {
      history(after.id(), before.state().name(), after.state().name(), cause);
    }
  }

  /** Moves when the reconciler looks at {@code paymentId} next. */
  public void scheduleCheck(String paymentId, Instant at) throws SQLException {
    update("UPDATE payments SET next_check_at = ? WHERE id = ?", at, paymentId);
  }

  /** When billing last called the provider about {@code paymentId}. */
  public Optional<Instant> providerCalledAt(String paymentId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT provider_called_at FROM payments WHERE id = ?")) {
      s.setString(1, paymentId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next()
            ? Optional.ofNullable(PaymentRows.instant(rs.getTimestamp(1)))
            : Optional.empty();
      }
    }
  }

  /** Appends {@code postings} about {@code paymentId} at {@code provider} to the ledger. */
  public void post(String paymentId, String provider, List<LedgerPosting> postings)
      throws SQLException {
    if (postings.isEmpty()) {
      return;
    }
    try (PreparedStatement tx =
            c.prepareStatement(
                "INSERT INTO ledger_transactions (payment_id, kind, provider, "
                    + "currency, external_ref, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
        PreparedStatement entry =
            c.prepareStatement(
                "INSERT INTO ledger_entries (transaction_id, account, currency, "
                    + "amount) VALUES (?, ?, ?, ?)")) {
      for (LedgerPosting posting : postings) {
        tx.setString(1, paymentId);
        tx.setString(2, posting.kind().name());
        tx.setString(3, provider);
        tx.setString(4, posting.currency());
        tx.setString(5, posting.externalRef());
        tx.setTimestamp(6, PaymentRows.timestamp(now));
        long id;
        try (ResultSet rs = tx.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
        for (LedgerEntry e : posting.entries()) {
          entry.setLong(1, id);
          entry.setString(2, e.account());
          entry.setString(3, posting.currency());
          entry.setLong(4, e.amount());
          entry.addBatch();
        }
      }
      entry.executeBatch();
    }
  }

  /**
   * Records that callback {@code eventId} of {@code provider} is applied in this transaction.
   *
   * @return false when it was applied before (a duplicate: change nothing)
   */
  public boolean recordEvent(String provider, String eventId, String paymentId, String type)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO provider_events (provider, event_id, payment_id, type, "
                + "received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (provider, event_id) DO NOTHING")) {
      s.setString(1, provider);
      s.setString(2, eventId);
      s.setString(3, paymentId);
      s.setString(4, type.length() > 100 ? type.substring(0, 100) : type);
      s.setTimestamp(5, PaymentRows.timestamp(now));
      return s.executeUpdate() == 1;
    }
  }

  /** Inserts a refund. */
  public void insertRefund(RefundRecord r) throws SQLException {
    update(
        "INSERT INTO refunds (id, payment_id, amount, status, provider_ref, created_at, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?)",
        r.id(),
        r.paymentId(),
        r.amount(),
        r.status().name(),
        r.providerRef().orElse(null),
        r.createdAt(),
        now);
  }

  /** The refund {@code id}, locked. */
  public Optional<RefundRecord> lockRefund(String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, payment_id, amount, status, provider_ref, created_at "
                + "FROM refunds WHERE id = ? FOR UPDATE")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(PaymentStore.refund(rs)) : Optional.empty();
      }
    }
  }

  /** The amount of {@code paymentId}'s refunds still waiting for their provider's answer. */
  public long pendingRefunds(String paymentId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT coalesce(sum(amount), 0) FROM refunds WHERE payment_id = ? "
                + "AND status = 'PENDING'")) {
      s.setString(1, paymentId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The refunds of {@code paymentId}, oldest first. */
  public List<RefundRecord> refunds(String paymentId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, payment_id, amount, status, provider_ref, created_at "
                + "FROM refunds WHERE payment_id = ? ORDER BY created_at, id")) {
      s.setString(1, paymentId);
      List<RefundRecord> out = new java.util.ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(PaymentStore.refund(rs));
        }
      }
      return out;
    }
  }

  /** Sets a refund's outcome. */
  public void finishRefund(String id, RefundRecord.Status status, String providerRef)
      throws SQLException {
    update(
        "UPDATE refunds SET status = ?, provider_ref = ?, updated_at = ? WHERE id = ?",
        status.name(),
        providerRef,
        now,
        id);
  }

  private void history(String paymentId, String from, String to, String cause) throws SQLException {
    update(
        "INSERT INTO payment_history (payment_id, from_state, to_state, cause, at) VALUES (?, ?, ?, ?, ?)",
        paymentId,
        from,
        to,
        cause.length() > 200 ? cause.substring(0, 200) : cause,
        now);
  }

  private int update(String sql, Object... values) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        Object v = values[i];
        if (v instanceof Instant at) {
          s.setTimestamp(i + 1, PaymentRows.timestamp(at));
        } else {
          s.setObject(i + 1, v);
        }
      }
      return s.executeUpdate();
    }
  }
}
