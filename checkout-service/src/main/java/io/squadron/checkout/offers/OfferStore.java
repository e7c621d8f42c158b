package io.squadron.checkout.offers;

import static java.util.Objects.requireNonNull;

import io.squadron.store.postgres.PostgresStore;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Offer codes in PostgreSQL. A session quoting a code reserves one use in one transaction: the
 * user's row is inserted (the primary key refuses a second use by the same user), then {@code used}
 * is incremented only while below the limit (a conditional update PostgreSQL serializes on the
 * code's row, so racers for the last use cannot both win). When either is refused, the code's
 * reservations past their expiry are released and it is tried once more. Release deletes the
 * reservation and gives the use back; redemption marks it paid.
 */
public final class OfferStore {
  private static final String RELEASE_EXPIRED =
      """
      WITH gone AS (DELETE FROM offer_redemptions WHERE code = ? AND state = 'RESERVED' AND expires_at <= ?
                    RETURNING 1)
      UPDATE offer_codes SET used = used - (SELECT count(*) FROM gone) WHERE code = ? AND EXISTS (SELECT 1 FROM gone)
      """;
  private static final String SELECT =
      "SELECT code, percent_off, amount_off, currency, trial_days, max_redemptions,"
          + " expires_at, countries, used, disabled FROM offer_codes WHERE code = ?";
  private static final String DISABLE = "UPDATE offer_codes SET disabled = true WHERE code = ?";
  private static final String INSERT_RESERVATION =
      "INSERT INTO offer_redemptions (code, user_id, session_id, state,"
          + " expires_at) VALUES (?, ?, ?, 'RESERVED', ?) ON CONFLICT DO NOTHING";
  private static final String TAKE_USE =
      "UPDATE offer_codes SET used = used + 1 WHERE code = ?" + " AND used < max_redemptions";
  private static final String DELETE_RESERVATION =
      "DELETE FROM offer_redemptions WHERE code = ? AND session_id = ?" + " AND state = 'RESERVED'";
  private static final String GIVE_BACK = "UPDATE offer_codes SET used = used - 1 WHERE code = ?";
  private static final String REDEEM =
      "UPDATE offer_redemptions SET state = 'REDEEMED' WHERE code = ?" + " AND session_id = ?";
  private static final String EXTEND =
      "UPDATE offer_redemptions SET expires_at = ? WHERE code = ? AND session_id = ?"
          + " AND state = 'RESERVED'";
  private static final String UPSERT =
      """
      INSERT INTO offer_codes (code, percent_off, amount_off, currency, trial_days, max_redemptions, expires_at,
                               countries)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (code) DO NOTHING
      """;

  private final DataSource dataSource;

  public OfferStore(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
  }

  /**
   * Adds {@code offer} unless a code of that name exists (existing codes keep their terms and
   * counts).
   *
   * @return whether it was added
   */
  public boolean addIfMissing(Offer offer) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(UPSERT)) {
      s.setString(1, offer.code());
      s.setInt(2, offer.percentOff());
      s.setLong(3, offer.amountOff());
      s.setString(4, offer.currency().orElse(null));
      s.setInt(5, offer.trialDays());
      s.setInt(6, offer.maxRedemptions());
      s.setTimestamp(7, Timestamp.from(offer.expiresAt()));
      s.setArray(8, c.createArrayOf("text", offer.countries().toArray()));
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw PostgresStore.unavailable("add offer code", e);
    }
  }

  /**
   * Reserves one use of {@code code} for {@code userId}'s session until {@code until}, checked
   * against the country and currency of the session at {@code now}.
   *
   * @return the offer's terms
   * @throws OfferUnavailableException when it cannot be applied (nothing is reserved then)
   */
  public Offer reserve(
      String code,
      String userId,
      String sessionId,
      String country,
      String currency,
      Instant now,
      Instant until) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Offer offer = reserve(c, code, userId, sessionId, country, currency, now, until);
        c.commit();
        return offer;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("reserve offer code", e);
    }
  }

  /**
   * As {@link #reserve(String, String, String, String, String, Instant, Instant)}, in {@code tx}
   * (which the caller commits, or rolls back when this throws).
   */
  public static Offer reserve(
      Connection tx,
      String code,
      String userId,
      String sessionId,
      String country,
      String currency,
      Instant now,
      Instant until)
      throws SQLException {
    Connection c = requireNonNull(tx, "tx");
    Optional<StoredOffer> found = find(c, code);
    if (found.isEmpty()) {
      throw new OfferUnavailableException(
          OfferUnavailableException.Why.NOT_APPLICABLE, "no such offer code");
    }
    Offer offer = found.get().offer();
    if (found.get().disabled()) {
      throw new OfferUnavailableException(
          OfferUnavailableException.Why.NOT_APPLICABLE, "the offer code is no longer offered");
    }
    if (!now.isBefore(offer.expiresAt())) {
      throw new OfferUnavailableException(
          OfferUnavailableException.Why.NOT_APPLICABLE, "the offer code expired");
    }
    if (!offer.countries().isEmpty() && !offer.countries().contains(country)) {
      throw new OfferUnavailableException(
          OfferUnavailableException.Why.NOT_APPLICABLE,
          "the offer code is not valid in " + country);
    }
    if (offer.amountOff() > 0 && !offer.currency().orElseThrow().equals(currency)) {
      throw new OfferUnavailableException(
          OfferUnavailableException.Why.NOT_APPLICABLE,
          "the offer code is not valid for prices in " + currency);
    }
    // Reservations past their expiry are released only when they are in the way (this user's
    // expired one, or the last uses): the common reservation costs no extra statement.
    if (!insertReservation(c, code, userId, sessionId, until)
        && (!releaseExpired(c, code, now)
            || !insertReservation(c, code, userId, sessionId, until))) {
      throw new OfferUnavailableException(
          OfferUnavailableException.Why.ALREADY_USED,
          "this offer code was already used by this user");
    }
    if (!takeUse(c, code) && (!releaseExpired(c, code, now) || !takeUse(c, code))) {
      throw new OfferUnavailableException(
          OfferUnavailableException.Why.NOT_APPLICABLE, "every use of the offer code is taken");
    }
    return offer;
  }

  /** Releases the code's reservations past their expiry; whether there were any. */
  private static boolean releaseExpired(Connection c, String code, Instant now)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(RELEASE_EXPIRED)) {
      s.setString(1, code);
      s.setTimestamp(2, Timestamp.from(now));
      s.setString(3, code);
      return s.executeUpdate() > 0;
    }
  }

  private static boolean insertReservation(
      Connection c, String code, String userId, String sessionId, Instant until)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT_RESERVATION)) {
      s.setString(1, code);
      s.setString(2, userId);
      s.setString(3, sessionId);
      s.setTimestamp(4, Timestamp.from(until));
      return s.executeUpdate() == 1;
    }
  }

  private static boolean takeUse(Connection c, String code) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(TAKE_USE)) {
      s.setString(1, code);
      return s.executeUpdate() == 1;
    }
  }

  /** Gives back the use {@code sessionId} reserved, if it still holds one (idempotent). */
  public void release(String code, String sessionId) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        release(c, code, sessionId);
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("release offer code", e);
    }
  }

  /** As {@link #release(String, String)}, in {@code tx}. */
  public static void release(Connection tx, String code, String sessionId) throws SQLException {
    try (PreparedStatement delete = tx.prepareStatement(DELETE_RESERVATION);
        PreparedStatement giveBack = tx.prepareStatement(GIVE_BACK)) {
      delete.setString(1, code);
      delete.setString(2, sessionId);
      if (delete.executeUpdate() == 1) {
        giveBack.setString(1, code);
        giveBack.executeUpdate();
      }
    }
  }

  /**
   * Marks the reservation of {@code sessionId} redeemed (its payment succeeded), in {@code tx}; a
   * reservation already released (the session expired before the payment finished) stays released.
   */
  public static void redeem(Connection tx, String code, String sessionId) throws SQLException {
    try (PreparedStatement s = tx.prepareStatement(REDEEM)) {
      s.setString(1, code);
      s.setString(2, sessionId);
      s.executeUpdate();
    }
  }

  /**
   * Forgets who used codes (the user was deleted): the user's reservations are released, and the
   * user's redemptions keep counting as uses under an anonymous name ({@code (deleted):<session>}).
   */
  public static void forgetUser(Connection tx, String userId) throws SQLException {
    try (PreparedStatement release =
            tx.prepareStatement(
                """
                WITH gone AS (DELETE FROM offer_redemptions WHERE user_id = ? AND state = 'RESERVED'
                              RETURNING code)
                UPDATE offer_codes c SET used = c.used - g.n
                FROM (SELECT code, count(*) AS n FROM gone GROUP BY code) g WHERE c.code = g.code
                """);
        PreparedStatement anonymise =
            tx.prepareStatement(
                "UPDATE offer_redemptions SET user_id = '(deleted):' || session_id WHERE user_id = ?")) {
      release.setString(1, userId);
      release.executeUpdate();
      anonymise.setString(1, userId);
      anonymise.executeUpdate();
    }
  }

  /**
   * Keeps the reservation until {@code until} (a payment is under way and may finish after the
   * session's expiry).
   */
  public void extend(String code, String sessionId, Instant until) {
    update(
        EXTEND,
        "extend offer code reservation",
        s -> {
          s.setTimestamp(1, Timestamp.from(until));
          s.setString(2, code);
          s.setString(3, sessionId);
        });
  }

  /**
   * An offer code as stored: its terms, the uses taken (reserved or redeemed), whether an operator
   * disabled it.
   */
  public record StoredOffer(Offer offer, int used, boolean disabled) {}

  /** The code {@code code}, if it exists. */
  public Optional<StoredOffer> find(String code) {
    try (Connection c = dataSource.getConnection()) {
      return find(c, code);
    } catch (SQLException e) {
      throw PostgresStore.unavailable("read offer code", e);
    }
  }

  /**
   * Disables {@code code}: no new reservation (idempotent).
   *
   * @return the code after the change, empty if there is no such code
   */
  public Optional<StoredOffer> disable(String code) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(DISABLE)) {
      s.setString(1, code);
      if (s.executeUpdate() == 0) {
        return Optional.empty();
      }
      return find(c, code);
    } catch (SQLException e) {
      throw PostgresStore.unavailable("disable offer code", e);
    }
  }

  /** The uses taken (reserved or redeemed) of {@code code}, or empty for an unknown code. */
  public Optional<Integer> used(String code) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT used FROM offer_codes WHERE code = ?")) {
      s.setString(1, code);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getInt(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("read offer code", e);
    }
  }

  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  private void update(String sql, String operation, Binder binder) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      s.executeUpdate();
    } catch (SQLException e) {
      throw PostgresStore.unavailable(operation, e);
    }
  }

  private static Optional<StoredOffer> find(Connection c, String code) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SELECT)) {
      s.setString(1, code);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        Array countries = r.getArray(8);
        List<String> list = Arrays.asList((String[]) countries.getArray());
        return Optional.of(
            new StoredOffer(
                new Offer(
                    r.getString(1),
                    r.getInt(2),
                    r.getLong(3),
                    Optional.ofNullable(r.getString(4)),
                    r.getInt(5),
                    r.getInt(6),
                    r.getTimestamp(7).toInstant(),
                    list),
                r.getInt(9),
                r.getBoolean(10)));
      }
    }
  }
}
