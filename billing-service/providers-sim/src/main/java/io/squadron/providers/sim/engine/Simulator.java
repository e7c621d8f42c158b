package io.squadron.providers.sim.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Draws;
import io.squadron.providers.sim.core.Event;
import io.squadron.providers.sim.core.IdempotencyRecord;
import io.squadron.providers.sim.core.Journal;
import io.squadron.providers.sim.core.JournalEntry;
import io.squadron.providers.sim.core.Movement;
import io.squadron.providers.sim.core.Payment;
import io.squadron.providers.sim.core.ProviderState;
import io.squadron.providers.sim.core.Record;
import io.squadron.providers.sim.core.SimClock;
import io.squadron.providers.sim.core.Tx;
import io.squadron.providers.sim.faults.ProviderSettings;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.ApiRequest;
import io.squadron.providers.sim.http.ApiResponse;
import io.squadron.providers.sim.http.Json;
import io.squadron.providers.sim.provider.Ctx;
import io.squadron.providers.sim.provider.Engine;
import io.squadron.providers.sim.provider.Provider;
import io.squadron.providers.sim.provider.Route;
import io.squadron.providers.sim.webhook.Credentials;
import io.squadron.providers.sim.webhook.WebhookDispatcher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's engine, independent of HTTP: the providers and their states, the clock and its
 * timers, the control settings, the journal and the webhook dispatcher. The HTTP front end calls
 * {@link #plan} and {@link #execute} for provider requests; the control API calls the rest.
 *
 * <p>Concurrency: each provider's state is changed only while holding its monitor; every operation
 * is one {@link Tx}, journaled before its response is sent and before its events are dispatched.
 * Timers fire one at a time, in due order, each with its due time as the operation's "now".
 */
public final class Simulator implements Engine, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Simulator.class);

  /** What the HTTP front end does with a request before and after processing it. */
  public record Plan(
      long latencyMs,
      int errorStatus,
      boolean timeout,
      boolean commitBeforeTimeout,
      boolean hang,
      long hangMs) {
    static final Plan NONE = new Plan(0, 0, false, false, false, 0);
  }

  /**
   * A response: status and body bytes; {@code replayed} when it came from the idempotency store.
   */
  public record Reply(int status, byte[] body, boolean replayed) {
    static Reply of(int status, JsonNode body) {
      return new Reply(status, Json.write(body).getBytes(StandardCharsets.UTF_8), false);
    }
  }

  private record TimerEntry(long dueMs, long seq, String provider, String paymentId, String action)
      implements Comparable<TimerEntry> {
    @Override
    public int compareTo(TimerEntry o) {
      int c = Long.compare(dueMs, o.dueMs);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final long seed;
  private final Duration idempotencyTtl;
  private final SimClock clock;
  private final Draws draws;
  private final Credentials credentials;
  private final Map<String, Provider> providers = new LinkedHashMap<>();
  private final Map<String, ProviderState> states = new HashMap<>();
  private final Map<String, ProviderStats> stats = new LinkedHashMap<>();
  private final Map<String, ProviderSettings> controls = new ConcurrentHashMap<>();
  private final Map<String, List<Integer>> secretGenerations = new ConcurrentHashMap<>();
  private final Journal journal;
  private final WebhookDispatcher webhooks;
  private final PriorityBlockingQueue<TimerEntry> timers = new PriorityBlockingQueue<>();
  private final AtomicLong timerSeq = new AtomicLong();
  private final ReentrantLock firing = new ReentrantLock();
  private final ConcurrentLinkedQueue<String> finishedEvents = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService background;
  private volatile String publicUrl = "http://127.0.0.1";

  /**
   * The endpoint set through the control API (it outlives restarts and wins over the configured
   * one), or null.
   */
  private volatile String controlledWebhookUrl;

  /**
   * An engine; call {@link #restore()} before serving.
   *
   * @param providers the providers, in catalog order
   */
  public Simulator(
      long seed,
      String secretSeed,
      SimClock clock,
      Journal journal,
      List<Provider> providers,
      WebhookDispatcher.Options webhookOptions,
      String webhookUrl,
      Duration idempotencyTtl) {
    this.seed = seed;
    this.idempotencyTtl = idempotencyTtl;
    this.clock = clock;
    this.draws = new Draws(seed);
    this.credentials = new Credentials(secretSeed);
    this.journal = journal;
    for (Provider p : providers) {
      this.providers.put(p.name(), p);
      this.states.put(p.name(), new ProviderState(p.name()));
      this.stats.put(p.name(), new ProviderStats());
      this.secretGenerations.put(p.name(), List.of(0));
    }
    this.webhooks =
        new WebhookDispatcher(
            webhookOptions,
            draws,
            this::settings,
            this::webhookSecrets,
            finishedEvents::add,
            System::currentTimeMillis,
            webhookUrl);
    this.background =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "providers-sim-clock");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Replays the journal, rewrites it as a compact snapshot, re-arms timers, hands undelivered
   * events back to the dispatcher, creates missing test data, and starts the background work
   * (timers in REAL mode, journaling of finished deliveries, pruning of old idempotency keys).
   */
  public void restore() {
    Map<String, Event> pendingEvents = new LinkedHashMap<>();
    String[] webhookUrl = {null};
    long lines = journal.replay(entry -> apply(entry, pendingEvents, webhookUrl));
    if (webhookUrl[0] != null) {
      controlledWebhookUrl = webhookUrl[0];
      webhooks.endpoint(webhookUrl[0]);
    }
    journal.rewrite(snapshot(pendingEvents.values()));
    int armed = 0;
    for (ProviderState state : states.values()) {
      synchronized (state) {
        for (Payment p : state.payments()) {
          for (Map.Entry<String, Long> t : p.timers.entrySet()) {
            scheduleTimer(p.provider, p.id, t.getKey(), t.getValue());
            armed++;
          }
        }
      }
    }
    for (Event e : pendingEvents.values()) {
      webhooks.resubmit(e);
    }
    initProviders();
    if (lines > 0) {
      log.info(
          "Restored {} journal entries: {} timers armed, {} events to deliver",
          lines,
          armed,
          pendingEvents.size());
    }
    if (clock.mode() == SimClock.Mode.REAL) {
      background.scheduleWithFixedDelay(this::fireDueQuietly, 100, 100, TimeUnit.MILLISECONDS);
    }
    background.scheduleWithFixedDelay(this::journalFinishedEvents, 200, 200, TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(this::pruneIdempotency, 60, 60, TimeUnit.SECONDS);
  }

  private void apply(JournalEntry e, Map<String, Event> pendingEvents, String[] webhookUrl) {
    if (Boolean.TRUE.equals(e.wipe)) {
      states.values().forEach(ProviderState::clear);
      pendingEvents.clear();
    }
    if (e.clockAdvancedMs != null) {
      clock.restoreAdvanced(e.clockAdvancedMs);
    }
    if (e.settings != null) {
      e.settings.forEach(
          (name, json) -> {
            Provider p = providers.get(name);
            if (p != null) {
              controls.put(name, ProviderSettings.parse(json, Set.copyOf(p.declineCodes())));
            }
          });
    }
    if (e.secretGenerations != null) {
      e.secretGenerations.forEach(
          (name, gens) -> {
            if (providers.containsKey(name)) {
              secretGenerations.put(name, List.copyOf(gens));
            }
          });
    }
    if (e.webhookUrl != null) {
      webhookUrl[0] = e.webhookUrl;
    }
    if (e.provider != null && states.containsKey(e.provider)) {
      ProviderState state = states.get(e.provider);
      if (e.payments != null) {
        e.payments.forEach(state::put);
      }
      if (e.records != null) {
        e.records.forEach(state::put);
      }
      if (e.idem != null) {
        state.put(e.idem);
      }
    }
    if (e.events != null) {
      e.events.forEach(ev -> pendingEvents.put(ev.id, ev));
    }
    if (e.delivered != null) {
      e.delivered.forEach(pendingEvents::remove);
    }
  }

  private List<JournalEntry> snapshot(java.util.Collection<Event> pendingEvents) {
    List<JournalEntry> out = new ArrayList<>();
    JournalEntry global = new JournalEntry();
    global.clockAdvancedMs = clock.advancedMs();
    Map<String, JsonNode> settings = new LinkedHashMap<>();
    controls.forEach((name, s) -> settings.put(name, s.toJson()));
    global.settings = settings;
    global.secretGenerations = new LinkedHashMap<>(secretGenerations);
    global.webhookUrl = controlledWebhookUrl;
    out.add(global);
    long keepAfter = clock.nowMs() - idempotencyTtl.toMillis();
    for (ProviderState state : states.values()) {
      synchronized (state) {
        state.pruneIdempotency(keepAfter);
        chunk(
            new ArrayList<>(state.payments()),
            500,
            list -> {
              JournalEntry e = new JournalEntry();
              e.provider = state.provider();
              e.payments = list;
              out.add(e);
            });
        chunk(
            new ArrayList<>(state.records()),
            500,
            list -> {
              JournalEntry e = new JournalEntry();
              e.provider = state.provider();
              e.records = list;
              out.add(e);
            });
        for (IdempotencyRecord r : state.idempotencyRecords()) {
          JournalEntry e = new JournalEntry();
          e.provider = state.provider();
          e.idem = r;
          out.add(e);
        }
      }
    }
    chunk(
        new ArrayList<>(pendingEvents),
        500,
        list -> {
          JournalEntry e = new JournalEntry();
          e.events = list;
          out.add(e);
        });
    return out;
  }

  private static <T> void chunk(List<T> all, int size, java.util.function.Consumer<List<T>> sink) {
    for (int i = 0; i < all.size(); i += size) {
      sink.accept(new ArrayList<>(all.subList(i, Math.min(all.size(), i + size))));
    }
  }

  private void initProviders() {
    for (Provider p : providers.values()) {
      ProviderState state = states.get(p.name());
      synchronized (state) {
        Tx tx = new Tx(state);
        p.init(new Ctx(this, p, tx, null, clock.nowMs()));
        commit(tx);
      }
    }
  }

  /** Sets the base URL used in redirect links, once the port is known. */
  public void publicUrl(String url) {
    this.publicUrl = url;
  }

  // ---- Engine ----

  @Override
  public long nowMs() {
    return clock.nowMs();
  }

  @Override
  public Draws draws() {
    return draws;
  }

  @Override
  public ProviderSettings settings(String provider) {
    return controls.getOrDefault(provider, ProviderSettings.DEFAULTS);
  }

  @Override
  public void scheduleTimer(String provider, String paymentId, String action, long dueMs) {
    timers.add(new TimerEntry(dueMs, timerSeq.incrementAndGet(), provider, paymentId, action));
  }

  @Override
  public String publicUrl() {
    return publicUrl;
  }

  @Override
  public void countDecline(String provider) {
    stats.get(provider).declines.incrementAndGet();
  }

  // ---- provider requests ----

  /** The provider called {@code name}, or null. */
  public Provider provider(String name) {
    return providers.get(name);
  }

  /** Every provider, in catalog order. */
  public List<Provider> providers() {
    return List.copyOf(providers.values());
  }

  /** Whether {@code presented} is the provider's API key (constant-time comparison). */
  public boolean authenticates(String provider, String presented) {
    byte[] expected = credentials.apiKey(provider).getBytes(StandardCharsets.UTF_8);
    return presented != null
        && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Counts a request refused before processing (bad route, auth, missing key) in the provider's
   * stats.
   */
  public void countRejected(String provider) {
    ProviderStats s = stats.get(provider);
    s.requests.incrementAndGet();
    s.rejected.incrementAndGet();
  }

  /**
   * Draws the request faults of a request (latency, 5xx, timeout and whether it commits first),
   * from the seed, the provider, the idempotency key (or the path for reads) and the attempt number
   * under that key: the n-th retry of a request always meets the same faults.
   */
  public Plan plan(Provider provider, Route route, ApiRequest request) {
    ProviderSettings s = settings(provider.name());
    ProviderStats st = stats.get(provider.name());
    st.requests.incrementAndGet();
    if ("mutating".equals(s.applyTo) && !route.mutating()) {
      return Plan.NONE;
    }
    String subject =
        request.idempotencyKey() != null
            ? "key:" + request.idempotencyKey()
            : "read:" + request.method() + " " + request.path();
    ProviderState state = states.get(provider.name());
    int attempt;
    synchronized (state) {
      attempt = state.nextAttempt(subject);
    }
    String n = Integer.toString(attempt);
    String name = provider.name();
    long latency = draws.between(s.latencyMinMs, s.latencyMaxMs, name, "latency", subject, n);
    boolean error = draws.chance(s.errorRate, name, "error", subject, n);
    boolean timeout = !error && draws.chance(s.timeoutRate, name, "timeout", subject, n);
    boolean commit =
        timeout && draws.chance(s.timeoutCommitRate, name, "timeout-commit", subject, n);
    if (error) {
      st.injectedErrors.incrementAndGet();
    }
    if (timeout) {
      st.injectedTimeouts.incrementAndGet();
      if (commit) {
        st.committedTimeouts.incrementAndGet();
      }
    }
    if (latency == 0 && !error && !timeout) {
      return Plan.NONE;
    }
    return new Plan(
        latency,
        error ? s.errorStatus : 0,
        timeout,
        commit,
        "hang".equals(s.timeoutMode),
        s.hangMs);
  }

  /** The error reply of an injected 5xx, in the provider's error shape. */
  public Reply injectedError(Provider provider, int status) {
    String code =
        status == 503 ? "service_unavailable" : status == 504 ? "gateway_timeout" : "api_error";
    return Reply.of(
        status,
        provider.errorBody(
            new ApiError(
                status,
                code,
                "the provider had an internal problem (simulated); nothing was processed, retry with the same key")));
  }

  /** An error reply in the provider's shape. */
  public Reply error(Provider provider, ApiError error) {
    return Reply.of(
        error.status() >= 500 ? error.status() : provider.errorStatus(error),
        provider.errorBody(error));
  }

  /**
   * Processes a request: replays the stored outcome of a known idempotency key (or refuses a
   * different request under it with 422), else runs the handler in a transaction, stores the
   * outcome under the key and commits.
   */
  public Reply execute(Provider provider, Route route, ApiRequest request) {
    ProviderState state = states.get(provider.name());
    ProviderStats st = stats.get(provider.name());
    synchronized (state) {
      String fingerprint = null;
      if (route.mutating()) {
        fingerprint = request.method() + " " + request.path() + " " + sha256(request.rawBody());
        IdempotencyRecord existing = state.idempotency(request.idempotencyKey());
        if (existing != null) {
          if (!existing.fingerprint.equals(fingerprint)) {
            st.rejected.incrementAndGet();
            return error(
                provider,
                new ApiError(
                    422,
                    "idempotency_key_reused",
                    "Idempotency-Key: '"
                        + request.idempotencyKey()
                        + "' was already used for a different request (method, path or body "
                        + "differ); use a new key for a new request",
                    "Idempotency-Key"));
          }
          st.replays.incrementAndGet();
          return new Reply(existing.status, existing.body.getBytes(StandardCharsets.UTF_8), true);
        }
      }
      long now = clock.nowMs();
      Tx tx = new Tx(state);
      Ctx ctx = new Ctx(this, provider, tx, request.idempotencyKey(), now);
      ApiResponse response;
      try {
        response = route.handler().handle(ctx, request);
      } catch (ApiError e) {
        st.rejected.incrementAndGet();
        if (!tx.isEmpty()) {
          log.warn(
              "{} {} {} changed state before refusing it ({}); committing the changes",
              provider.name(),
              request.method(),
              request.path(),
              e.getMessage());
          commit(tx);
        }
        return error(provider, e);
      } catch (RuntimeException e) {
        String errorId = "err_" + Long.toHexString(draws.bits(Long.toString(System.nanoTime())));
        log.error(
            "{} {} {} failed (error id {})",
            provider.name(),
            request.method(),
            request.path(),
            errorId,
            e);
        return error(provider, new ApiError(500, "internal_error", "internal error " + errorId));
      }
      String body = Json.write(response.body());
      if (route.mutating()) {
        tx.idempotency(
            new IdempotencyRecord(
                request.idempotencyKey(), fingerprint, response.status(), body, now));
      }
      commit(tx);
      if (response.status() < 300) {
        st.succeeded.incrementAndGet();
      } else {
        st.refused.incrementAndGet();
      }
      return new Reply(response.status(), body.getBytes(StandardCharsets.UTF_8), false);
    }
  }

  private void commit(Tx tx) {
    if (tx.isEmpty()) {
      return;
    }
    journal.append(tx.toEntry());
    for (Event e : tx.events()) {
      webhooks.submit(e);
    }
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  // ---- time ----

  /** Advances the clock and fires every timer that came due, in order; returns the number fired. */
  public int advance(long millis) {
    firing.lock();
    try {
      clock.advance(millis);
      JournalEntry e = new JournalEntry();
      e.clockAdvancedMs = clock.advancedMs();
      journal.append(e);
      return fireDueLocked();
    } finally {
      firing.unlock();
    }
  }

  /** Fires the timers due now (REAL mode calls it every 100 ms); returns how many. */
  public int fireDue() {
    firing.lock();
    try {
      return fireDueLocked();
    } finally {
      firing.unlock();
    }
  }

  private void fireDueQuietly() {
    try {
      fireDue();
    } catch (RuntimeException e) {
      log.error("Timer processing failed", e);
    }
  }

  private int fireDueLocked() {
    int fired = 0;
    long now = clock.nowMs();
    while (true) {
      TimerEntry head = timers.peek();
      if (head == null || head.dueMs > now) {
        return fired;
      }
      timers.poll();
      if (fire(head)) {
        fired++;
      }
    }
  }

  private boolean fire(TimerEntry t) {
    Provider provider = providers.get(t.provider);
    ProviderState state = states.get(t.provider);
    synchronized (state) {
      Payment p = state.payment(t.paymentId);
      if (p == null || !Objects.equals(p.timers.get(t.action), t.dueMs)) {
        return false; // replaced or cancelled
      }
      p.timers.remove(t.action);
      Tx tx = new Tx(state);
      tx.save(p);
      Ctx ctx = new Ctx(this, provider, tx, null, t.dueMs);
      try {
        if (Ctx.AUTO_CUSTOMER.equals(t.action)) {
          boolean approve =
              draws.chance(settings(t.provider).approveRate, t.provider, p.id, "auto-customer");
          String action = approve ? provider.autoApproveAction() : provider.autoDeclineAction();
          provider.onCustomer(ctx, p, action, Json.object());
        } else {
          provider.onTimer(ctx, p, t.action);
        }
      } catch (ApiError e) {
        log.debug(
            "Timer {} of {} {} did not apply: {}", t.action, t.provider, p.id, e.getMessage());
      }
      commit(tx);
      return true;
    }
  }

  /** The clock as JSON: now (ISO and epoch ms), mode, advanced offset. */
  public ObjectNode clockJson() {
    long now = clock.nowMs();
    return Json.object()
        .put("now", Instant.ofEpochMilli(now).toString())
        .put("now_ms", now)
        .put("mode", clock.mode().name().toLowerCase(java.util.Locale.ROOT))
        .put("advanced_seconds", clock.advancedMs() / 1000)
        .put("pending_timers", timers.size());
  }

  // ---- payer, control, truth ----

  /** A payer's action on a payment; returns the provider's view afterwards. */
  public ObjectNode customerAction(
      String providerName, String paymentId, String action, ObjectNode body) {
    Provider provider = requireProvider(providerName);
    ProviderState state = states.get(providerName);
    synchronized (state) {
      Payment p = state.payment(paymentId);
      if (p == null) {
        throw ApiError.notFound("payment", paymentId);
      }
      Tx tx = new Tx(state);
      provider.onCustomer(new Ctx(this, provider, tx, null, clock.nowMs()), p, action, body);
      commit(tx);
      return provider.view(p);
    }
  }

  /** A provider-specific control operation. */
  public ObjectNode controlOperation(String providerName, String operation, ObjectNode body) {
    Provider provider = requireProvider(providerName);
    ProviderState state = states.get(providerName);
    synchronized (state) {
      Tx tx = new Tx(state);
      ObjectNode out =
          provider.control(new Ctx(this, provider, tx, null, clock.nowMs()), operation, body);
      commit(tx);
      return out;
    }
  }

  /** The provider's truth about a payment. */
  public ObjectNode truth(String providerName, String paymentId) {
    Provider provider = requireProvider(providerName);
    ProviderState state = states.get(providerName);
    synchronized (state) {
      Payment p = state.payment(paymentId);
      if (p == null) {
        throw ApiError.notFound("payment", paymentId);
      }
      return truthJson(provider, p);
    }
  }

  /** The provider's truth about every payment with this merchant reference (oldest first). */
  public ArrayNode truthByReference(String providerName, String reference) {
    Provider provider = requireProvider(providerName);
    ProviderState state = states.get(providerName);
    ArrayNode out = Json.MAPPER.createArrayNode();
    synchronized (state) {
      for (Payment p : state.byReference(reference)) {
        out.add(truthJson(provider, p));
      }
    }
    return out;
  }

  private static ObjectNode truthJson(Provider provider, Payment p) {
    ObjectNode n = Json.object();
    n.put("provider", p.provider)
        .put("id", p.id)
        .put("reference", p.reference)
        .put("amount", p.amount)
        .put("currency", p.currency)
        .put("status", p.status)
        .put("phase", p.phase.name())
        .put("failure_code", p.failureCode)
        .put("captured_amount", p.capturedAmount)
        .put("refunded_amount", p.refundedAmount)
        .put("net_charged", p.netCharged())
        .put("created", Instant.ofEpochMilli(p.createdMs).toString())
        .put("updated", Instant.ofEpochMilli(p.updatedMs).toString());
    if (p.expiresMs > 0) {
      n.put("expires", Instant.ofEpochMilli(p.expiresMs).toString());
    }
    ObjectNode timersNode = n.putObject("timers");
    p.timers.forEach((k, v) -> timersNode.put(k, Instant.ofEpochMilli(v).toString()));
    ArrayNode moves = n.putArray("movements");
    for (Movement m : p.movements) {
      moves
          .addObject()
          .put("type", m.type)
          .put("id", m.id)
          .put("amount", m.amount)
          .put("fee", m.fee)
          .put("at", Instant.ofEpochMilli(m.atMs).toString());
    }
    n.set("view", provider.view(p));
    return n;
  }

  /** Copies of every payment of a provider (for reports), taken under its lock. */
  public List<Payment> paymentsSnapshot(String providerName) {
    ProviderState state = states.get(providerName);
    List<Payment> out = new ArrayList<>();
    synchronized (state) {
      for (Payment p : state.payments()) {
        Payment copy = Json.MAPPER.convertValue(p, Payment.class);
        out.add(copy);
      }
    }
    return out;
  }

  /** Copies of the records of one kind of a provider. */
  public List<Record> recordsSnapshot(String providerName, String kind) {
    ProviderState state = states.get(providerName);
    List<Record> out = new ArrayList<>();
    synchronized (state) {
      for (Record r : state.records(kind)) {
        out.add(Json.MAPPER.convertValue(r, Record.class));
      }
    }
    return out;
  }

  Provider requireProvider(String name) {
    Provider p = providers.get(name);
    if (p == null) {
      throw new ApiError(
          404,
          "unknown_provider",
          "provider: '" + name + "' is not simulated (expected: one of " + providers.keySet() + ")",
          "provider");
    }
    return p;
  }

  // ---- settings ----

  /** Replaces ({@code merge} false) or patches a provider's settings; returns them. */
  public ProviderSettings updateSettings(String providerName, JsonNode body, boolean merge) {
    Provider p = requireProvider(providerName);
    Set<String> codes = Set.copyOf(p.declineCodes());
    ProviderSettings next =
        merge ? settings(providerName).merge(body, codes) : ProviderSettings.parse(body, codes);
    controls.put(providerName, next);
    JournalEntry e = new JournalEntry();
    e.settings = Map.of(providerName, next.toJson());
    journal.append(e);
    return next;
  }

  /**
   * Resets every provider's settings to the defaults, and, if {@code state}, forgets all payments
   * and events.
   */
  public void reset(boolean faults, boolean state) {
    JournalEntry e = new JournalEntry();
    if (faults) {
      controls.clear();
      Map<String, JsonNode> defaults = new LinkedHashMap<>();
      providers.keySet().forEach(name -> defaults.put(name, ProviderSettings.DEFAULTS.toJson()));
      e.settings = defaults;
    }
    if (state) {
      firing.lock();
      try {
        for (ProviderState s : states.values()) {
          synchronized (s) {
            s.clear();
          }
        }
        timers.clear();
        webhooks.clear();
        e.wipe = true;
      } finally {
        firing.unlock();
      }
    }
    journal.append(e);
    if (state) {
      initProviders();
    }
  }

  // ---- webhooks and secrets ----

  /** The dispatcher. */
  public WebhookDispatcher webhooks() {
    return webhooks;
  }

  /** Sets the webhook endpoint template (journaled). */
  public void webhookEndpoint(String template) {
    controlledWebhookUrl = template == null ? "" : template;
    webhooks.endpoint(template);
    JournalEntry e = new JournalEntry();
    e.webhookUrl = template == null ? "" : template;
    journal.append(e);
  }

  /** The active webhook secrets of a provider, newest first. */
  public List<String> webhookSecrets(String provider) {
    List<Integer> gens = secretGenerations.getOrDefault(provider, List.of(0));
    List<String> out = new ArrayList<>();
    for (int i = gens.size() - 1; i >= 0; i--) {
      out.add(credentials.webhookSecret(provider, gens.get(i)));
    }
    return out;
  }

  /**
   * Adds a new webhook secret generation (both old and new sign until {@link
   * #retireWebhookSecrets}).
   */
  public List<String> rotateWebhookSecret(String providerName) {
    requireProvider(providerName);
    List<Integer> gens = new ArrayList<>(secretGenerations.get(providerName));
    gens.add(gens.get(gens.size() - 1) + 1);
    setGenerations(providerName, gens);
    return webhookSecrets(providerName);
  }

  /** Keeps only the newest webhook secret. */
  public List<String> retireWebhookSecrets(String providerName) {
    requireProvider(providerName);
    List<Integer> gens = secretGenerations.get(providerName);
    setGenerations(providerName, List.of(gens.get(gens.size() - 1)));
    return webhookSecrets(providerName);
  }

  private void setGenerations(String provider, List<Integer> gens) {
    secretGenerations.put(provider, List.copyOf(gens));
    JournalEntry e = new JournalEntry();
    e.secretGenerations = Map.of(provider, List.copyOf(gens));
    journal.append(e);
  }

  /** Every provider's API key, active webhook secrets and base URL. */
  public ObjectNode credentialsJson() {
    ObjectNode out = Json.object();
    for (Provider p : providers.values()) {
      ObjectNode n = out.putObject(p.name());
      n.put("base_url", publicUrl + "/" + p.name()).put("api_key", credentials.apiKey(p.name()));
      ArrayNode secrets = n.putArray("webhook_secrets");
      webhookSecrets(p.name()).forEach(secrets::add);
    }
    return out;
  }

  private void journalFinishedEvents() {
    List<String> ids = new ArrayList<>();
    String id;
    while ((id = finishedEvents.poll()) != null) {
      ids.add(id);
    }
    if (!ids.isEmpty()) {
      JournalEntry e = new JournalEntry();
      e.delivered = ids;
      try {
        journal.append(e);
      } catch (RuntimeException ex) {
        log.error("Cannot journal finished deliveries", ex);
      }
    }
  }

  private void pruneIdempotency() {
    long before = clock.nowMs() - idempotencyTtl.toMillis();
    for (ProviderState state : states.values()) {
      synchronized (state) {
        state.pruneIdempotency(before);
      }
    }
  }

  // ---- stats and audit ----

  /** Counters per provider and for webhooks, and the audit of double charges. */
  public ObjectNode statsJson() {
    ObjectNode out = Json.object();
    out.put("seed", seed);
    ObjectNode per = out.putObject("providers");
    stats.forEach((name, s) -> per.set(name, s.toJson()));
    out.set("webhooks", webhooks.stats());
    out.set("audit", audit());
    return out;
  }

  /**
   * Merchant references charged more than once by the same provider (net charged > 0 on two or more
   * payments): what a billing service must never cause. {@code {"double_charged_references": n,
   * "examples": [...]}}.
   */
  public ObjectNode audit() {
    int doubles = 0;
    long payments = 0;
    long charged = 0;
    ArrayNode examples = Json.MAPPER.createArrayNode();
    for (ProviderState state : states.values()) {
      synchronized (state) {
        Map<String, Integer> chargedPerReference = new HashMap<>();
        for (Payment p : state.payments()) {
          payments++;
          if (p.netCharged() > 0) {
            charged++;
            if (p.reference != null) {
              chargedPerReference.merge(p.reference, 1, Integer::sum);
            }
          }
        }
        for (Map.Entry<String, Integer> e :
            new TreeSet<>(chargedPerReference.keySet())
                .stream().map(k -> Map.entry(k, chargedPerReference.get(k))).toList()) {
          if (e.getValue() > 1) {
            doubles++;
            if (examples.size() < 20) {
              examples
                  .addObject()
                  .put("provider", state.provider())
                  .put("reference", e.getKey())
                  .put("charges", e.getValue());
            }
          }
        }
      }
    }
    ObjectNode out =
        Json.object()
            .put("payments", payments)
            .put("charged_payments", charged)
            .put("double_charged_references", doubles);
    out.set("examples", examples);
    return out;
  }

  @Override
  public void close() {
    background.shutdownNow();
    try {
      background.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    journalFinishedEvents();
    webhooks.close();
    journal.close();
  }
}
