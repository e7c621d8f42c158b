package io.squadron.checkout.session;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.Quote;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.Step;
import io.squadron.store.postgres.PostgresStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Optional;
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

  /** Stores a new session. */
  public void insert(SessionRecord r) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(INSERT)) {
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
    } catch (SQLException e) {
      throw PostgresStore.unavailable("create checkout session", e);
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
    return update(r, tx -> {});
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
