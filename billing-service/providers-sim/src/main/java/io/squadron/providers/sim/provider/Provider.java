package io.squadron.providers.sim.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Payment;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.Json;
import java.util.List;

/**
 * One simulated payment provider: its API (routes below {@code /<name>}), how it shows a payment,
 * its error shape and decline codes, what happens when simulated time passes ({@link #onTimer}) and
 * when the payer acts ({@link #onCustomer}: approves in the wallet, pays the voucher, enters the
 * PIN...). Every method runs while holding the provider's lock, inside one transaction ({@link
 * Ctx}).
 */
public abstract class Provider {
  private final String name;
  private final String displayName;
  private final String method;
  private final Fees fees;

  /**
   * @param name the path segment and identifier ({@code cardpay})
   * @param displayName a name for humans
   * @param method the payment method type, as in the README's table
   * @param fees the price list
   */
  protected Provider(String name, String displayName, String method, Fees fees) {
    this.name = name;
    this.displayName = displayName;
    this.method = method;
    this.fees = fees;
  }

  /** The identifier and path segment. */
  public final String name() {
    return name;
  }

  /** A name for humans. */
  public final String displayName() {
    return displayName;
  }

  /** The payment method type. */
  public final String method() {
    return method;
  }

  /** The price list. */
  public final Fees fees() {
    return fees;
  }

  /** Declares the API. */
  public abstract void routes(Routes routes);

  /** The payment as this provider's API shows it. */
  public abstract ObjectNode view(Payment payment);

  /** This provider's decline codes (the first is the default for injected declines). */
  public abstract List<String> declineCodes();

  /**
   * The error body for {@code error}, in this provider's shape. Default: {@code {"error": {code,
   * message, param}}}.
   */
  public ObjectNode errorBody(ApiError error) {
    ObjectNode body = Json.object();
    ObjectNode e =
        body.putObject("error").put("code", error.code()).put("message", error.getMessage());
    if (error.field() != null) {
      e.put("param", error.field());
    }
    return body;
  }

  /** The HTTP status of {@code error} at this provider (some answer business errors with 200). */
  public int errorStatus(ApiError error) {
    return error.status();
  }

  /** Simulated time reached a timer of {@code payment}. */
  public void onTimer(Ctx ctx, Payment payment, String action) {}

  /** The payer's actions this provider knows ({@link #onCustomer}). */
  public List<String> customerActions() {
    return List.of();
  }

  /**
   * The payer acts on {@code payment}; throws {@link ApiError} if the action does not apply now.
   */
  public void onCustomer(Ctx ctx, Payment payment, String action, ObjectNode body) {
    throw new ApiError(
        400,
        "unknown_action",
        "action: '"
            + action
            + "' is not a customer action of "
            + name
            + " (expected: one of "
            + customerActions()
            + ")",
        "action");
  }

  /**
   * The action the automatic customer takes to approve, or null if this provider never waits for
   * the payer.
   */
  public String autoApproveAction() {
    return null;
  }

  /** The action the automatic customer takes when it does not approve. */
  public String autoDeclineAction() {
    return null;
  }

  /** The provider-specific control operations ({@code POST /_control/providers/<name>/<op>}). */
  public List<String> controlOperations() {
    return List.of();
  }

  /** Runs a provider-specific control operation. */
  public ObjectNode control(Ctx ctx, String operation, ObjectNode body) {
    throw new ApiError(
        404,
        "unknown_operation",
        "operation: '"
            + operation
            + "' is not a control operation of "
            + name
            + " (expected: one of "
            + controlOperations()
            + ")",
        "operation");
  }

  /** Creates the provider's fixed test data when the state is empty (gift cards...). */
  public void init(Ctx ctx) {}

  /** The payment {@code id}, or a 404 in this provider's words. */
  protected static Payment require(Ctx ctx, String id, String what) {
    Payment p = ctx.state().payment(id);
    if (p == null) {
      throw ApiError.notFound(what, id);
    }
    return p;
  }
}
