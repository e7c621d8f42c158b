package io.squadron.journeys;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.squadron.journeys.platform.CallFailure;
import io.squadron.journeys.platform.CheckoutHttp;
import io.squadron.journeys.platform.PlatformClients;
import io.squadron.journeys.platform.ProviderSim;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.PaymentMethodOption;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.Step;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.PadlockErrorReason;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.DeleteUserRequest;
import io.squadron.proto.userdb.v1.GetUserRequest;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One user's whole journey through the platform, as the client apps make it: sign up (userdb), a
 * checkout session with an offer code (checkout's HTTP/JSON face), pay (a card through 3-D Secure,
 * or a SEPA debit that settles days later), the session finished and the plan granted by the
 * payment's event, a playlist shuffled, the account deleted, and the user's personal data no longer
 * decryptable anywhere (their Padlock keys shredded, userdb's account gone).
 *
 * <p>Retries only where the API makes them safe: CreateUser and CreateCheckoutSession with their
 * {@code request_id} (one per create, the same on each retry of it: a retry after a lost answer
 * gets the first attempt's account or session, never a second one), a step already answered
 * (checkout replays the same payment under the same idempotency key), reads, shuffles, DeleteUser
 * (idempotent).
 */
final class Journey {
  /** The categories the services encrypt personal data with (their descriptors). */
  static final List<String> PADLOCK_CATEGORIES = List.of("account", "payment");

  private static final String CARD_3DS = "4000000000003220";
  private static final String CARD_ACQUIRER = "cardpay";
  private static final String PLAN = "individual";

  /**
   * How long after a deletion a key may still be served: Padlock's client cache-ttl (10 s) plus its
   * server cache.ttl (30 s, when an instance cannot read the change log), plus a margin.
   */
  static final Duration SHRED_BOUND = Duration.ofSeconds(45);

  private static final String SEPA_IBAN = "DE89370400440532013000";

  private final int id;
  private final Kind kind;
  private final Collaborators with;
  private final List<JourneyResult.StepResult> steps = new ArrayList<>();
  private String sessionId = "";
  private String paymentId = "";

  /** How the journey pays. */
  enum Kind {
    CARD_3DS("card-3ds"),
    SEPA("sepa");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * What every journey of a run shares.
   *
   * @param clients gRPC channels as the app and as the operator
   * @param checkout checkout's HTTP/JSON face
   * @param sim the provider simulator (the payer's side)
   * @param clock the simulated clock
   * @param settings deadlines
   * @param retrier retries and backoff
   */
  record Collaborators(
      PlatformClients clients,
      CheckoutHttp checkout,
      ProviderSim sim,
      SimClock clock,
      JourneySettings settings,
      Retrier retrier) {}

  Journey(int id, Kind kind, Collaborators with) {
    this.id = id;
    this.kind = requireNonNull(kind, "kind");
    this.with = requireNonNull(with, "with");
  }

  /** Runs the journey; never throws for a failed step (the result says which). */
  JourneyResult run(long runStartNanos) {
    long t0 = System.nanoTime();
    try {
      steps();
      return result(t0, runStartNanos, true, "", "");
    } catch (StepFailed e) {
      return result(t0, runStartNanos, false, e.step, e.getMessage());
    }
  }

  private JourneyResult result(long t0, long runStart, boolean ok, String step, String error) {
    return new JourneyResult(
        id,
        kind.label,
        ok,
        step,
        error,
        List.copyOf(steps),
        (System.nanoTime() - t0) / 1_000_000,
        sessionId,
        paymentId,
        (t0 - runStart) / 1_000_000);
  }

  private void steps() {
    JourneySettings s = with.settings();
    String username = "j" + id + "x" + UUID.randomUUID().toString().substring(0, 8);
    String requestId = UUID.randomUUID().toString();
    UserServiceGrpc.UserServiceBlockingStub userdbApp =
        UserServiceGrpc.newBlockingStub(with.clients().asApp("userdb"));
    String userId =
        retried(
            "sign-up",
            s.stepDeadline(),
            () ->
                userdbApp
                    .createUser(
                        CreateUserRequest.newBuilder()
                            .setUsername(username)
                            .setEmail(username + "@example.com")
                            .setCountry("DE")
                            .setRequestId(requestId)
                            .build())
                    .getUser()
                    .getId());

    CheckoutSession session = createSession(userId);
    sessionId = session.getSessionId();
    CheckoutSession methods =
        settled(
            "address",
            retried(
                "address",
                s.stepDeadline(),
                () -> submit(session, Map.of("postal_code", "10115"))));
    check("address", methods.getNextStep().hasPaymentMethods(), "no payment methods step", methods);

    CheckoutSession paid = kind == Kind.CARD_3DS ? payByCard(methods) : payBySepa(methods);
    check("finished", paid.getState() == SessionState.COMPLETED, "session not completed", paid);
    check(
        "finished",
        paid.getNextStep().getDone().getReceipt().getPaymentId().equals(paymentId),
        "the receipt names another payment",
        paid);

    awaitPlan();
    shuffle();

    retried(
        "delete",
        s.stepDeadline(),
        () ->
            UserServiceGrpc.newBlockingStub(with.clients().asOperator("userdb"))
                .deleteUser(DeleteUserRequest.newBuilder().setId(userId).build()));
    verifyShredded(userId);
    awaitCheckoutForgot(userId);
  }

  private CheckoutSession createSession(String userId) {
    CreateCheckoutSessionRequest request =
        CreateCheckoutSessionRequest.newBuilder()
            .setUserId(userId)
            .setPlanId(PLAN)
            .setCountry("DE")
            .setDevice(Device.WEB)
            .setOfferCode(id % 2 == 0 ? "WELCOME50" : "TRIAL30")
            .setRequestId(UUID.randomUUID().toString())
            .build();
    // Every retry sends the same request (same request_id): it answers the session the first
    // attempt created, even when that attempt's answer was lost.
    return retried(
        "create-session", with.settings().stepDeadline(), () -> with.checkout().create(request));
  }

  private CheckoutSession payByCard(CheckoutSession methods) {
    JourneySettings s = with.settings();
    PaymentMethodOption card = option(methods, "CARD");
    // The card form tokenizes at the acquirer whose vault it knows (the simulator's cardpay, a
    // Stripe-like API); billing routes the payment to the acquirer whose token it got.
    String tokenField =
        card.getFieldsList().stream()
            .filter(f -> f.equals("card_token." + CARD_ACQUIRER))
            .findFirst()
            .orElseThrow(
                () ->
                    new StepFailed(
                        "pay",
                        "CARD asks for no card_token."
                            + CARD_ACQUIRER
                            + ": "
                            + card.getFieldsList()));
    String token =
        timed("tokenize", () -> with.sim().tokenizeCard(tokenField.substring(11), CARD_3DS));
    CheckoutSession challenged =
        with.clock()
            .still(
                () -> {
                  CheckoutSession c =
                      settled(
                          "pay",
                          retried(
                              "pay",
                              s.stepDeadline(),
                              () -> submit(methods, Map.of("method", "CARD", tokenField, token))));
                  Step step = c.getNextStep();
                  check(
                      "pay",
                      step.hasPaymentAction() && !step.getPaymentAction().getThreeDsUrl().isEmpty(),
                      "no 3-D Secure step",
                      c);
                  paymentId = step.getPaymentAction().getPaymentId();
                  timed(
                      "3ds",
                      () -> {
                        with.sim().passThreeDSecure(step.getPaymentAction().getThreeDsUrl());
                        return null;
                      });
                  return c;
                });
    CheckoutSession after =
        settled(
            "confirm", retried("confirm", s.stepDeadline(), () -> submit(challenged, Map.of())));
    return awaitCompleted(after);
  }

  private CheckoutSession payBySepa(CheckoutSession methods) {
    JourneySettings s = with.settings();
    CheckoutSession pending =
        retried(
            "pay",
            s.stepDeadline(),
            () ->
                submit(
                    methods,
                    Map.of(
                        "method",
                        "SEPA_DEBIT",
                        "iban",
                        SEPA_IBAN,
                        "account_holder",
                        "Ada Lovelace")));
    pending = settledExceptPending("pay", pending);
    check(
        "pay",
        pending.getNextStep().hasPaymentAction()
            && pending.getNextStep().getPaymentAction().hasPollAfterSeconds(),
        "the SEPA debit is not pending",
        pending);
    paymentId = pending.getNextStep().getPaymentAction().getPaymentId();
    long before = with.clock().advances();
    timed(
        "settle",
        () -> {
          // The run's settler advances the clock every few seconds while a debit waits.
          await("settle", s.eventDeadline(), () -> with.clock().advances() > before);
          return null;
        });
    return awaitCompleted(pending);
  }

  /**
   * The session once the payment's outcome reached checkout: by the payment event alone (reads of
   * the session, nothing submitted) unless the settings say clients poll their payment step.
   */
  private CheckoutSession awaitCompleted(CheckoutSession current) {
    if (current.getState() == SessionState.COMPLETED) {
      return current;
    }
    CheckoutSession[] last = {current};
    timed(
        "finished",
        () -> {
          await(
              "finished",
              with.settings().eventDeadline(),
              () -> {
                last[0] =
                    with.settings().finishByEvent()
                        ? with.checkout().get(sessionId)
                        : submit(last[0], Map.of());
                return last[0].getState() == SessionState.COMPLETED;
              });
          return null;
        });
    return last[0];
  }

  /** The plan granted to the user by this payment, as the app reads it through its session. */
  private void awaitPlan() {
    timed(
        "plan",
        () -> {
          await(
              "plan",
              with.settings().eventDeadline(),
              () ->
                  with.checkout().entitlements(sessionId).getEntitlementsList().stream()
                      .anyMatch(
                          e ->
                              e.getActive()
                                  && e.getPaymentId().equals(paymentId)
                                  && e.getPlanId().equals(PLAN)));
          return null;
        });
  }

  /**
   * Checkout's copy of the user after the deletion: userdb's UserDeleted event makes checkout drop
   * the user's plans and anonymise their sessions (no user id, postal code or payment method).
   */
  private void awaitCheckoutForgot(String userId) {
    timed(
        "forgotten",
        () -> {
          await(
              "forgotten",
              with.settings().eventDeadline(),
              () ->
                  !with.checkout().get(sessionId).getUserId().equals(userId)
                      && with.checkout().entitlements(sessionId).getEntitlementsCount() == 0);
          return null;
        });
  }

  private void shuffle() {
    List<Track> tracks = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      tracks.add(Track.newBuilder().setTrackId("t" + i).setArtistId("a" + (i % 6)).build());
    }
    ShuffleResponse shuffled =
        retried(
            "shuffle",
            with.settings().stepDeadline(),
            () ->
                ShuffleServiceGrpc.newBlockingStub(with.clients().asApp("shuffle"))
                    .shuffle(ShuffleRequest.newBuilder().addAllTracks(tracks).build()));
    check(
        "shuffle",
        shuffled.getTracksCount() == tracks.size() && shuffled.getTracksList().containsAll(tracks),
        "the shuffled playlist is not the playlist sent",
        null);
  }

  /**
   * The user's personal data decrypts nowhere: every Padlock key of theirs (each category the
   * services encrypt with) is refused as deleted, so no copy of what they encrypted (userdb's email
   * and birth date, billing's payment instrument, in any store or backup) can be read; and userdb
   * no longer has the account.
   */
  private void verifyShredded(String userId) {
    GetDerivedKeysRequest.Builder keys = GetDerivedKeysRequest.newBuilder();
    for (String category : PADLOCK_CATEGORIES) {
      keys.addItems(DerivedKeyItem.newBuilder().setUserId(userId).setCategory(category));
    }
    String[] last = {""};
    // Padlock's documented shred bound: a key already cached may still be served for the client's
    // cache-ttl, and another instance forgets within its change-log poll (about 1 s), or its
    // cache.ttl (30 s) if it cannot read the log. Past SHRED_BOUND the key must be refused.
    timed(
        "shredded",
        () -> {
          await(
              "shredded",
              SHRED_BOUND,
              () -> {
                List<DerivedKeyResult> results =
                    PadlockServiceGrpc.newBlockingStub(with.clients().asOperator("padlock"))
                        .getDerivedKeys(keys.build())
                        .getResultsList();
                for (int i = 0; i < results.size(); i++) {
                  DerivedKeyResult r = results.get(i);
                  if (!(r.getKey().isEmpty()
                      && r.getStatus().getCode() == Status.Code.NOT_FOUND.value()
                      && reason(r.getStatus()).equals(PadlockErrorReason.KEYS_DELETED.name()))) {
                    last[0] =
                        "the "
                            + PADLOCK_CATEGORIES.get(i)
                            + " key is still served "
                            + SHRED_BOUND.toSeconds()
                            + " s after the deletion ("
                            + (r.getKey().isEmpty()
                                ? Status.fromCodeValue(r.getStatus().getCode()).getCode()
                                : "a key")
                            + ")";
                    return false;
                  }
                }
                return true;
              },
              () -> last[0]);
          return null;
        });
    CallFailure gone =
        expectFailure(
            "user-gone",
            () ->
                UserServiceGrpc.newBlockingStub(with.clients().asOperator("userdb"))
                    .getUser(GetUserRequest.newBuilder().setId(userId).build()));
    check(
        "user-gone",
        gone.code() == Status.Code.NOT_FOUND,
        "userdb still answers for the user: " + gone.getMessage(),
        null);
  }

  private static String reason(com.google.rpc.Status status) {
    for (Any detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          return detail.unpack(ErrorInfo.class).getReason();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          return "";
        }
      }
    }
    return "";
  }

  /** A read expected to fail for good; transient failures are retried. */
  private CallFailure expectFailure(String step, Supplier<?> call) {
    long t0 = System.nanoTime();
    long end = t0 + with.settings().stepDeadline().toNanos();
    int retries = 0;
    while (true) {
      try {
        Retrier.once(call);
        record(step, t0, retries, true);
        return new CallFailure(Status.Code.OK, "", "it answered", true);
      } catch (CallFailure e) {
        if (!e.transientFailure() || System.nanoTime() > end) {
          record(step, t0, retries, true);
          return e;
        }
        retries++;
        pause(Duration.ofMillis(200));
      }
    }
  }

  private PaymentMethodOption option(CheckoutSession methods, String method) {
    return methods.getNextStep().getPaymentMethods().getMethodsList().stream()
        .filter(m -> m.getMethod().equals(method))
        .findFirst()
        .orElseThrow(() -> new StepFailed("pay", method + " is not offered"));
  }

  private CheckoutSession submit(CheckoutSession session, Map<String, String> values) {
    return with.checkout()
        .submit(
            SubmitStepRequest.newBuilder()
                .setSessionId(session.getSessionId())
                .setStepId(session.getNextStep().getStepId())
                .putAllValues(values)
                .build());
  }

  /**
   * Follows checkout's own detours until billing answered: a retryable error step (billing was
   * unavailable; submitting it again replays the same payment) and a poll step (billing still
   * asking the provider).
   */
  private CheckoutSession settled(String step, CheckoutSession session) {
    return follow(step, session, true);
  }

  /** As {@link #settled} but stops at a poll step (a SEPA debit is pending for days). */
  private CheckoutSession settledExceptPending(String step, CheckoutSession session) {
    return follow(step, session, false);
  }

  private CheckoutSession follow(String step, CheckoutSession session, boolean throughPolls) {
    CheckoutSession[] current = {session};
    long t0 = System.nanoTime();
    long end = t0 + with.settings().stepDeadline().toNanos();
    int retrySteps = 0;
    while (true) {
      Step next = current[0].getNextStep();
      boolean retryable =
          next.hasError()
              && next.getError().getRetryable()
              && next.getStepId().startsWith("retry-");
      boolean poll =
          throughPolls && next.hasPaymentAction() && next.getPaymentAction().hasPollAfterSeconds();
      if (next.hasError() && !retryable) {
        throw new StepFailed(step, "error step: " + next.getError().getMessage());
      }
      if (!retryable && !poll) {
        if (retrySteps > 0) {
          // Checkout answered a dependency's failure with a retryable step (fast, no gRPC error):
          // how many the client got, and how long until the step went through.
          steps.add(
              new JourneyResult.StepResult(
                  step + ":retry",
                  (System.nanoTime() - t0) / 1_000_000,
                  retrySteps,
                  true,
                  "retryable error step",
                  0));
        }
        return current[0];
      }
      if (System.nanoTime() > end) {
        throw new StepFailed(
            step,
            (retryable
                    ? "still a retryable error step (" + next.getError().getMessage() + ")"
                    : "still pending")
                + " after "
                + with.settings().stepDeadline());
      }
      if (retryable) {
        retrySteps++;
      }
      if (poll) {
        pause(
            Duration.ofSeconds(
                Math.min(2, Math.max(1, next.getPaymentAction().getPollAfterSeconds()))));
      } else {
        pause(Duration.ofMillis(300));
      }
      current[0] =
          retried(step, with.settings().stepDeadline(), () -> submit(current[0], Map.of()));
    }
  }

  private <T> T retried(String step, Duration deadline, Supplier<T> call) {
    long t0 = System.nanoTime();
    try {
      Retrier.Outcome<T> outcome = with.retrier().retrying(deadline, call);
      steps.add(
          new JourneyResult.StepResult(
              step,
              (System.nanoTime() - t0) / 1_000_000,
              outcome.retries(),
              true,
              outcome.firstFailure(),
              outcome.firstFailureMillis()));
      return outcome.value();
    } catch (CallFailure e) {
      steps.add(
          new JourneyResult.StepResult(
              step,
              (System.nanoTime() - t0) / 1_000_000,
              0,
              false,
              e.code() + (e.reason().isEmpty() ? "" : "/" + e.reason()),
              0));
      throw new StepFailed(step, e.getMessage());
    } catch (RuntimeException e) {
      record(step, t0, 0, false);
      throw new StepFailed(step, e.toString());
    }
  }

  private <T> T timed(String step, Supplier<T> body) {
    long t0 = System.nanoTime();
    try {
      T value = body.get();
      record(step, t0, 0, true);
      return value;
    } catch (StepFailed e) {
      record(step, t0, 0, false);
      throw e;
    } catch (RuntimeException e) {
      record(step, t0, 0, false);
      throw new StepFailed(step, e.toString());
    }
  }

  private void await(String step, Duration deadline, Supplier<Boolean> condition) {
    await(step, deadline, condition, () -> "");
  }

  private void await(
      String step, Duration deadline, Supplier<Boolean> condition, Supplier<String> why) {
    long end = System.nanoTime() + deadline.toNanos();
    String lastError = "";
    while (true) {
      try {
        if (condition.get()) {
          return;
        }
      } catch (CallFailure e) {
        if (!e.transientFailure()) {
          throw new StepFailed(step, e.getMessage());
        }
        lastError = " (last: " + e.getMessage() + ")";
      } catch (io.grpc.StatusRuntimeException e) {
        CallFailure f = CallFailure.of(e);
        if (!f.transientFailure()) {
          throw new StepFailed(step, f.getMessage());
        }
        lastError = " (last: " + f.getMessage() + ")";
      }
      if (System.nanoTime() > end) {
        String reason = why.get();
        throw new StepFailed(
            step, reason.isEmpty() ? "not done within " + deadline + lastError : reason);
      }
      pause(Duration.ofMillis(250));
    }
  }

  private void check(String step, boolean condition, String what, CheckoutSession session) {
    if (!condition) {
      throw new StepFailed(
          step,
          what
              + (session == null
                  ? ""
                  : " (state "
                      + session.getState()
                      + ", step "
                      + session.getNextStep().getStepId()
                      + ")"));
    }
  }

  private void record(String step, long t0, int retries, boolean ok) {
    steps.add(
        new JourneyResult.StepResult(
            step, (System.nanoTime() - t0) / 1_000_000, retries, ok, "", 0));
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailed("interrupted", "the run was stopped");
    }
  }

  /** A step that failed for good. */
  static final class StepFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String step;

    StepFailed(String step, String message) {
      super(message, null, false, false);
      this.step = step;
    }
  }
}
