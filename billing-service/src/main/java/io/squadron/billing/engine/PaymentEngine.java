package io.squadron.billing.engine;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.billing.event.PaymentEvents;
import io.squadron.billing.ledger.FeeSchedule;
import io.squadron.billing.payment.FollowUp;
import io.squadron.billing.payment.IllegalTransitionException;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.PaymentState;
import io.squadron.billing.payment.PaymentTransitions;
import io.squadron.billing.payment.PaymentTransitions.Applied;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.payment.RefundRecord;
import io.squadron.billing.payment.RouteTable;
import io.squadron.billing.payment.Router;
import io.squadron.billing.provider.OperationNotSupportedException;
import io.squadron.billing.provider.OutcomeUnknownException;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderMetrics;
import io.squadron.billing.provider.ProviderRegistry;
import io.squadron.billing.provider.ProviderRejectedException;
import io.squadron.billing.provider.ProviderUnavailableException;
import io.squadron.billing.store.IdempotencyClaim;
import io.squadron.billing.store.PaymentStore;
import io.squadron.billing.store.StoreTx;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.proto.billing.v1.AvailablePaymentMethod;
import io.squadron.proto.billing.v1.CancelPaymentRequest;
import io.squadron.proto.billing.v1.CancelPaymentResponse;
import io.squadron.proto.billing.v1.CaptureMethod;
import io.squadron.proto.billing.v1.CapturePaymentRequest;
import io.squadron.proto.billing.v1.CapturePaymentResponse;
import io.squadron.proto.billing.v1.ConfirmPaymentRequest;
import io.squadron.proto.billing.v1.ConfirmPaymentResponse;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.CreatePaymentResponse;
import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.ProviderToken;
import io.squadron.proto.billing.v1.RefundPaymentRequest;
import io.squadron.proto.billing.v1.RefundPaymentResponse;
import io.squadron.rpc.errors.RpcErrors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Billing's payment workflow: the API's operations with their idempotency, the attempts at
 * providers with failover, the provider's follow-ups, and the one way every observation (an answer,
 * a callback, a poll) reaches a payment: {@link #observe}, which locks the payment, applies the
 * state machine, appends the ledger and commits it all in one transaction.
 *
 * <p>Idempotency. A mutating call first claims the caller's key (with a lease). The first response
 * once execution has begun (errors that are answers included: declines, illegal transitions,
 * refusals) is stored in the same transaction as the payment change that produced it, and replayed
 * for the same key. Transient failures (a store or provider that did not answer) store nothing and
 * end the lease, so a retry with the same key continues the same work, repeating provider calls
 * with the same provider idempotency keys.
 */
public final class PaymentEngine {
  private static final Logger log = LoggerFactory.getLogger(PaymentEngine.class);

  /**
   * The codes whose error responses are stored for the idempotency key (answers, not transient
   * failures).
   */
  private static final Set<Status.Code> DEFINITIVE =
      EnumSet.of(
          Status.Code.INVALID_ARGUMENT,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.NOT_FOUND,
          Status.Code.OUT_OF_RANGE,
          Status.Code.ALREADY_EXISTS,
          Status.Code.PERMISSION_DENIED);

  private static final int MAX_FOLLOW_UPS = 3;

  /**
   * Idempotency settings.
   *
   * @param lease how long a request holds its key before another may take over (longer than any
   *     request runs)
   * @param ttl how long keys are kept (at least 24 hours)
   * @param operators callers that may read and act on every payment, not only their own
   */
  public record Settings(Duration lease, Duration ttl, Set<String> operators) {
    public Settings {
      requireNonNull(lease, "lease");
      requireNonNull(ttl, "ttl");
      operators = Set.copyOf(operators);
    }
  }

  private final PaymentStore store;
  private final ProviderRegistry providers;
  private final Router router;
  private final InstrumentCrypto crypto;
  private final Map<String, FeeSchedule> fees;
  private final ProviderMetrics metrics;
  private final io.squadron.billing.reconcile.ReconcileSchedule schedule;
  private final Clock clock;
  private final Settings settings;
  private final Function<Throwable, Optional<StatusRuntimeException>> errors;
  private final Supplier<String> ids;
  private final Optional<PaymentEvents> events;

  /**
   * @param errors the service's one mapping of failures to statuses (to store error responses
   *     exactly as sent)
   * @param ids new payment ids ({@link PaymentIds})
   * @param events the events every committed payment change publishes through the outbox (empty:
   *     none)
   */
  public PaymentEngine(
      PaymentStore store,
      ProviderRegistry providers,
      Router router,
      InstrumentCrypto crypto,
      Map<String, FeeSchedule> fees,
      ProviderMetrics metrics,
      io.squadron.billing.reconcile.ReconcileSchedule schedule,
      Clock clock,
      Settings settings,
      Function<Throwable, Optional<StatusRuntimeException>> errors,
      Supplier<String> ids,
      Optional<PaymentEvents> events) {
    this.store = requireNonNull(store, "store");
    this.providers = requireNonNull(providers, "providers");
    this.router = requireNonNull(router, "router");
    this.crypto = requireNonNull(crypto, "crypto");
    this.fees = Map.copyOf(fees);
    this.metrics = requireNonNull(metrics, "metrics");
    this.schedule = requireNonNull(schedule, "schedule");
    this.clock = requireNonNull(clock, "clock");
    this.settings = requireNonNull(settings, "settings");
    this.errors = requireNonNull(errors, "errors");
    this.ids = requireNonNull(ids, "ids");
    this.events = requireNonNull(events, "events");
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Reads

  /** The payment {@code id} as {@code caller} may see it. */
  public Payment get(String caller, String id) {
    PaymentRecord p = owned(caller, id);
    return PaymentViews.payment(p, store.refunds(id));
  }

  /**
   * The methods available for {@code amount} of {@code currency} in {@code country}, in display
   * order.
   */
  public List<AvailablePaymentMethod> available(String country, String currency, long amount) {
    List<AvailablePaymentMethod> out = new ArrayList<>();
    for (PaymentMethodType method : router.table().methods()) {
      RouteTable.MethodRoutes routes = router.table().routes(method).orElseThrow();
      if (!routes.offeredIn(country)
          || amount < routes.minAmount()
          || amount > routes.maxAmount()) {
        continue;
      }
      List<String> usable = new ArrayList<>();
      for (String name : router.table().providers(method, country)) {
        providers
            .get(name)
            .filter(p -> accepts(p.capabilities(), currency, amount))
            .ifPresent(p -> usable.add(name));
      }
      if (usable.isEmpty()) {
        continue;
      }
      ProviderCapabilities caps = providers.require(usable.get(0)).capabilities();
      out.add(
          AvailablePaymentMethod.newBuilder()
              .setType(method)
              .addAllProviders(router.order(method, country, usable))
              .setSupportsPartialAmount(caps.partialAmount())
              .setSupportsManualCapture(
                  usable.stream()
                      .anyMatch(n -> providers.require(n).capabilities().manualCapture()))
              .setSupportsRefunds(caps.refunds() != ProviderCapabilities.Refunds.NONE)
              .addAllRequiredFields(RequiredFields.of(method))
              .build());
    }
    return out;
  }

  private static boolean accepts(ProviderCapabilities caps, String currency, long amount) {
    return caps.takes(currency) && amount <= caps.maxAmount() && amount % caps.amountStep() == 0;
  }

  // ------------------------------------------------------------------------------------------------------------------
  // CreatePayment

  /** Creates and starts a payment; {@code request} is valid (the API checked its fields). */
  public CreatePaymentResponse create(String caller, CreatePaymentRequest request) {
    PaymentMethodType method = request.getPaymentMethod().getType();
    CaptureMethod capture =
        request.getCaptureMethod() == CaptureMethod.MANUAL
            ? CaptureMethod.MANUAL
            : CaptureMethod.AUTOMATIC;
    List<String> order = route(request, capture);
    ReplyFn reply = (p, refunds) -> createReply(p);
    return idempotent(
        caller,
        request.getIdempotencyKey(),
        "CreatePayment",
        request.toBuilder().clearIdempotencyKey().build(),
        CreatePaymentResponse.parser(),
        (key, claim) -> {
          Completion done = new Completion(key, reply);
          if (claim instanceof IdempotencyClaim.TakeOver t && t.paymentId().isPresent()) {
            // The first request died: continue its payment (the same attempt, the same provider
            // keys).
            PaymentRecord p =
                store
                    .find(t.paymentId().get())
                    .orElseThrow(
                        () ->
                            new IllegalStateException(
                                "idempotency key names payment "
                                    + t.paymentId().get()
                                    + ", which does not exist"));
            return done.finish(
                p.state() == PaymentState.PENDING
                    ? start(p, List.of(p.provider()), request.getPaymentMethod(), done, true)
                    : p);
          }
          // Only the request holding the key gets here: the instrument is encrypted (Padlock may be
          // asked for the
          // customer's key) after the claim, so concurrent duplicates answer from the key alone,
          // and outside the
          // claim's transaction, so no connection waits on Padlock. The payment row and the key's
          // link are written
          // together: a request that dies before leaves a key without a payment, which a retry
          // takes over to here.
          byte[] instrument = encrypt(request.getCustomerId(), request.getPaymentMethod());
          Instant now = clock.instant();
          PaymentRecord fresh =
              new PaymentRecord.Builder()
                  .id(ids.get())
                  .caller(caller)
                  .reference(request.getReference())
                  .customerId(request.getCustomerId())
                  .amount(request.getAmount())
                  .currency(request.getCurrency())
                  .country(request.getCountry())
                  .method(method)
                  .captureMethod(capture)
                  .provider(order.get(0))
                  .attempt(1)
                  .instrumentSummary(InstrumentCrypto.summary(request.getPaymentMethod()))
                  .returnUrl(request.getReturnUrl())
                  .description(request.getDescription())
                  .createdAt(now)
                  .updatedAt(now)
                  .version(1)
                  .build();
          store.transaction(
              "insert payment",
              tx -> {
                tx.insertPayment(fresh, instrument, now.plus(settings.lease()));
                tx.linkKey(key.caller(), key.key(), fresh.id());
                tx.rememberCreateKey(fresh.id(), key.key());
                return null;
              });
          return done.finish(start(fresh, order, request.getPaymentMethod(), done));
        });
  }

  private Reply createReply(PaymentRecord p) {
    if (p.state() == PaymentState.FAILED) {
      Payment view = PaymentViews.payment(p, List.of());
      BillingException e =
          p.failureReason().orElse(FailureReason.GENERIC_DECLINE)
                  == FailureReason.PROVIDER_UNAVAILABLE
              ? new BillingException.ProvidersUnavailable(view)
              : new BillingException.Declined(view);
      return Reply.error(status(e));
    }
    return Reply.ok(
        CreatePaymentResponse.newBuilder().setPayment(PaymentViews.payment(p, List.of())).build());
  }

  /** The providers to try for {@code request}, in order; refuses methods not offered for it. */
  private List<String> route(CreatePaymentRequest request, CaptureMethod capture) {
    PaymentMethodType method = request.getPaymentMethod().getType();
    String country = request.getCountry();
    RouteTable.MethodRoutes routes =
        router
            .table()
            .routes(method)
            .orElseThrow(
                () ->
                    new BillingException.MethodNotAvailable(
                        "payment_method.type", method + " is not offered"));
    if (!routes.offeredIn(country)) {
      throw new BillingException.MethodNotAvailable(
          "country", method + " is not offered in " + country);
    }
    if (request.getAmount() < routes.minAmount() || request.getAmount() > routes.maxAmount()) {
      throw new BillingException.MethodNotAvailable(
          "amount",
          method + " takes " + routes.minAmount() + ".." + routes.maxAmount() + " minor units");
    }
    List<String> candidates = new ArrayList<>();
    String refusal = null;
    for (String name : router.table().providers(method, country)) {
      Optional<PaymentProvider> p = providers.get(name);
      if (p.isEmpty()) {
        continue;
      }
      ProviderCapabilities caps = p.get().capabilities();
      if (!caps.takes(request.getCurrency())) {
        refusal =
            "currency: " + method + " does not take " + request.getCurrency() + " in " + country;
      } else if (request.getAmount() > caps.maxAmount()
          || request.getAmount() % caps.amountStep() != 0) {
        refusal =
            "amount: "
                + method
                + " takes multiples of "
                + caps.amountStep()
                + " up to "
                + caps.maxAmount();
      } else if (capture == CaptureMethod.MANUAL && !caps.manualCapture()) {
        refusal = "capture_method: " + method + " captures by itself here (MANUAL is not possible)";
      } else {
        candidates.add(name);
      }
    }
    if (candidates.isEmpty()) {
      String r =
          refusal != null
              ? refusal
              : "payment_method.type: " + method + " has no provider in " + country;
      throw new BillingException.MethodNotAvailable(
          r.substring(0, r.indexOf(':')), r.substring(r.indexOf(':') + 2));
    }
    List<String> usable = candidates;
    if (method == PaymentMethodType.CARD) {
      List<String> tokenized =
          request.getPaymentMethod().getCard().getTokensList().stream()
              .map(ProviderToken::getProvider)
              .toList();
      usable = candidates.stream().filter(tokenized::contains).toList();
      if (usable.isEmpty()) {
        throw new BillingException.MethodNotAvailable(
            "payment_method.card.tokens",
            "no token of an acquirer that "
                + "serves this payment (tokenize the card at one of "
                + candidates
                + ")");
      }
    }
    return router.order(method, country, usable);
  }

  private byte[] encrypt(String customerId, PaymentMethod method) {
    try {
      return crypto.encrypt(customerId, method);
    } catch (PadlockKeyException e) {
      throw keysProblem(e);
    }
  }

  private PaymentMethod decrypt(PaymentRecord p) {
    byte[] ciphertext =
        store
            .instrument(p.id())
            .orElseThrow(
                () -> new IllegalStateException("payment " + p.id() + " has no instrument"));
    try {
      return crypto.decrypt(p.customerId(), ciphertext);
    } catch (PadlockKeyException e) {
      throw keysProblem(e);
    }
  }

  private static RuntimeException keysProblem(PadlockKeyException e) {
    return switch (e.reason()) {
      case KEYS_DELETED, USER_KEYS_NOT_FOUND, CATEGORY_BLOCKED, INVALID ->
          new BillingException.CustomerKeysUnavailable(e.reason().name());
      default -> e;
    };
  }

  /**
   * Starts (or, for a payment whose first answer was lost, repeats) the payment's attempt at each
   * of {@code candidates} in turn: the next only when one was unavailable (nothing processed
   * there). An unknown outcome stops here: the payment stays PENDING and the reconciler repeats the
   * same call until it is answered.
   */
  private PaymentRecord start(
      PaymentRecord initial, List<String> candidates, PaymentMethod instrument, Completion done) {
    return start(initial, candidates, instrument, done, false);
  }

  /**
   * @param resend whether the start may have been sent before (a takeover, the reconciler): then an
   *     unavailable provider proves nothing about the first request (a 503 now says nothing about
   *     then), so the payment stays PENDING instead of failing
   */
  private PaymentRecord start(
      PaymentRecord initial,
      List<String> candidates,
      PaymentMethod instrument,
      Completion done,
      boolean resend) {
    PaymentRecord current = initial;
    for (int i = 0; ; i++) {
      PaymentProvider provider = providers.require(current.provider());
      String method = current.method().name();
      Observation o;
      try {
        o = provider.create(new PaymentProvider.CreateCall(current, instrument));
      } catch (ProviderUnavailableException e) {
        metrics.attempt(provider.name(), method, "unavailable");
        router.record(provider.name(), current.method(), false);
        log.warn("payment {} attempt {}: {}", current.id(), current.attempt(), e.getMessage());
        if (resend) {
          Instant now = clock.instant();
          return commit(
                  current.id(),
                  "repeated start: " + provider.name() + " unavailable",
                  false,
                  null,
                  true,
                  before -> unknown(before, now),
                  done)
              .payment();
        }
        boolean more = i + 1 < candidates.size();
        String next = more ? candidates.get(i + 1) : null;
        Instant now = clock.instant();
        current =
            commit(
                    current.id(),
                    "attempt " + current.attempt() + " at " + provider.name() + " unavailable",
                    false,
                    null,
                    true,
                    before ->
                        more
                            ? failover(before, next, now)
                            : PaymentTransitions.end(
                                before,
                                PaymentState.FAILED,
                                FailureReason.PROVIDER_UNAVAILABLE,
                                null,
                                now),
                    more ? null : done)
                .payment();
        if (!more) {
          return current;
        }
        continue;
      } catch (OutcomeUnknownException e) {
        metrics.attempt(provider.name(), method, "unknown");
        metrics.unknownOutcome(provider.name(), method);
        log.info("payment {} attempt {}: {}", current.id(), current.attempt(), e.getMessage());
        Instant now = clock.instant();
        return commit(
                current.id(),
                "outcome unknown at " + provider.name(),
                true,
                null,
                true,
                before -> unknown(before, now),
                done)
            .payment();
      }
      boolean declined = o.phase() == ProviderPhase.FAILED;
      metrics.attempt(provider.name(), method, declined ? "declined" : "success");
      router.record(provider.name(), current.method(), !declined);
      if (declined) {
        metrics.decline(
            provider.name(),
            method,
            o.failureReason().orElse(FailureReason.GENERIC_DECLINE).name());
      }
      Committed c =
          observeCommit(current.id(), o, "answer of " + provider.name(), true, null, done);
      return followUps(c, done);
    }
  }

  private static Applied failover(PaymentRecord before, String next, Instant now) {
    PaymentRecord after =
        before.toBuilder()
            .provider(next)
            .attempt(before.attempt() + 1)
            .providerRef(null)
            .providerData(Map.of())
            .outcomeUnknown(false)
            .updatedAt(now)
            .version(before.version() + 1)
            .build();
    return new Applied(after, List.of(), true, false, FollowUp.NONE);
  }

  private static Applied unknown(PaymentRecord before, Instant now) {
    PaymentRecord after =
        before.toBuilder()
            .outcomeUnknown(true)
            .nextAction(
                before.state() == PaymentState.PENDING
                    ? PaymentTransitions.poll()
                    : before.nextAction().orElse(null))
            .updatedAt(now)
            .version(before.version() + 1)
            .build();
    return new Applied(after, List.of(), !after.equals(before), false, FollowUp.NONE);
  }

  // ------------------------------------------------------------------------------------------------------------------
  // ConfirmPayment, CapturePayment, CancelPayment

  /** Asks the provider about the payment now (the payer came back) and continues it. */
  public ConfirmPaymentResponse confirm(String caller, ConfirmPaymentRequest request) {
    return idempotent(
        caller,
        request.getIdempotencyKey(),
        "ConfirmPayment",
        request.toBuilder().clearIdempotencyKey().build(),
        ConfirmPaymentResponse.parser(),
        (key, claim) -> {
          PaymentRecord p = owned(caller, request.getPaymentId());
          if (p.state() == PaymentState.FAILED || p.state() == PaymentState.CANCELED) {
            throw new IllegalTransitionException(p.id(), p.state(), "confirm");
          }
          Completion done =
              new Completion(
                  key,
                  (after, refunds) ->
                      Reply.ok(
                          ConfirmPaymentResponse.newBuilder()
                              .setPayment(PaymentViews.payment(after, refunds))
                              .build()));
          return done.finish(sync(p, "confirm", done, true));
        });
  }

  /** Captures {@code amount} (0: everything capturable) of an authorized payment. */
  public CapturePaymentResponse capture(String caller, CapturePaymentRequest request) {
    return idempotent(
        caller,
        request.getIdempotencyKey(),
        "CapturePayment",
        request.toBuilder().clearIdempotencyKey().build(),
        CapturePaymentResponse.parser(),
        (key, claim) -> {
          PaymentRecord p = owned(caller, request.getPaymentId());
          Completion done =
              new Completion(
                  key,
                  (after, refunds) ->
                      Reply.ok(
                          CapturePaymentResponse.newBuilder()
                              .setPayment(PaymentViews.payment(after, refunds))
                              .build()));
          if (p.state() != PaymentState.REQUIRES_CAPTURE) {
            if (claim instanceof IdempotencyClaim.TakeOver
                && p.captureRequested() == 0
                && p.captured() > 0) {
              return done.finish(p); // the first request captured it and died before answering
            }
            throw new IllegalTransitionException(p.id(), p.state(), "capture");
          }
          long capturable = p.authorized() > 0 ? p.authorized() : p.amount();
          long amount = request.getAmount() == 0 ? capturable : request.getAmount();
          if (amount > capturable) {
            throw RpcErrors.invalidArgument(
                "amount", amount + " exceeds the capturable " + capturable);
          }
          PaymentProvider provider = providers.require(p.provider());
          if (amount < capturable && !provider.capabilities().partialCapture()) {
            throw new OperationNotSupportedException(provider.name(), "partial captures");
          }
          if (p.captureRequested() > 0 && p.captureRequested() != amount) {
            throw new IllegalTransitionException(
                p.id(),
                p.state(),
                "a capture of "
                    + amount
                    + " (a capture of "
                    + p.captureRequested()
                    + " is in flight)");
          }
          PaymentRecord requested =
              p.captureRequested() == amount
                  ? p
                  : commit(
                          p.id(),
                          "capture requested",
                          false,
                          null,
                          false,
                          before -> {
                            if (before.state() != PaymentState.REQUIRES_CAPTURE) {
                              throw new IllegalTransitionException(
                                  before.id(), before.state(), "capture");
                            }
                            return new Applied(
                                before.toBuilder()
                                    .captureRequested(amount)
                                    .updatedAt(clock.instant())
                                    .version(before.version() + 1)
                                    .build(),
                                List.of(),
                                true,
                                false,
                                FollowUp.NONE);
                          },
                          null)
                      .payment();
          Observation o =
              call(provider.name(), () -> provider.capture(requested, amount), "capture");
          return done.finish(
              followUps(observeCommit(p.id(), o, "capture", true, null, done), done));
        });
  }

  /** Cancels a payment that took no money. */
  public CancelPaymentResponse cancel(String caller, CancelPaymentRequest request) {
    return idempotent(
        caller,
        request.getIdempotencyKey(),
        "CancelPayment",
        request.toBuilder().clearIdempotencyKey().build(),
        CancelPaymentResponse.parser(),
        (key, claim) -> {
          PaymentRecord p = owned(caller, request.getPaymentId());
          Completion done =
              new Completion(
                  key,
                  (after, refunds) ->
                      Reply.ok(
                          CancelPaymentResponse.newBuilder()
                              .setPayment(PaymentViews.payment(after, refunds))
                              .build()));
          if (p.state() == PaymentState.CANCELED && claim instanceof IdempotencyClaim.TakeOver) {
            return done.finish(p);
          }
          if (p.state() != PaymentState.REQUIRES_ACTION
              && p.state() != PaymentState.REQUIRES_CAPTURE) {
            throw new IllegalTransitionException(p.id(), p.state(), "cancel");
          }
          PaymentProvider provider = providers.require(p.provider());
          Observation o = call(provider.name(), () -> provider.cancel(p), "cancel");
          PaymentRecord after = observeCommit(p.id(), o, "cancel", true, null, done).payment();
          if (after.state() != PaymentState.CANCELED) {
            // The provider moved on before the cancel (the payer just paid): say so.
            throw new IllegalTransitionException(after.id(), after.state(), "cancel");
          }
          return done.finish(after);
        });
  }

  // ------------------------------------------------------------------------------------------------------------------
  // RefundPayment

  /** Refunds {@code amount} (0: everything refundable) of a succeeded payment. */
  public RefundPaymentResponse refund(String caller, RefundPaymentRequest request) {
    String refundId = "rf" + PaymentIds.digest(caller + "\n" + request.getIdempotencyKey());
    return idempotent(
        caller,
        request.getIdempotencyKey(),
        "RefundPayment",
        request.toBuilder().clearIdempotencyKey().build(),
        RefundPaymentResponse.parser(),
        (key, claim) -> {
          PaymentRecord p = owned(caller, request.getPaymentId());
          PaymentProvider provider = providers.require(p.provider());
          ProviderCapabilities.Refunds refunds = provider.capabilities().refunds();
          if (refunds == ProviderCapabilities.Refunds.NONE) {
            throw new OperationNotSupportedException(
                provider.name(), "refunds (a " + p.method() + " payment)");
          }
          RefundRecord refund =
              store.transaction(
                  "request refund",
                  tx -> {
                    Optional<RefundRecord> existing = tx.lockRefund(refundId);
                    if (existing.isPresent()) {
                      return existing.get();
                    }
                    PaymentRecord locked = tx.lockPayment(p.id()).orElseThrow();
                    if (!locked.state().isSettled()
                        || locked.state() == PaymentState.REFUNDED
                        || locked.state() == PaymentState.DISPUTED) {
                      throw new IllegalTransitionException(locked.id(), locked.state(), "refund");
                    }
                    long refundable = locked.refundable() - tx.pendingRefunds(locked.id());
                    long amount = request.getAmount() == 0 ? refundable : request.getAmount();
                    if (amount <= 0 || amount > refundable) {
                      throw RpcErrors.invalidArgument(
                          "amount",
                          amount
                              + " exceeds the refundable "
                              + Math.max(0, refundable)
                              + " (captured "
                              + locked.captured()
                              + ", refunded "
                              + locked.refunded()
                              + ", pending "
                              + tx.pendingRefunds(locked.id())
                              + ")");
                    }
                    if (refunds == ProviderCapabilities.Refunds.FULL
                        && amount != locked.refundable()) {
                      throw new OperationNotSupportedException(provider.name(), "partial refunds");
                    }
                    RefundRecord r =
                        new RefundRecord(
                            refundId,
                            locked.id(),
                            amount,
                            RefundRecord.Status.PENDING,
                            Optional.empty(),
                            tx.now());
                    tx.insertRefund(r);
                    return r;
                  });
          Completion done =
              new Completion(
                  key,
                  (after, all) -> {
                    RefundRecord mine =
                        all.stream()
                            .filter(r -> r.id().equals(refundId))
                            .findFirst()
                            .orElse(refund);
                    return Reply.ok(
                        RefundPaymentResponse.newBuilder()
                            .setPayment(PaymentViews.payment(after, all))
                            .setRefund(PaymentViews.refund(mine))
                            .build());
                  });
          if (refund.status() != RefundRecord.Status.PENDING) {
            return done.finish(store.find(p.id()).orElseThrow());
          }
          return done.finish(sendRefund(p, refund, done));
        });
  }

  /** Sends (or repeats, with the same provider key) a pending refund and books its outcome. */
  private PaymentRecord sendRefund(PaymentRecord p, RefundRecord refund, Completion done) {
    PaymentProvider provider = providers.require(p.provider());
    String providerRef;
    try {
      providerRef =
          call(provider.name(), () -> provider.refund(p, refund.amount(), refund.id()), "refund");
    } catch (ProviderRejectedException e) {
      store.transaction(
          "refund refused",
          tx -> {
            tx.finishRefund(refund.id(), RefundRecord.Status.FAILED, null);
            return null;
          });
      throw e;
    }
    return commit(
            p.id(),
            "refund " + refund.id(),
            true,
            null,
            false,
            before -> {
              try {
                return PaymentTransitions.refund(
                    before, refund.amount(), providerRef, clock.instant());
              } catch (IllegalTransitionException e) {
                // Refunded meanwhile by its own earlier attempt (the same refund id): nothing more
                // to book.
                return new Applied(before, List.of(), false, false, FollowUp.NONE);
              }
            },
            done,
            tx -> {
              Optional<RefundRecord> r = tx.lockRefund(refund.id());
              if (r.isEmpty() || r.get().status() != RefundRecord.Status.PENDING) {
                return false;
              }
              tx.finishRefund(refund.id(), RefundRecord.Status.SUCCEEDED, providerRef);
              return true;
            },
            Optional.of(refund.id()))
        .payment();
  }

  /** The reconciler's retry of a refund whose answer was lost. */
  public void retryRefund(RefundRecord refund) {
    PaymentRecord p = store.find(refund.paymentId()).orElseThrow();
    try {
      sendRefund(p, refund, null);
    } catch (ProviderRejectedException e) {
      log.warn(
          "refund {} of payment {} refused by {}: {}",
          refund.id(),
          p.id(),
          p.provider(),
          e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Observations: callbacks and the reconciler

  /** A provider event's identity, for deduplication. */
  public record EventKey(String provider, String id, String type) {}

  /**
   * Applies an observation of payment {@code paymentId} (from a callback when {@code event} is set:
   * then a duplicate event changes nothing), and runs any follow-up it calls for.
   *
   * @return the payment afterwards; empty when the event was a duplicate
   */
  public Optional<PaymentRecord> observe(
      String paymentId, Observation o, String cause, EventKey event) {
    Committed c = observeCommit(paymentId, o, cause, false, event, null);
    if (c.duplicate()) {
      return Optional.empty();
    }
    return Optional.of(followUps(c, null));
  }

  /**
   * Fetches the payment from its provider (the callback carried only an id) and applies what it
   * says.
   */
  public Optional<PaymentRecord> fetchAndObserve(String paymentId, String cause, EventKey event) {
    PaymentRecord p =
        store.find(paymentId).orElseThrow(() -> new BillingException.PaymentNotFound(paymentId));
    if (p.providerRef().isEmpty()) {
      throw new OutcomeUnknownException(
          p.provider(), "payment " + paymentId + " has no provider reference yet");
    }
    Observation o = providers.require(p.provider()).fetch(p);
    return observe(paymentId, o, cause, event);
  }

  /**
   * The reconciler's look at payment {@code id}: repeats a start whose answer was lost, polls the
   * provider otherwise, repeats a capture whose answer was lost, cancels what the provider never
   * expires once billing's deadline passed. A provider that does not answer only moves the next
   * look.
   */
  public void reconcile(String id) {
    PaymentRecord p = store.find(id).orElse(null);
    if (p == null) {
      return;
    }
    try {
      sync(p, "reconciler", null, false);
    } catch (ProviderUnavailableException
        | OutcomeUnknownException
        | BillingException.ProviderNoAnswer e) {
      log.info("reconciling payment {}: {}", id, e.getMessage());
      reschedule(p);
    } catch (ProviderRejectedException | OperationNotSupportedException e) {
      log.warn("reconciling payment {}: {}", id, e.getMessage());
      reschedule(p);
    }
  }

  /**
   * After a look that learned nothing: the next one on the method's schedule, not after the claim's
   * lease.
   */
  private void reschedule(PaymentRecord p) {
    Instant next = schedule.next(p, clock.instant());
    if (next != null) {
      store.transaction(
          "reschedule check",
          tx -> {
            tx.scheduleCheck(p.id(), next);
            return null;
          });
    }
  }

  private PaymentRecord sync(PaymentRecord p, String cause, Completion done, boolean fromApi) {
    if (!p.state().isOpen()) {
      return p;
    }
    if (p.state() == PaymentState.PENDING) {
      // No answer to the start yet: repeat it (same attempt, same provider keys; never another
      // provider).
      return start(p, List.of(p.provider()), decrypt(p), done, true);
    }
    PaymentProvider provider = providers.require(p.provider());
    Observation o =
        fromApi ? call(provider.name(), () -> provider.fetch(p), "fetch") : provider.fetch(p);
    Committed c = observeCommit(p.id(), o, cause, false, null, done);
    PaymentRecord after = c.payment();
    if (after.state() == PaymentState.REQUIRES_CAPTURE
        && after.captureRequested() > 0
        && o.phase() == ProviderPhase.AUTHORIZED) {
      // A capture whose answer was lost and that the provider never received: send it again (same
      // key).
      long amount = after.captureRequested();
      Observation captured = provider.capture(after, amount);
      c = observeCommit(p.id(), captured, cause + ": capture repeated", true, null, done);
      after = c.payment();
    } else if (!fromApi
        && after.state() == PaymentState.REQUIRES_ACTION
        && after.expiresAt().isPresent()
        && clock.instant().isAfter(after.expiresAt().get().plus(schedule.expiryGrace()))) {
      // Past its deadline and the provider keeps it open (an overdue invoice): end it here.
      try {
        Observation canceled = provider.cancel(after);
        c = observeCommit(p.id(), canceled, cause + ": expired", true, null, done);
        after = c.payment();
      } catch (OperationNotSupportedException e) {
        log.debug("payment {} past its deadline; {} expires it itself", p.id(), provider.name());
      }
    }
    return followUps(c, done);
  }

  /**
   * Runs the follow-ups observations call for (capture an approved order, place an order), at most
   * a few.
   */
  private PaymentRecord followUps(Committed c, Completion done) {
    PaymentRecord p = c.payment();
    FollowUp f = c.followUp();
    for (int i = 0; f != FollowUp.NONE && i < MAX_FOLLOW_UPS; i++) {
      PaymentProvider provider = providers.require(p.provider());
      Observation o;
      try {
        o = provider.followUp(p, f);
      } catch (ProviderUnavailableException
          | OutcomeUnknownException
          | ProviderRejectedException e) {
        // The payment stays PROCESSING; the reconciler sees the provider waiting and tries again.
        log.info("payment {} follow-up {}: {}", p.id(), f, e.getMessage());
        return p;
      }
      Committed next = observeCommit(p.id(), o, "follow-up " + f, true, null, done);
      p = next.payment();
      f = next.followUp();
    }
    return p;
  }

  // ------------------------------------------------------------------------------------------------------------------
  // The one commit of payment changes

  private record Committed(PaymentRecord payment, FollowUp followUp, boolean duplicate) {}

  private Committed observeCommit(
      String paymentId,
      Observation o,
      String cause,
      boolean providerCalled,
      EventKey event,
      Completion done) {
    return commit(
        paymentId,
        cause,
        providerCalled,
        event,
        true,
        before -> {
          Applied a =
              PaymentTransitions.observe(
                  before,
                  o,
                  fees.getOrDefault(before.provider(), FeeSchedule.FREE),
                  clock.instant());
          if (a.stale()) {
            log.debug(
                "payment {}: stale {} from {} ignored (it is {})",
                paymentId,
                o.phase(),
                cause,
                before.state());
          }
          return a;
        },
        done);
  }

  private Committed commit(
      String paymentId,
      String cause,
      boolean providerCalled,
      EventKey event,
      boolean reschedule,
      Function<PaymentRecord, Applied> change,
      Completion done) {
    return commit(
        paymentId, cause, providerCalled, event, reschedule, change, done, null, Optional.empty());
  }

  /**
   * Locks the payment, applies {@code change}, and commits in one transaction: the row (its
   * history), the ledger postings, the callback's event id, the refund's outcome ({@code extra}),
   * and the idempotency key's response when nothing is left to do at the provider, and the payment
   * events the change publishes (the outbox). This is the one place a payment changes.
   *
   * @param refundId the refund this change books, if it books one
   */
  private Committed commit(
      String paymentId,
      String cause,
      boolean providerCalled,
      EventKey event,
      boolean reschedule,
      Function<PaymentRecord, Applied> change,
      Completion done,
      TxStep extra,
      Optional<String> refundId) {
    return store.transaction(
        "commit payment change",
        tx -> {
          PaymentRecord before =
              tx.lockPayment(paymentId)
                  .orElseThrow(() -> new BillingException.PaymentNotFound(paymentId));
          if (event != null
              && !tx.recordEvent(event.provider(), event.id(), paymentId, event.type())) {
            return new Committed(before, FollowUp.NONE, true);
          }
          if (extra != null && !extra.run(tx)) {
            if (done != null) {
              done.complete(tx, before);
            }
            return new Committed(before, FollowUp.NONE, false);
          }
          Applied a = change.apply(before);
          PaymentRecord after = a.payment();
          if (a.changed() || providerCalled || reschedule) {
            tx.savePayment(before, after, cause, schedule.next(after, tx.now()), providerCalled);
          }
          tx.post(paymentId, after.provider(), a.postings());
          if (events.isPresent() && a.changed()) {
            tx.publish(events.get(), before, after, refundId);
          }
          if (done != null && a.followUp() == FollowUp.NONE) {
            done.complete(tx, after);
          }
          return new Committed(after, a.followUp(), false);
        });
  }

  @FunctionalInterface
  private interface TxStep {
    boolean run(StoreTx tx) throws SQLException;
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Idempotency

  /** A response to store and send: a message's bytes, or a {@code google.rpc.Status}'s. */
  private record Reply(byte[] bytes, boolean error) {
    static Reply ok(Message m) {
      return new Reply(m.toByteArray(), false);
    }

    static Reply error(StatusRuntimeException e) {
      com.google.rpc.Status s = StatusProto.fromThrowable(e);
      return new Reply(
          (s != null
                  ? s
                  : com.google.rpc.Status.newBuilder()
                      .setCode(e.getStatus().getCode().value())
                      .setMessage(String.valueOf(e.getStatus().getDescription()))
                      .build())
              .toByteArray(),
          true);
    }
  }

  /** The claimed key of one request. */
  private record Key(String caller, String key) {}

  /** A request's response, from the payment and its refunds after the request's last change. */
  @FunctionalInterface
  private interface ReplyFn {
    Reply apply(PaymentRecord after, List<RefundRecord> refunds);
  }

  /**
   * Stores a request's response for its key, once, in whichever transaction finishes the request.
   */
  private final class Completion {
    private final Key key;
    private final ReplyFn reply;
    private Reply stored;

    Completion(Key key, ReplyFn reply) {
      this.key = key;
      this.reply = reply;
    }

    void complete(StoreTx tx, PaymentRecord after) throws SQLException {
      if (stored == null) {
        Reply r = reply.apply(after, tx.refunds(after.id()));
        tx.completeKey(key.caller(), key.key(), r.bytes(), r.error());
        stored = r;
      }
    }

    /**
     * The response for {@code last}: the one stored with the request's last change, or stored now.
     */
    Reply finish(PaymentRecord last) {
      if (stored == null) {
        Reply r = reply.apply(last, store.refunds(last.id()));
        store.transaction(
            "store response",
            tx -> {
              tx.completeKey(key.caller(), key.key(), r.bytes(), r.error());
              return null;
            });
        stored = r;
      }
      return stored;
    }
  }

  @FunctionalInterface
  private interface Work {
    Reply run(Key key, IdempotencyClaim claim);
  }

  private <R extends Message> R idempotent(
      String caller,
      String key,
      String operation,
      Message fingerprint,
      Parser<R> parser,
      Work work) {
    byte[] hash = hash(operation, fingerprint);
    IdempotencyClaim claim =
        store.transaction(
            "claim idempotency key",
            tx -> tx.claimKey(caller, key, operation, hash, settings.lease(), settings.ttl()));
    if (claim instanceof IdempotencyClaim.Replay r) {
      return reply(new Reply(r.response(), r.error()), parser);
    }
    if (claim instanceof IdempotencyClaim.InUse u) {
      throw new BillingException.KeyInUse(u.retryAfter());
    }
    if (claim instanceof IdempotencyClaim.Reused) {
      throw new BillingException.KeyReused();
    }
    Key k = new Key(caller, key);
    Reply result;
    try {
      result = work.run(k, claim);
    } catch (RuntimeException e) {
      settle(k, e);
      throw e;
    }
    return reply(result, parser);
  }

  /**
   * After a failure: store an answer (a definitive error) for the key, or end its lease so a retry
   * continues.
   */
  private void settle(Key k, RuntimeException failure) {
    Optional<StatusRuntimeException> status = errors.apply(failure);
    try {
      if (status.isPresent() && DEFINITIVE.contains(status.get().getStatus().getCode())) {
        Reply r = Reply.error(status.get());
        store.transaction(
            "store error response",
            tx -> {
              tx.completeKey(k.caller(), k.key(), r.bytes(), true);
              return null;
            });
      } else {
        store.transaction(
            "release idempotency key",
            tx -> {
              tx.releaseKey(k.caller(), k.key());
              return null;
            });
      }
    } catch (RuntimeException e) {
      // The store is away too: the key's lease runs out by itself and a retry takes over then.
      failure.addSuppressed(e);
    }
  }

  private static <R extends Message> R reply(Reply r, Parser<R> parser) {
    try {
      if (r.error()) {
        throw StatusProto.toStatusRuntimeException(com.google.rpc.Status.parseFrom(r.bytes()));
      }
      return parser.parseFrom(r.bytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored response does not parse", e);
    }
  }

  private StatusRuntimeException status(BillingException e) {
    return errors
        .apply(e)
        .orElseThrow(() -> new IllegalStateException("no status for " + e.getClass()));
  }

  static byte[] hash(String operation, Message request) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(operation.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(request.toByteArray());
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------------------------------------------

  /**
   * The payment {@code id} if {@code caller} created it (or is an operator); otherwise NOT_FOUND.
   */
  private PaymentRecord owned(String caller, String id) {
    PaymentRecord p = store.find(id).orElseThrow(() -> new BillingException.PaymentNotFound(id));
    if (!p.caller().equals(caller) && !settings.operators().contains(caller)) {
      throw new BillingException.PaymentNotFound(id);
    }
    return p;
  }

  @FunctionalInterface
  private interface ProviderCall<T> {
    T run();
  }

  /**
   * A call on an existing payment: a provider that did not answer becomes "retry with the same
   * key".
   */
  private static <T> T call(String provider, ProviderCall<T> call, String what) {
    try {
      return call.run();
    } catch (OutcomeUnknownException | ProviderUnavailableException e) {
      throw new BillingException.ProviderNoAnswer(provider, Optional.of(what));
    }
  }

  /** Payments not final (for the benchmark and tests). */
  public long unresolved() {
    return store.unresolved();
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
