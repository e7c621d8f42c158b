package io.squadron.checkout.session;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.Quote;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.Step;
import io.squadron.store.postgres.PostgresStore;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Checkout sessions in PostgreSQL. Updates are optimistic ({@code version}): two submissions of the
 * same session racing each other cannot both move it; the loser reads the session again.
 */
public final class SessionStore {
  private static final String COLUMNS =
      "id, user_id, state, plan_id, country, device, offer_code, capabilities,"
          + " quote, step, step_seq, postal_code, vat_id, payment_key, payment_method, payment_id, expires_at, version";
  private static final String INSERT =
      "INSERT INTO checkout_sessions ("
          + COLUMNS
          + ") VALUES"
          + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)";
  private static final String CLAIM_REQUEST =
      "INSERT INTO checkout_requests (caller, request_id, fingerprint, session_id) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT DO NOTHING";
  private static final String SELECT_REQUEST =
      "SELECT fingerprint, session_id FROM checkout_requests WHERE caller = ? AND request_id = ?";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM checkout_sessions WHERE id = ?";
  private static final String SELECT_FOR_UPDATE = SELECT + " FOR UPDATE";
  private static final String UPDATE =
      "UPDATE checkout_sessions SET state = ?, quote = ?, step = ?, step_seq = ?,"
          + " postal_code = ?, vat_id = ?, payment_key = ?, payment_method = ?, payment_id = ?, expires_at = ?,"
          + " version = version + 1 WHERE id = ? AND version = ?";

  private final DataSource dataSource;

  public SessionStore(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
  }

  /** A create's request id (AIP-155) with the caller that sent it: two callers never share one. */
  public record RequestKey(String caller, UUID requestId) {
    public RequestKey {
      requireNonNull(caller, "caller");
      requireNonNull(requestId, "requestId");
    }
  }

  /** What a create found: the session it made, or the one an earlier create with its key made. */
  public sealed interface Created permits Created.New, Created.Earlier {
    /** A new session (stored). */
    record New(SessionRecord session) implements Created {}

    /**
     * An earlier create with the same request key made {@code sessionId}; {@code sameRequest} tells
     * whether it had the same fingerprint (the same fields).
     */
    record Earlier(String sessionId, boolean sameRequest) implements Created {}
  }

  /** Builds a new session inside the transaction that stores it (e.g. reserving its offer code). */
  @FunctionalInterface
  public interface TxBuild {
    SessionRecord build(Connection tx) throws SQLException;
  }

  /**
   * Stores the session {@code build} makes, in one transaction with what {@code build} does in it.
   * The session's id is {@code sessionId}. With a request key, the key is claimed first: when an
   * earlier create holds it (a retry, or a concurrent create with the same key, whose transaction
   * this one waits for), nothing is built and the earlier create's session is the answer.
   */
  public Created create(
      Optional<RequestKey> key, byte[] fingerprint, String sessionId, TxBuild build) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Optional<Created.Earlier> earlier =
            key.isEmpty() ? Optional.empty() : claim(c, key.get(), fingerprint, sessionId);
        if (earlier.isPresent()) {
          c.rollback();
          return earlier.get();
        }
        SessionRecord r = build.build(c);
        if (!r.id().equals(sessionId)) {
          throw new IllegalArgumentException("built session " + r.id() + ", expected " + sessionId);
        }
        insert(c, r);
        c.commit();
        return new Created.New(r);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("create checkout session", e);
    }
  }

  /** Claims {@code key}, or answers the earlier create that holds it. */
  private static Optional<Created.Earlier> claim(
      Connection c, RequestKey key, byte[] fingerprint, String sessionId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CLAIM_REQUEST)) {
      s.setString(1, key.caller());
      s.setObject(2, key.requestId());
      s.setBytes(3, fingerprint);
      s.setString(4, sessionId);
      if (s.executeUpdate() == 1) {
        return Optional.empty();
      }
    }
    // The conflicting insert waited for the holder's transaction, so its row is committed now.
    try (PreparedStatement s = c.prepareStatement(SELECT_REQUEST)) {
      s.setString(1, key.caller());
      s.setObject(2, key.requestId());
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("request id claim vanished", "40001");
        }
        return Optional.of(
            new Created.Earlier(r.getString(2), MessageDigest.isEqual(r.getBytes(1), fingerprint)));
      }
    }
  }

  private static void insert(Connection c, SessionRecord r) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, r.id());
      s.setString(2, r.userId());
      s.setString(3, r.state().name());
      s.setString(4, r.planId());
      s.setString(5, r.country());
      s.setString(6, r.device().name());
      s.setString(7, r.offerCode().orElse(null));
      s.setArray(8, c.createArrayOf("text", r.capabilities().toArray()));
      s.setBytes(9, r.quote().toByteArray());
      s.setBytes(10, r.step().toByteArray());
      s.setInt(11, r.stepSeq());
      s.setString(12, r.postalCode().orElse(null));
      s.setString(13, r.vatId().orElse(null));
      s.setString(14, r.paymentKey().orElse(null));
      s.setBytes(15, r.paymentMethod().map(PaymentMethod::toByteArray).orElse(null));
      s.setString(16, r.paymentId().orElse(null));
      s.setTimestamp(17, Timestamp.from(r.expiresAt()));
      s.executeUpdate();
    }
  }

  /** The session with this id. */
  public Optional<SessionRecord> find(String id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(SELECT)) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(read(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("read checkout session", e);
    }
  }

  /**
   * Replaces the session if nobody changed it since {@code r} was read.
   *
   * @return whether it was replaced
   */
  public boolean update(SessionRecord r) {
    // One statement: autocommit, so no separate COMMIT round trip.
    try (Connection c = dataSource.getConnection()) {
      return update(c, r);
    } catch (SQLException e) {
      throw PostgresStore.unavailable("update checkout session", e);
    }
  }

  /** Work that commits with a session's update. */
  @FunctionalInterface
  public interface TxWork {
    void run(Connection tx) throws SQLException;
  }

  /**
   * Replaces the session if nobody changed it since {@code r} was read, and runs {@code alsoDo} in
   * the same transaction (only when it was replaced).
   *
   * @return whether it was replaced
   */
  public boolean update(SessionRecord r, TxWork alsoDo) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean replaced = update(c, r);
        if (replaced) {
          alsoDo.run(c);
        }
        c.commit();
        return replaced;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("update checkout session", e);
    }
  }

  /** The session with this id, locked until {@code tx} ends. */
  public static Optional<SessionRecord> findForUpdate(Connection tx, String id)
      throws SQLException {
    try (PreparedStatement s = tx.prepareStatement(SELECT_FOR_UPDATE)) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(read(r)) : Optional.empty();
      }
    }
  }

  /**
   * Replaces the session in {@code tx} if nobody changed it since {@code r} was read.
   *
   * @return whether it was replaced
   */
  public static boolean update(Connection tx, SessionRecord r) throws SQLException {
    try (PreparedStatement s = tx.prepareStatement(UPDATE)) {
      s.setString(1, r.state().name());
      s.setBytes(2, r.quote().toByteArray());
      s.setBytes(3, r.step().toByteArray());
      s.setInt(4, r.stepSeq());
      s.setString(5, r.postalCode().orElse(null));
      s.setString(6, r.vatId().orElse(null));
      s.setString(7, r.paymentKey().orElse(null));
      s.setBytes(8, r.paymentMethod().map(PaymentMethod::toByteArray).orElse(null));
      s.setString(9, r.paymentId().orElse(null));
      s.setTimestamp(10, Timestamp.from(r.expiresAt()));
      s.setString(11, r.id());
      s.setInt(12, r.version());
      return s.executeUpdate() == 1;
    }
  }

  private static SessionRecord read(ResultSet r) throws SQLException {
    try {
      byte[] method = r.getBytes(15);
      return new SessionRecord(
          r.getString(1),
          r.getString(2),
          SessionState.valueOf(r.getString(3)),
          r.getString(4),
          r.getString(5),
          Device.valueOf(r.getString(6)),
          Optional.ofNullable(r.getString(7)),
          Arrays.asList((String[]) r.getArray(8).getArray()),
          Quote.parseFrom(r.getBytes(9)),
          Step.parseFrom(r.getBytes(10)),
          r.getInt(11),
          Optional.ofNullable(r.getString(12)),
          Optional.ofNullable(r.getString(13)),
          Optional.ofNullable(r.getString(14)),
          method == null ? Optional.empty() : Optional.of(PaymentMethod.parseFrom(method)),
          Optional.ofNullable(r.getString(16)),
          r.getTimestamp(17).toInstant(),
          r.getInt(18));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "checkout session " + r.getString(1) + " has an unreadable quote or step", e);
    }
  }
}
