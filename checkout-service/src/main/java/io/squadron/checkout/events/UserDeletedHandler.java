package io.squadron.checkout.events;

import io.squadron.checkout.entitlements.EntitlementStore;
import io.squadron.checkout.offers.OfferStore;
import io.squadron.checkout.session.SessionOutcomes;
import io.squadron.events.consumer.NonRetryableEventException;
import io.squadron.events.consumer.ReceivedEvent;
import io.squadron.proto.userdb.events.v1.UserDeleted;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * userdb's {@code UserDeleted}: checkout forgets the user, in one transaction. Entitlements are
 * deleted (a deleted account has no plan, and the row would only say who bought what). Sessions
 * stay, as records of payments billing also keeps, but anonymised: the user id becomes {@link
 * SessionOutcomes#DELETED_USER}, the postal code, VAT id and payment method are cleared, and an
 * open session is cancelled with its step emptied (a form may hold what was typed). Offer-code
 * reservations are given back; redemptions keep counting as uses under an anonymous name. A payment
 * that succeeds later on such a session completes it but grants nothing.
 */
public final class UserDeletedHandler {
  private static final String ANONYMISE_SESSIONS =
      "UPDATE checkout_sessions SET user_id = ?, postal_code = NULL, vat_id = NULL,"
          + " payment_method = NULL,"
          + " step = CASE WHEN state = 'OPEN' THEN '\\x'::bytea ELSE step END,"
          + " state = CASE WHEN state = 'OPEN' THEN 'CANCELLED' ELSE state END,"
          + " version = version + 1 WHERE user_id = ?";

  /** Forgets {@code event}'s user. */
  public void deleted(ReceivedEvent<UserDeleted> event, Connection tx)
      throws SQLException, NonRetryableEventException {
    String userId = event.payload().getUserId();
    if (userId.isEmpty()) {
      throw new NonRetryableEventException("UserDeleted without a user id");
    }
    OfferStore.forgetUser(tx, userId);
    EntitlementStore.deleteUser(tx, userId);
    try (PreparedStatement s = tx.prepareStatement(ANONYMISE_SESSIONS)) {
      s.setString(1, SessionOutcomes.DELETED_USER);
      s.setString(2, userId);
      s.executeUpdate();
    }
  }
}
