package io.squadron.providers.sim.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Event;
import io.squadron.providers.sim.core.Movement;
import io.squadron.providers.sim.core.Payment;
import io.squadron.providers.sim.core.Phase;
import io.squadron.providers.sim.core.ProviderState;
import io.squadron.providers.sim.core.Record;
import io.squadron.providers.sim.core.Tx;
import io.squadron.providers.sim.faults.ProviderSettings;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.Json;
import java.time.Instant;

/**
 * One operation of one provider (a request, a timer, a payer's action, a control operation): its
 * transaction and the simulator's services, with the helpers every provider uses (deterministic
 * ids, events, timers, money movements, injected declines). Used while holding the provider's lock.
 */
public final class Ctx {
  /** The timer action of the automatic customer. */
  public static final String AUTO_CUSTOMER = "auto-customer";

  private final Engine engine;
  private final Provider provider;
  private final Tx tx;
  private final String idempotencyKey;
  private final long now;

  /**
   * A context.
   *
   * @param idempotencyKey the request's key; null outside mutating requests
   * @param now the simulated instant of the operation: the clock for requests, the due time for
   *     timers (so a timer that schedules the next one during a long clock advance schedules it
   *     from when it fired, not from the end)
   */
  public Ctx(Engine engine, Provider provider, Tx tx, String idempotencyKey, long now) {
    this.engine = engine;
    this.provider = provider;
    this.tx = tx;
    this.idempotencyKey = idempotencyKey;
    this.now = now;
  }

  /** The simulated instant of this operation, epoch ms. */
  public long now() {
    return now;
  }

  /** The provider. */
  public Provider provider() {
    return provider;
  }

  /** Simulated now as an ISO-8601 instant. */
  public String nowIso() {
    return Instant.ofEpochMilli(now()).toString();
  }

  /** The provider's state. */
  public ProviderState state() {
    return tx.state();
  }

  /** The provider's control settings. */
  public ProviderSettings settings() {
    return engine.settings(provider.name());
  }

  /** The simulator's base URL. */
  public String publicUrl() {
    return engine.publicUrl();
  }

  /**
   * An id for the object of kind {@code kind} this request creates, derived from the seed, the
   * provider and the request's idempotency key: the same request gets the same id, also after a
   * restart.
   */
  public String keyedId(String prefix, String kind) {
    if (idempotencyKey == null) {
      throw new IllegalStateException("keyedId outside a mutating request");
    }
    return engine.draws().id(prefix, 20, provider.name(), kind, idempotencyKey);
  }

  /** A deterministic id from explicit parts. */
  public String id(String prefix, int length, String... parts) {
    String[] all = new String[parts.length + 1];
    all[0] = provider.name();
    System.arraycopy(parts, 0, all, 1, parts.length);
    return engine.draws().id(prefix, length, all);
  }

  /** A deterministic decision with probability {@code p} about this provider. */
  public boolean chance(double p, String... parts) {
    String[] all = new String[parts.length + 1];
    all[0] = provider.name();
    System.arraycopy(parts, 0, all, 1, parts.length);
    return engine.draws().chance(p, all);
  }

  /** A new payment, saved, with status and phase set. */
  public Payment newPayment(
      String id, String reference, long amount, String currency, String status, Phase phase) {
    Payment p = new Payment();
    p.provider = provider.name();
    p.id = id;
    p.reference = reference;
    p.amount = amount;
    p.currency = currency;
    p.createdMs = now();
    set(p, status, phase);
    return p;
  }

  /** Changes the payment's status and phase and saves it. */
  public void set(Payment p, String status, Phase phase) {
    p.status = status;
    p.phase = phase;
    p.updatedMs = now();
    tx.save(p);
  }

  /** Marks a failure: status, phase and the provider's code. */
  public void fail(Payment p, String status, Phase phase, String code) {
    p.failureCode = code;
    set(p, status, phase);
  }

  /** Saves a changed payment without changing its status. */
  public void save(Payment p) {
    p.updatedMs = now();
    tx.save(p);
  }

  /** Saves a record. */
  public void save(Record r) {
    tx.save(r);
  }

  /**
   * Emits an event about {@code p}: envelope {@code {"id", "type", "created", "provider", "data":
   * {"object": ...}}} with {@code created} in simulated unix seconds. The id is deterministic
   * (seed, provider, payment, sequence).
   */
  public void emit(Payment p, String type, JsonNode object) {
    p.eventSeq++;
    String id = engine.draws().id("evt_", 24, provider.name(), p.id, Integer.toString(p.eventSeq));
    ObjectNode envelope = Json.object();
    envelope
        .put("id", id)
        .put("type", type)
        .put("created", now() / 1000)
        .put("provider", provider.name());
    envelope.putObject("data").set("object", object);
    tx.emit(new Event(id, provider.name(), type, p.id, now(), Json.write(envelope)));
    tx.save(p);
  }

  /** Emits an event whose object is the provider's view of {@code p}. */
  public void emit(Payment p, String type) {
    emit(p, type, provider.view(p));
  }

  /** Sets (or moves) the timer {@code action} of {@code p} to {@code dueMs}. */
  public void schedule(Payment p, String action, long dueMs) {
    p.timers.put(action, dueMs);
    tx.save(p);
    engine.scheduleTimer(provider.name(), p.id, action, dueMs);
  }

  /** Removes the timer {@code action} of {@code p}. */
  public void cancelTimer(Payment p, String action) {
    if (p.timers.remove(action) != null) {
      tx.save(p);
    }
  }

  /** Removes every timer of {@code p} (it reached a final state). */
  public void cancelTimers(Payment p) {
    if (!p.timers.isEmpty()) {
      p.timers.clear();
      tx.save(p);
    }
  }

  /** The payment now waits for the payer: the automatic customer, when on, acts after its delay. */
  public void awaitCustomer(Payment p) {
    ProviderSettings s = settings();
    if (s.autoCustomer && provider.autoApproveAction() != null) {
      schedule(p, AUTO_CUSTOMER, now() + s.customerAfterSeconds * 1000);
    }
  }

  /**
   * An injected decline at decision point {@code point} of payment {@code subject}, or null: drawn
   * with the settings' decline rate, the code drawn from its codes (the provider's first code when
   * none are set).
   */
  public String injectedDecline(String subject, String point) {
    ProviderSettings s = settings();
    if (!chance(s.declineRate, "decline", subject, point)) {
      return null;
    }
    engine.countDecline(provider.name());
    var codes = s.declineCodes.isEmpty() ? provider.declineCodes().subList(0, 1) : s.declineCodes;
    return codes.get(
        (int)
            Math.floorMod(
                engine.draws().bits(provider.name(), "decline-code", subject, point),
                (long) codes.size()));
  }

  /** Records a capture (or payment) of {@code amount} with the provider's fee. */
  public void capture(Payment p, long amount, String movementId) {
    p.capturedAmount += amount;
    p.movements.add(
        new Movement("payment", movementId, amount, provider.fees().forPayment(amount), now()));
    tx.save(p);
  }

  /**
   * Records a refund of {@code amount} (at most what is captured and not yet refunded or returned).
   *
   * @throws ApiError 400 {@code amount_too_large} when it exceeds the refundable amount
   */
  public void refund(Payment p, long amount, String movementId, String field) {
    long refundable = p.netCharged();
    if (amount > refundable) {
      throw new ApiError(
          400,
          "amount_too_large",
          field + ": " + amount + " exceeds the refundable amount " + refundable,
          field);
    }
    p.refundedAmount += amount;
    p.movements.add(new Movement("refund", movementId, -amount, 0, now()));
    tx.save(p);
  }

  /**
   * Records a bank return or reversal of everything still charged, with the provider's return fee.
   */
  public void reverse(Payment p, String type, String movementId) {
    long net = p.netCharged();
    if (net > 0) {
      p.movements.add(
          new Movement(type, movementId, -net, provider.fees().returnFeeMinor(), now()));
      tx.save(p);
    }
  }
}
