package io.squadron.checkout.entitlements;

import static java.util.Objects.requireNonNull;

import io.squadron.store.postgres.PostgresStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Entitlements in checkout's PostgreSQL database. Writes take the caller's transaction: a grant
 * commits with the session's completion, a revocation with the consumer's record of the event.
 */
public final class EntitlementStore {
  /** Why an entitlement ended. */
  public enum Revocation {
    REFUNDED,
    DISPUTED
  }

  private static final String GRANT =
      "INSERT INTO entitlements (payment_id, user_id, plan_id, country, session_id, granted_at,"
          + " trial_ends_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (payment_id) DO NOTHING";
  private static final String REVOKE =
      "UPDATE entitlements SET revoked_at = ?, revoked_reason = ? WHERE payment_id = ?"
          + " AND revoked_at IS NULL";
  private static final String BY_USER =
      "SELECT payment_id, user_id, plan_id, country, session_id, granted_at, trial_ends_at,"
          + " revoked_at, revoked_reason FROM entitlements WHERE user_id = ?"
          + " ORDER BY granted_at DESC, payment_id";
  private static final String DELETE_USER = "DELETE FROM entitlements WHERE user_id = ?";

  private final DataSource dataSource;

  public EntitlementStore(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
  }

  /**
   * Grants {@code e} in {@code tx} unless its payment already granted one.
   *
   * @return whether this call granted it
   */
  public static boolean grant(Connection tx, Entitlement e) throws SQLException {
    try (PreparedStatement s = tx.prepareStatement(GRANT)) {
      s.setString(1, e.paymentId());
      s.setString(2, e.userId());
      s.setString(3, e.planId());
      s.setString(4, e.country());
      s.setString(5, e.sessionId());
      s.setTimestamp(6, Timestamp.from(e.grantedAt()));
      s.setTimestamp(7, e.trialEndsAt().map(Timestamp::from).orElse(null));
      return s.executeUpdate() == 1;
    }
  }

  /**
   * Revokes the entitlement {@code paymentId} granted, if it is active.
   *
   * @return whether this call revoked it
   */
  public static boolean revoke(Connection tx, String paymentId, Revocation why, Instant at)
      throws SQLException {
    try (PreparedStatement s = tx.prepareStatement(REVOKE)) {
      s.setTimestamp(1, Timestamp.from(at));
      s.setString(2, why.name());
      s.setString(3, paymentId);
      return s.executeUpdate() == 1;
    }
  }

  /** Deletes every entitlement of {@code userId} (the user was deleted). */
  public static int deleteUser(Connection tx, String userId) throws SQLException {
    try (PreparedStatement s = tx.prepareStatement(DELETE_USER)) {
      s.setString(1, userId);
      return s.executeUpdate();
    }
  }

  /** The entitlements of {@code userId}, newest grant first. */
  public List<Entitlement> ofUser(String userId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(BY_USER)) {
      s.setString(1, userId);
      List<Entitlement> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(
              new Entitlement(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getString(5),
                  r.getTimestamp(6).toInstant(),
                  instant(r.getTimestamp(7)),
                  instant(r.getTimestamp(8)),
                  Optional.ofNullable(r.getString(9))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw PostgresStore.unavailable("read entitlements", e);
    }
  }

  private static Optional<Instant> instant(Timestamp t) {
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }
}
