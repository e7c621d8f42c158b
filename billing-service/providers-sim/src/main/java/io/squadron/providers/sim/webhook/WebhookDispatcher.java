package io.squadron.providers.sim.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Draws;
import io.squadron.providers.sim.core.Event;
import io.squadron.providers.sim.faults.ProviderSettings;
import io.squadron.providers.sim.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhook events to the merchant's endpoint, at least once: POST of the event's fixed
 * body, signed (see {@link WebhookSigner}), retried with exponential backoff until a 2xx answer or
 * the attempt limit. Callback faults are applied per event when it is submitted, drawn from the
 * seed and the event id: dropped (never sent), delayed, held back so that later events overtake it
 * (reordered), or sent twice (duplicated).
 *
 * <p>Without an endpoint, events wait and go out as soon as one is set. Delivery times are
 * wall-clock times, not the simulated clock: delivery is infrastructure, not business.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final int RETAINED_FINISHED = 100_000;

  /** Delivery settings. */
  public record Options(
      int maxInFlight,
      Duration requestTimeout,
      Duration initialBackoff,
      Duration maxBackoff,
      int maxAttempts) {}

  private final Options options;
  private final Draws draws;
  private final Function<String, ProviderSettings> settings;
  private final Function<String, List<String>> secrets;
  private final Consumer<String> finished;
  private final LongSupplier wallMs;
  private final HttpClient client;
  private final ExecutorService clientExecutor;
  private final Semaphore inFlight;
  private final DelayQueue<Delivery> queue = new DelayQueue<>();
  private final Queue<Delivery> parked = new ConcurrentLinkedQueue<>();
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final Queue<String> finishedOrder = new ConcurrentLinkedQueue<>();
  private final Thread sender;
  private volatile String endpoint;
  private volatile boolean closed;

  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong givenUp = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong duplicated = new AtomicLong();
  private final AtomicLong reordered = new AtomicLong();
  private final AtomicLong delayed = new AtomicLong();

  /**
   * A dispatcher.
   *
   * @param settings the current control settings of a provider (callback faults, timestamp skew)
   * @param secrets the active webhook secrets of a provider, newest first
   * @param finished told the id of each event whose delivery ended (delivered, dropped or given up)
   */
  public WebhookDispatcher(
      Options options,
      Draws draws,
      Function<String, ProviderSettings> settings,
      Function<String, List<String>> secrets,
      Consumer<String> finished,
      LongSupplier wallMs,
      String endpoint) {
    this.options = options;
    this.draws = draws;
    this.settings = settings;
    this.secrets = secrets;
    this.finished = finished;
    this.wallMs = wallMs;
    this.endpoint = blankToNull(endpoint);
    this.inFlight = new Semaphore(options.maxInFlight());
    this.clientExecutor = Executors.newFixedThreadPool(2, daemon("providers-sim-webhook-io"));
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(clientExecutor)
            .build();
    this.sender = daemon("providers-sim-webhook-sender").newThread(this::run);
    sender.start();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** The endpoint URL template ({@code {provider}} is replaced by the provider's name), or null. */
  public String endpoint() {
    return endpoint;
  }

  /** Sets the endpoint template (null or blank: none; events wait) and sends what was waiting. */
  public void endpoint(String template) {
    this.endpoint = blankToNull(template);
    if (endpoint != null) {
      Delivery d;
      while ((d = parked.poll()) != null) {
        d.dueNanos = System.nanoTime();
        queue.add(d);
      }
    }
  }

  /** Takes a new event, applying the provider's callback faults. */
  public void submit(Event event) {
    ProviderSettings s = settings.apply(event.provider);
    Tracked t = new Tracked(event);
    tracked.put(event.id, t);
    if (draws.chance(s.callbackDropRate, "callback", event.id, "drop")) {
      dropped.incrementAndGet();
      finish(t, "dropped");
      return;
    }
    long delayMs = 0;
    if (draws.chance(s.callbackDelayRate, "callback", event.id, "delay")) {
      delayMs +=
          draws.between(
              s.callbackDelayMinMs, s.callbackDelayMaxMs, "callback", event.id, "delay-ms");
      delayed.incrementAndGet();
    }
    if (draws.chance(s.callbackReorderRate, "callback", event.id, "reorder")) {
      delayMs += s.reorderHoldMs;
      reordered.incrementAndGet();
    }
    schedule(new Delivery(t, false), delayMs);
    if (draws.chance(s.callbackDuplicateRate, "callback", event.id, "duplicate")) {
      duplicated.incrementAndGet();
      schedule(
          new Delivery(t, true),
          delayMs + draws.between(10, 250, "callback", event.id, "duplicate-ms"));
    }
  }

  /**
   * Takes an event recovered from the journal whose delivery had not ended (no faults drawn again).
   */
  public void resubmit(Event event) {
    Tracked t = new Tracked(event);
    tracked.put(event.id, t);
    schedule(new Delivery(t, false), 0);
  }

  /** Sends an event again (any state), as a merchant's "resend" button does; false if unknown. */
  public boolean redeliver(String eventId) {
    Tracked t = tracked.get(eventId);
    if (t == null) {
      return false;
    }
    synchronized (t) {
      t.state = "pending";
      t.attempts = 0;
    }
    schedule(new Delivery(t, false), 0);
    return true;
  }

  private void schedule(Delivery d, long delayMs) {
    d.dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
    queue.add(d);
  }

  private void run() {
    while (!closed) {
      Delivery d;
      try {
        d = queue.take();
        if (endpoint == null) {
          parked.add(d);
          continue;
        }
        inFlight.acquire();
      } catch (InterruptedException e) {
        return;
      }
      try {
        send(d);
      } catch (RuntimeException e) {
        inFlight.release();
        log.warn("Webhook delivery of {} failed to start", d.tracked.event.id, e);
        retry(d, 0, e.toString());
      }
    }
  }

  private void send(Delivery d) {
    Event e = d.tracked.event;
    String url = endpoint.replace("{provider}", e.provider);
    byte[] body = e.body.getBytes(StandardCharsets.UTF_8);
    int attempt;
    synchronized (d.tracked) {
      attempt = ++d.tracked.attempts;
    }
    long t = wallMs.getAsLong() / 1000 + settings.apply(e.provider).timestampSkewSeconds;
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(options.requestTimeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "squadron-providers-sim/1")
            .header(WebhookSigner.HEADER, WebhookSigner.header(t, body, secrets.apply(e.provider)))
            .header("Squadron-Event-Id", e.id)
            .header("Squadron-Event-Type", e.type)
            .header("Squadron-Provider", e.provider)
            .header("Squadron-Delivery-Attempt", Integer.toString(attempt))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    attempts.incrementAndGet();
    client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              inFlight.release();
              int status = response == null ? 0 : response.statusCode();
              if (error == null && status >= 200 && status < 300) {
                delivered.incrementAndGet();
                if (!d.copy) {
                  synchronized (d.tracked) {
                    d.tracked.lastStatus = status;
                  }
                  finish(d.tracked, "delivered");
                }
              } else {
                failedAttempts.incrementAndGet();
                retry(
                    d, status, error == null ? "HTTP " + status : error.getClass().getSimpleName());
              }
            });
  }

  private void retry(Delivery d, int status, String error) {
    if (d.copy || closed) {
      return; // a duplicate is a one-shot copy; the original carries the at-least-once guarantee
    }
    int attempt;
    synchronized (d.tracked) {
      d.tracked.lastStatus = status;
      d.tracked.lastError = error;
      attempt = d.tracked.attempts;
    }
    if (attempt >= options.maxAttempts()) {
      givenUp.incrementAndGet();
      finish(d.tracked, "failed");
      return;
    }
    long backoff =
        Math.min(
            options.maxBackoff().toMillis(),
            options.initialBackoff().toMillis() << Math.min(20, attempt - 1));
    schedule(d, backoff);
  }

  private void finish(Tracked t, String state) {
    synchronized (t) {
      t.state = state;
    }
    finished.accept(t.event.id);
    finishedOrder.add(t.event.id);
    while (finishedOrder.size() > RETAINED_FINISHED) {
      String old = finishedOrder.poll();
      Tracked gone = old == null ? null : tracked.get(old);
      if (gone != null && !"pending".equals(gone.state)) {
        tracked.remove(old);
      }
    }
  }

  /** Events (newest last), filtered by provider and state when given, at most {@code limit}. */
  public ArrayNode list(String provider, String state, int limit) {
    List<Tracked> matching = new ArrayList<>();
    for (Tracked t : tracked.values()) {
      if ((provider == null || provider.equals(t.event.provider))
          && (state == null || state.equals(t.state))) {
        matching.add(t);
      }
    }
    matching.sort((a, b) -> Long.compare(a.seq, b.seq));
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Tracked t : matching.subList(Math.max(0, matching.size() - limit), matching.size())) {
      synchronized (t) {
        ObjectNode n = out.addObject();
        n.put("id", t.event.id)
            .put("provider", t.event.provider)
            .put("type", t.event.type)
            .put("object_id", t.event.objectId)
            .put("state", t.state)
            .put("attempts", t.attempts)
            .put("last_status", t.lastStatus);
        if (t.lastError != null) {
          n.put("last_error", t.lastError);
        }
      }
    }
    return out;
  }

  /** Delivery counters. */
  public ObjectNode stats() {
    long pending = tracked.values().stream().filter(t -> "pending".equals(t.state)).count();
    return Json.object()
        .put("pending", pending)
        .put("attempts", attempts.get())
        .put("delivered", delivered.get())
        .put("failed_attempts", failedAttempts.get())
        .put("given_up", givenUp.get())
        .put("dropped", dropped.get())
        .put("duplicated", duplicated.get())
        .put("reordered", reordered.get())
        .put("delayed", delayed.get());
  }

  /** Forgets every event (a state reset); deliveries under way finish unobserved. */
  public void clear() {
    queue.clear();
    parked.clear();
    tracked.clear();
    finishedOrder.clear();
  }

  @Override
  public void close() {
    closed = true;
    sender.interrupt();
    clientExecutor.shutdownNow();
  }

  private static final AtomicLong SEQ = new AtomicLong();

  private static final class Tracked {
    final Event event;
    final long seq = SEQ.incrementAndGet();
    String state = "pending";
    int attempts;
    int lastStatus;
    String lastError;

    Tracked(Event event) {
      this.event = event;
    }
  }

  private static final class Delivery implements Delayed {
    final Tracked tracked;
    final boolean copy;
    volatile long dueNanos;

    Delivery(Tracked tracked, boolean copy) {
      this.tracked = tracked;
      this.copy = copy;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(dueNanos, ((Delivery) o).dueNanos);
    }
  }
}
