package io.squadron.providers.sim.provider;

import java.util.Map;

/**
 * What a card number does, the same at every card-based provider (their own decline vocabularies
 * are mapped from these canonical outcomes). Any other number that passes the Luhn check succeeds.
 *
 * <table>
 *   <caption>Test cards</caption>
 *   <tr><th>number</th><th>outcome</th></tr>
 *   <tr><td>4242424242424242, 5555555555554444, 378282246310005</td><td>succeeds (visa, mastercard, amex)</td></tr>
 *   <tr><td>4000000000009995</td><td>declined: insufficient funds</td></tr>
 *   <tr><td>4000000000000002</td><td>declined: generic decline</td></tr>
 *   <tr><td>4000000000000069</td><td>declined: expired card</td></tr>
 *   <tr><td>4000000000000127</td><td>declined: incorrect CVC</td></tr>
 *   <tr><td>4100000000000019</td><td>declined: fraud suspected</td></tr>
 *   <tr><td>4000000000000119</td><td>declined: processing error</td></tr>
 *   <tr><td>4000000000003220</td><td>requires a 3-D Secure challenge; the payer passes or fails it</td></tr>
 *   <tr><td>4000008400001629</td><td>requires a 3-D Secure challenge that always fails</td></tr>
 * </table>
 */
public final class TestCards {
  /** The canonical outcome of a card. */
  public enum Outcome {
    SUCCEED,
    INSUFFICIENT_FUNDS,
    GENERIC_DECLINE,
    EXPIRED_CARD,
    INCORRECT_CVC,
    FRAUD,
    PROCESSING_ERROR,
    THREE_DS,
    THREE_DS_FAILS;

    /** Whether the card needs a 3-D Secure challenge. */
    public boolean threeDs() {
      return this == THREE_DS || this == THREE_DS_FAILS;
    }

    /** Whether the card is declined outright. */
    public boolean declined() {
      return this != SUCCEED && !threeDs();
    }
  }

  private static final Map<String, Outcome> CARDS =
      Map.of(
          "4000000000009995", Outcome.INSUFFICIENT_FUNDS,
          "4000000000000002", Outcome.GENERIC_DECLINE,
          "4000000000000069", Outcome.EXPIRED_CARD,
          "4000000000000127", Outcome.INCORRECT_CVC,
          "4100000000000019", Outcome.FRAUD,
          "4000000000000119", Outcome.PROCESSING_ERROR,
          "4000000000003220", Outcome.THREE_DS,
          "4000008400001629", Outcome.THREE_DS_FAILS);

  private TestCards() {}

  /** The outcome of {@code number}. */
  public static Outcome outcome(String number) {
    return CARDS.getOrDefault(number, Outcome.SUCCEED);
  }
}
