package io.squadron.billing.provider.adapter;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.squadron.billing.payment.FollowUp;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.provider.OperationNotSupportedException;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.billing.provider.ProviderRejectedException;
import io.squadron.proto.billing.v1.ApproveOnDevice;
import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.NextAction;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.RedirectToUrl;
import io.squadron.proto.billing.v1.ThreeDsChallenge;
import java.util.Currency;

/**
 * What every adapter shares: its HTTP client, name, method and capabilities, and the "not
 * supported" defaults.
 */
abstract class AbstractProvider implements PaymentProvider {
  protected final ProviderHttp http;
  private final PaymentMethodType method;
  private final ProviderCapabilities capabilities;

  AbstractProvider(ProviderHttp http, PaymentMethodType method, ProviderCapabilities capabilities) {
    this.http = requireNonNull(http, "http");
    this.method = requireNonNull(method, "method");
    this.capabilities = requireNonNull(capabilities, "capabilities");
  }

  @Override
  public final String name() {
    return http.provider();
  }

  @Override
  public final PaymentMethodType method() {
    return method;
  }

  @Override
  public final ProviderCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public Observation followUp(PaymentRecord payment, FollowUp followUp) {
    throw new OperationNotSupportedException(name(), "follow-up " + followUp);
  }

  @Override
  public Observation capture(PaymentRecord payment, long amount) {
    throw new OperationNotSupportedException(name(), "captures (it captures by itself)");
  }

  @Override
  public Observation cancel(PaymentRecord payment) {
    throw new OperationNotSupportedException(name(), "cancellation");
  }

  @Override
  public String refund(PaymentRecord payment, long amount, String refundId) {
    throw new OperationNotSupportedException(name(), "refunds");
  }

  /** The provider's id of {@code payment}, which every call after the first needs. */
  protected static String ref(PaymentRecord payment) {
    return payment
        .providerRef()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "payment " + payment.id() + " has no provider reference yet"));
  }

  /** A failure observation with the provider's {@code code}. */
  protected static Observation failed(ProviderPhase phase, String code, String providerRef) {
    return Observation.of(phase)
        .providerRef(providerRef)
        .failure(Declines.reason(code), code)
        .build();
  }

  /**
   * A request the provider refused as invalid at creation: the payment fails, nothing was charged.
   */
  protected static Observation invalid(String code) {
    return Observation.of(ProviderPhase.FAILED)
        .failure(FailureReason.INVALID_REQUEST, code)
        .build();
  }

  /** A refusal of an operation on an existing payment, with the provider's code and message. */
  protected ProviderRejectedException rejected(
      ProviderHttp.Response r, String codePath, String messagePath) {
    String code = r.text(codePath);
    String message = r.text(messagePath);
    return new ProviderRejectedException(
        name(),
        code == null ? Integer.toString(r.status()) : code,
        message == null ? "HTTP " + r.status() : message);
  }

  /** The decimals of {@code currency}. */
  protected static int exponent(String currency) {
    return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
  }

  static NextAction redirect(String url) {
    return url == null
        ? null
        : NextAction.newBuilder().setRedirectToUrl(RedirectToUrl.newBuilder().setUrl(url)).build();
  }

  static NextAction threeDs(String url) {
    return url == null
        ? null
        : NextAction.newBuilder()
            .setThreeDsChallenge(ThreeDsChallenge.newBuilder().setUrl(url))
            .build();
  }

  static NextAction approveOnDevice(String instructions) {
    return NextAction.newBuilder()
        .setApproveOnDevice(ApproveOnDevice.newBuilder().setInstructions(instructions))
        .build();
  }

  static String text(JsonNode node, String path) {
    return io.squadron.billing.provider.Json.text(node, path);
  }

  static long number(JsonNode node, String path) {
    return io.squadron.billing.provider.Json.number(node, path, Observation.UNKNOWN);
  }
}
