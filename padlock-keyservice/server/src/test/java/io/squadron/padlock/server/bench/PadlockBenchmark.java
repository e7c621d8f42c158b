package io.squadron.padlock.server.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.squadron.infra.LocalInfra;
import io.squadron.infra.certs.DevCerts;
import io.squadron.padlock.server.api.PadlockMain;
import io.squadron.padlock.server.crypto.KeyDerivation;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.CreateUserKeysResponse;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.GetDerivedKeysResponse;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Padlock server process (forked, mutual TLS, the whole rpc-core chain, real Cassandra and
 * memcached) under a closed-loop load of batched GetDerivedKeys calls over loopback, with warm
 * caches, for a bounded time; then, in this process, HKDF derivations per second on one thread (the
 * ceiling of an uncached lookup).
 *
 * <p>Phases: the closed-loop maximum (and, for comparison, the same with per-item responses); open
 * loops at 50% and 80% of that maximum, latency counted from each call's due time; a cold mix (5%
 * of each call's items are users in no cache, each read from Cassandra once) at up to half the
 * maximum; for each, CPU seconds per million keys of the server process and of this process (the
 * load generator), and how busy the whole machine was (from /proc).
 *
 * <p>Arguments (all optional): {@code --seconds 30 --open-seconds 15 --batch 1000 --users 5000
 * --cold-users 20000 --concurrency 8 --connections 2 --compact true --warmup 40 --server-jvm
 * "-Xmx1g ..." --jfr FILE --server-threads false --timeline PREFIX} ({@code --warmup}: seconds of
 * load before the first measured phase, alternating both answer forms, then an open loop; {@code
 * --jfr} records a JFR profile of the server during the closed-loop phase only; {@code --compact
 * false} asks for per-item responses; {@code --server-threads true} prints the server's CPU per
 * thread group and its context switches per call under each phase; {@code --timeline PREFIX} writes
 * each open-loop call's due time, send lag and latency, in microseconds, to {@code
 * PREFIX-<rate>.csv}). Under each open-loop phase a line tells how the machine stalled meanwhile
 * ({@link MachineStalls}). The stores come from {@code SQUADRON_CASSANDRA} / {@code
 * SQUADRON_MEMCACHED} when set, else are started here. Ends with one line {@code BENCH padlock
 * keys_per_s=... p99_ms_at_80pct=... keys_per_server_core_s=... cold_p99_ms=... batch=...
 * stalled_pct_at_80pct=...}.
 */
public final class PadlockBenchmark {
  private static final Pattern SERVING = Pattern.compile("serving gRPC on 127\\.0\\.0\\.1:(\\d+)");
  private static final String[] CATEGORIES = {"account", "payment", "listening"};

  private PadlockBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "30"));
    int batch = Integer.parseInt(opts.getOrDefault("batch", "1000"));
    int users = Integer.parseInt(opts.getOrDefault("users", "5000"));
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "8"));
    int connections = Integer.parseInt(opts.getOrDefault("connections", "2"));
    String serverJvm = opts.getOrDefault("server-jvm", "-Xms1g -Xmx1g");
    int openSeconds = Integer.parseInt(opts.getOrDefault("open-seconds", "15"));
    int warmupSeconds = Integer.parseInt(opts.getOrDefault("warmup", "40"));
    int coldUsers = Integer.parseInt(opts.getOrDefault("cold-users", "20000"));
    boolean compact = Boolean.parseBoolean(opts.getOrDefault("compact", "true"));
    boolean serverThreads = Boolean.parseBoolean(opts.getOrDefault("server-threads", "false"));
    String timeline = opts.get("timeline");

    Path work = Files.createTempDirectory("padlock-bench");
    DevCerts.generate(work, List.of("padlock", "userdb"));
    try (LocalInfra infra =
        LocalInfra.builder()
            .fromEnvironment(System.getenv())
            .cassandra(true)
            .memcached(true)
            .build()
            .start()) {
      Map<String, String> env = infra.environment();
      Path conf = work.resolve("padlock.conf");
      byte[] master = new byte[32];
      new SecureRandom().nextBytes(master);
      Files.writeString(
          conf,
          """
          squadron.security { service-name = padlock, cert-dir = "%s" }
          squadron.admin.enabled = false
          squadron.padlock {
            master-keys { current = 1, keys { 1 = "%s" } }
            # The measured phase is warm: users loaded once stay in memory for the whole run.
            cache.ttl = 10m
          }
          squadron.stores {
            cassandra { endpoint = "%s", keyspace = padlock_bench }
            memcached { addresses = "%s", key-prefix = "bench%d:" }
          }
          """
              .formatted(
                  work,
                  Base64.getEncoder().encodeToString(master),
                  env.get(LocalInfra.CASSANDRA_ENV),
                  env.get(LocalInfra.MEMCACHED_ENV),
                  System.nanoTime() % 100_000));

      Process server = startServer(conf, serverJvm);
      try {
        int port = awaitPort(server);
        List<ChannelFactory> factories = new ArrayList<>();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          Config client =
              ConfigLoader.withOverrides(
                  ConfigFactory.parseString(
                      """
              squadron.security { service-name = userdb, cert-dir = "%s" }
              squadron.clients.padlock { addresses = ["127.0.0.1:%d"], deadline = 5s, max-inbound-message-size = 64 MiB }
              """
                          .formatted(work, port)));
          ChannelFactory f = Platform.clients(client, Platform.newMeterRegistry()).build();
          factories.add(f);
          channels.add(f.channel("padlock"));
        }
        try {
          String[] ids = createUsers(channels.get(0), users, "bench-");
          warmAll(channels.get(0), ids);
          // Cold users: created (CreateUserKeys caches nothing) and never looked up before the cold
          // phase, each used
          // once there, so each is read from Cassandra (quorum) and memcached misses.
          String[] coldIds = createUsers(channels.get(0), coldUsers, "cold-");
          List<GetDerivedKeysRequest> requests = requests(ids, batch, 64, compact);
          List<GetDerivedKeysRequest> classicRequests = requests(ids, batch, 64, false);
          ServerCpu cpu = new ServerCpu(server.pid(), serverThreads);
          System.out.printf(
              "padlock bench: %d users, batch %d, %d calls outstanding over %d connections, %d s, "
                  + "%s responses%n",
              users, batch, concurrency, connections, seconds, compact ? "compact" : "per-item");
          // Both answer forms, alternately, before anything is measured: a 5 s warm-up left the
          // server's JIT and its first old-generation promotions (young pauses of 40-110 ms) in
          // the first measured phase, which then cost 2-2.5x the CPU per key of the same phase
          // run later, whichever form it asked for.
          List<GetDerivedKeysRequest> compactRequests = requests(ids, batch, 64, true);
          Result warm = null;
          for (int round = 0; round < 4; round++) {
            boolean compactRound = round % 2 == (compact ? 1 : 0);
            warm =
                load(
                    channels,
                    compactRound ? compactRequests : classicRequests,
                    concurrency,
                    Math.max(1, warmupSeconds / 4));
            System.out.printf(
                "warm-up %-9s: %,12.0f keys/s  p50 %6.2f ms  p99 %6.2f ms  failed items %d%n",
                compactRound ? "compact" : "per-item",
                warm.keysPerSecond(batch),
                warm.quantileMs(0.5),
                warm.quantileMs(0.99),
                warm.failedItems);
          }
          // And the open loop's path (every call with its own deadline, one at a time): left to the
          // first open phase, the server's JIT recompiled for it there (1-1.7 CPU s of compiler
          // threads in a 10 s phase against 0.1-0.3 s when the phase was run a second time).
          Result warmOpen =
              openLoop(
                  channels,
                  requests,
                  warm.keysPerSecond(batch) / 2,
                  batch,
                  Math.max(1, warmupSeconds / 4),
                  false,
                  null);
          System.out.printf(
              "warm-up open loop: %,12.0f keys/s  p50 %6.2f ms  p99 %6.2f ms  failed items %d%n",
              warmOpen.keysPerSecond(batch),
              warmOpen.quantileMs(0.5),
              warmOpen.quantileMs(0.99),
              warmOpen.failedItems);
          String jfr = opts.get("jfr");
          if (jfr != null) {
            jcmd(server, "JFR.start", "name=padlock-bench", "settings=profile", "filename=" + jfr);
          }
          CpuUse cpuBefore = cpu.now();
          Result run = load(channels, requests, concurrency, seconds);
          CpuUse cpuMax = cpu.now().since(cpuBefore);
          if (jfr != null) {
            jcmd(server, "JFR.stop", "name=padlock-bench");
            System.out.println("server profile of the sustained phase: " + jfr);
          }
          double max = run.keysPerSecond(batch);
          double keysPerCoreSecond = run.keys(batch) / cpuMax.server();
          System.out.println(
              "phase                     keys/s    p50 ms    p99 ms  p99.9 ms  cpu s/M keys: server"
                  + "  load gen  machine busy  failed calls/items");
          row("closed-loop max", run, batch, cpuMax);
          if (compact) {
            CpuUse before = cpu.now();
            Result classic = load(channels, classicRequests, concurrency, Math.max(5, seconds / 2));
            row("closed-loop per-item", classic, batch, cpu.now().since(before));
          }
          Result[] open = new Result[2];
          MachineStalls.Summary[] openStalls = new MachineStalls.Summary[2];
          double[] fractions = {0.5, 0.8};
          for (int i = 0; i < fractions.length; i++) {
            CpuUse before = cpu.now();
            MachineStalls stalls = MachineStalls.start();
            open[i] =
                openLoop(
                    channels, requests, max * fractions[i], batch, openSeconds, false, timeline);
            openStalls[i] = stalls.stop(cpu.ticksPerSecond());
            row(
                String.format(
                    "open-loop %d%% (%,.0f/s)", (int) (fractions[i] * 100), max * fractions[i]),
                open[i],
                batch,
                cpu.now().since(before));
            System.out.println(openStalls[i].line());
          }
          int coldPerCall = Math.max(1, batch / 20);
          double coldRate =
              Math.min(max * 0.5, coldIds.length / (double) coldPerCall / openSeconds * batch);
          List<GetDerivedKeysRequest> coldRequests = coldRequests(requests, coldIds, coldPerCall);
          CpuUse coldBefore = cpu.now();
          MachineStalls coldStalls = MachineStalls.start();
          Result cold =
              openLoop(channels, coldRequests, coldRate, batch, openSeconds, true, timeline);
          MachineStalls.Summary coldSeen = coldStalls.stop(cpu.ticksPerSecond());
          row(
              String.format("cold 5%% open (%,.0f/s)", coldRate),
              cold,
              batch,
              cpu.now().since(coldBefore));
          System.out.println(coldSeen.line());
          System.out.printf(
              "server: %.1f cpu s over the closed-loop max phase of %.1f s: %,.0f keys per server core-"
                  + "second%n",
              cpuMax.server(), run.seconds, keysPerCoreSecond);
          double hkdf = hkdfPerSecondOneThread(3);
          System.out.printf(
              "in-process: %,12.0f HKDF-SHA256 derivations/s on one thread (uncached ceiling)%n",
              hkdf);
          System.out.printf(
              "BENCH padlock keys_per_s=%.0f p99_ms_at_80pct=%.2f keys_per_server_core_s=%.0f "
                  + "cold_p99_ms=%.2f batch=%d stalled_pct_at_80pct=%.1f%n",
              max,
              open[1].quantileMs(0.99),
              keysPerCoreSecond,
              cold.quantileMs(0.99),
              batch,
              openStalls[1].stalledShare() * 100);
        } finally {
          factories.forEach(ChannelFactory::close);
        }
      } finally {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  /**
   * Runs {@code jcmd <server pid> ...} (profiling the sustained phase only, with {@code --jfr
   * FILE}).
   */
  private static void jcmd(Process server, String... command) throws Exception {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    line.add(Long.toString(server.pid()));
    line.addAll(List.of(command));
    Process p =
        new ProcessBuilder(line)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    return opts;
  }

  private static Process startServer(Path conf, String jvmArgs) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : jvmArgs.trim().split("\\s+")) {
      if (!arg.isEmpty()) {
        command.add(arg);
      }
    }
    command.addAll(
        List.of(
            "-Dnet.spy.log.LoggerImpl=net.spy.memcached.compat.log.SLF4JLogger",
            "-cp",
            System.getProperty("java.class.path"),
            PadlockMain.class.getName(),
            "--config",
            conf.toString()));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static int awaitPort(Process server) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  if (!port.isDone()) {
                    System.out.println("  [server] " + line);
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                      port.complete(Integer.parseInt(m.group(1)));
                    }
                  } else if (line.contains("WARN") || line.contains("ERROR")) {
                    System.out.println("  [server] " + line);
                  }
                }
                port.completeExceptionally(
                    new IllegalStateException("padlock server exited before serving"));
              } catch (java.io.IOException e) {
                port.completeExceptionally(e);
              }
            },
            "padlock-server-output");
    pump.setDaemon(true);
    pump.start();
    return port.get(90, TimeUnit.SECONDS);
  }

  private static String[] createUsers(ManagedChannel channel, int count, String prefix)
      throws InterruptedException {
    PadlockServiceGrpc.PadlockServiceStub stub = PadlockServiceGrpc.newStub(channel);
    String[] ids = new String[count];
    Semaphore window = new Semaphore(64);
    CountDownLatch done = new CountDownLatch(count);
    AtomicInteger failed = new AtomicInteger();
    long start = System.nanoTime();
    String run = Long.toHexString(System.nanoTime());
    for (int i = 0; i < count; i++) {
      ids[i] = prefix + run + "-" + i;
      window.acquire();
      stub.createUserKeys(
          CreateUserKeysRequest.newBuilder().setUserId(ids[i]).build(),
          new StreamObserver<CreateUserKeysResponse>() {
            @Override
            public void onNext(CreateUserKeysResponse value) {}

            @Override
            public void onError(Throwable t) {
              failed.incrementAndGet();
              window.release();
              done.countDown();
            }

            @Override
            public void onCompleted() {
              window.release();
              done.countDown();
            }
          });
    }
    done.await(5, TimeUnit.MINUTES);
    System.out.printf(
        "created %d %susers in %.1f s (%d failed)%n",
        count, prefix, (System.nanoTime() - start) / 1e9, failed.get());
    return ids;
  }

  /**
   * Loads every user into the server's memory cache once, in small batches (the measured phase is
   * warm).
   */
  private static void warmAll(ManagedChannel channel, String[] ids) {
    long start = System.nanoTime();
    PadlockServiceGrpc.PadlockServiceBlockingStub stub =
        PadlockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES);
    List<String> pending = new ArrayList<>(Arrays.asList(ids));
    int passes = 0;
    while (!pending.isEmpty() && passes++ < 5) {
      List<String> failedUsers = new ArrayList<>();
      for (int from = 0; from < pending.size(); from += 200) {
        List<String> chunk = pending.subList(from, Math.min(pending.size(), from + 200));
        GetDerivedKeysRequest.Builder b = GetDerivedKeysRequest.newBuilder();
        for (String id : chunk) {
          for (String category : CATEGORIES) {
            b.addItems(DerivedKeyItem.newBuilder().setUserId(id).setCategory(category));
          }
        }
        GetDerivedKeysResponse response = stub.getDerivedKeys(b.build());
        for (int i = 0; i < response.getResultsCount(); i++) {
          if (response.getResults(i).hasStatus() && (i % CATEGORIES.length) == 0) {
            failedUsers.add(chunk.get(i / CATEGORIES.length));
          }
        }
      }
      pending = failedUsers;
    }
    System.out.printf(
        "loaded %d users into the server cache in %.1f s (%d not loaded)%n",
        ids.length, (System.nanoTime() - start) / 1e9, pending.size());
  }

  private static List<GetDerivedKeysRequest> requests(
      String[] ids, int batch, int distinct, boolean compact) {
    SplittableRandom random = new SplittableRandom(42);
    List<GetDerivedKeysRequest> out = new ArrayList<>();
    for (int r = 0; r < distinct; r++) {
      GetDerivedKeysRequest.Builder b =
          GetDerivedKeysRequest.newBuilder().setCompactResponse(compact);
      for (int i = 0; i < batch; i++) {
        b.addItems(
            DerivedKeyItem.newBuilder()
                .setUserId(ids[random.nextInt(ids.length)])
                .setCategory(CATEGORIES[random.nextInt(CATEGORIES.length)]));
      }
      out.add(b.build());
    }
    return out;
  }

  private static final class Result {
    long calls;
    long failedCalls;
    long failedItems;
    double seconds;
    long[] latencies;

    double keys(int batch) {
      return calls * (double) batch - failedItems;
    }

    double keysPerSecond(int batch) {
      return keys(batch) / seconds;
    }

    double quantileMs(double q) {
      if (latencies.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1);
      return latencies[Math.max(0, index)] / 1e6;
    }
  }

  private static Result load(
      List<ManagedChannel> channels,
      List<GetDerivedKeysRequest> requests,
      int concurrency,
      int seconds)
      throws InterruptedException {
    long[] samples = new long[4_000_000];
    AtomicInteger sampleCount = new AtomicInteger();
    AtomicLong calls = new AtomicLong();
    AtomicLong failedCalls = new AtomicLong();
    AtomicLong failedItems = new AtomicLong();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      PadlockServiceGrpc.PadlockServiceStub stub =
          PadlockServiceGrpc.newStub(channels.get(i % channels.size()));
      new Object() {
        int next = 0;

        void call() {
          if (System.nanoTime() >= end) {
            done.countDown();
            return;
          }
          long t0 = System.nanoTime();
          GetDerivedKeysRequest request = requests.get(next++ % requests.size());
          stub.getDerivedKeys(
              request,
              new StreamObserver<GetDerivedKeysResponse>() {
                @Override
                public void onNext(GetDerivedKeysResponse response) {
                  failedItems.addAndGet(failures(response));
                }

                @Override
                public void onError(Throwable t) {
                  failedCalls.incrementAndGet();
                  failedItems.addAndGet(request.getItemsCount());
                  calls.incrementAndGet();
                  call();
                }

                @Override
                public void onCompleted() {
                  int index = sampleCount.getAndIncrement();
                  if (index < samples.length) {
                    samples[index] = System.nanoTime() - t0;
                  }
                  calls.incrementAndGet();
                  call();
                }
              });
        }
      }.call();
    }
    done.await(seconds + 60L, TimeUnit.SECONDS);
    Result r = new Result();
    r.calls = calls.get();
    r.failedCalls = failedCalls.get();
    r.failedItems = failedItems.get();
    r.seconds = (System.nanoTime() - start) / 1e9;
    r.latencies = Arrays.copyOf(samples, Math.min(sampleCount.get(), samples.length));
    Arrays.sort(r.latencies);
    return r;
  }

  /** The failed items of a response, in either encoding. */
  private static long failures(GetDerivedKeysResponse response) {
    if (response.hasCompact()) {
      return response.getCompact().getFailuresCount();
    }
    long failures = 0;
    for (int i = 0; i < response.getResultsCount(); i++) {
      if (response.getResults(i).hasStatus()) {
        failures++;
      }
    }
    return failures;
  }

  private static void row(String phase, Result r, int batch, CpuUse cpu) {
    if (cpu.threads() != null) {
      StringBuilder b = new StringBuilder("    server threads, cpu s:");
      cpu.threads().entrySet().stream()
          .filter(e -> e.getValue() >= 0.05)
          .map(
              e ->
                  e.getKey().equals("~switches")
                      ? Map.entry("switches/call", e.getValue() / r.calls)
                      : e)
          .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
          .forEach(e -> b.append(String.format(" %s=%.2f", e.getKey(), e.getValue())));
      System.out.println(b);
    }
    System.out.printf(
        "%-22s %,11.0f %9.2f %9.2f %9.2f %20.3f %9.3f %12.0f%%  %d/%d%n",
        phase,
        r.keysPerSecond(batch),
        r.quantileMs(0.5),
        r.quantileMs(0.99),
        r.quantileMs(0.999),
        cpu.server() / r.keys(batch) * 1e6,
        cpu.loadGenerator() / r.keys(batch) * 1e6,
        cpu.machineBusy() * 100,
        r.failedCalls,
        r.failedItems);
  }

  /**
   * The warm requests with every 20th item (5%) replaced by a cold user, each cold user used once.
   */
  private static List<GetDerivedKeysRequest> coldRequests(
      List<GetDerivedKeysRequest> warm, String[] coldIds, int coldPerCall) {
    List<GetDerivedKeysRequest> out = new ArrayList<>();
    int next = 0;
    for (int call = 0; next + coldPerCall <= coldIds.length; call++) {
      GetDerivedKeysRequest.Builder b = warm.get(call % warm.size()).toBuilder();
      int step = b.getItemsCount() / coldPerCall;
      for (int k = 0; k < coldPerCall; k++) {
        b.setItems(
            k * step,
            DerivedKeyItem.newBuilder().setUserId(coldIds[next++]).setCategory(CATEGORIES[k % 3]));
      }
      out.add(b.build());
    }
    return out;
  }

  /**
   * Calls at a fixed rate (open loop), whatever the answers do: call {@code i} is due at {@code
   * start + i * interval} and its latency counts from then, so a server (or a sender) falling
   * behind shows in the latencies instead of slowing the load (no coordinated omission). Each
   * request is sent once at most (the cold phase relies on it).
   */
  private static Result openLoop(
      List<ManagedChannel> channels,
      List<GetDerivedKeysRequest> requests,
      double keysPerSecond,
      int batch,
      int seconds,
      boolean eachOnce,
      String timeline)
      throws InterruptedException {
    long interval = (long) (1e9 * batch / keysPerSecond);
    int count =
        (int)
            Math.min(
                eachOnce ? requests.size() : Integer.MAX_VALUE,
                TimeUnit.SECONDS.toNanos(seconds) / interval);
    long[] samples = new long[count];
    long[] sendLag = new long[count];
    long[] doneAt = new long[count];
    AtomicInteger sampleCount = new AtomicInteger();
    AtomicLong failedCalls = new AtomicLong();
    AtomicLong failedItems = new AtomicLong();
    CountDownLatch done = new CountDownLatch(count);
    List<PadlockServiceGrpc.PadlockServiceStub> stubs = new ArrayList<>();
    channels.forEach(c -> stubs.add(PadlockServiceGrpc.newStub(c)));
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    long startMillis = System.currentTimeMillis() + 20;
    for (int i = 0; i < count; i++) {
      long due = start + i * interval;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      GetDerivedKeysRequest request = requests.get(i % requests.size());
      sendLag[i] = System.nanoTime() - due;
      final int callIndex = i;
      stubs
          .get(i % stubs.size())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getDerivedKeys(
              request,
              new StreamObserver<GetDerivedKeysResponse>() {
                @Override
                public void onNext(GetDerivedKeysResponse response) {
                  failedItems.addAndGet(failures(response));
                }

                @Override
                public void onError(Throwable t) {
                  failedCalls.incrementAndGet();
                  failedItems.addAndGet(request.getItemsCount());
                  done.countDown();
                }

                @Override
                public void onCompleted() {
                  samples[sampleCount.getAndIncrement()] = System.nanoTime() - due;
                  doneAt[callIndex] = System.nanoTime() - due;
                  done.countDown();
                }
              });
    }
    done.await(60, TimeUnit.SECONDS);
    if (timeline != null) {
      try (java.io.PrintWriter w =
          new java.io.PrintWriter(
              Files.newBufferedWriter(Path.of(timeline + "-" + (long) keysPerSecond + ".csv")))) {
        for (int i = 0; i < count; i++) {
          w.printf(
              "%d,%d,%d%n",
              startMillis * 1000 + i * interval / 1000, sendLag[i] / 1000, doneAt[i] / 1000);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    Result r = new Result();
    r.calls = count;
    r.failedCalls = failedCalls.get();
    r.failedItems = failedItems.get();
    r.seconds =
        count * interval
            / 1e9; // the schedule's length: keys/s is the offered rate less failed items
    r.latencies = Arrays.copyOf(samples, Math.min(sampleCount.get(), samples.length));
    Arrays.sort(r.latencies);
    return r;
  }

  /**
   * CPU used, from /proc (Linux): the forked server's and this process's seconds (user + system),
   * and the machine's busy and total jiffies (all CPUs, from /proc/stat).
   */
  private record CpuUse(
      double server,
      double loadGenerator,
      long machineBusy_,
      long machineAll,
      Map<String, Double> threads) {
    CpuUse since(CpuUse before) {
      Map<String, Double> t = threads == null ? null : new java.util.TreeMap<>(threads);
      if (t != null) {
        before.threads.forEach((k, v) -> t.merge(k, -v, Double::sum));
      }
      return new CpuUse(
          server - before.server,
          loadGenerator - before.loadGenerator,
          machineBusy_ - before.machineBusy_,
          machineAll - before.machineAll,
          t);
    }

    /** The share of all CPUs busy over the interval, 0..1. */
    double machineBusy() {
      return machineAll == 0 ? Double.NaN : machineBusy_ / (double) machineAll;
    }
  }

  /** Reads {@link CpuUse} for the forked server and this process. */
  private static final class ServerCpu {
    private final Path serverStat;
    private final double ticksPerSecond;
    private final boolean perThread;

    ServerCpu(long pid, boolean perThread) throws Exception {
      this.perThread = perThread;
      this.serverStat = Path.of("/proc", Long.toString(pid), "stat");
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      this.ticksPerSecond = out.matches("\\d+") ? Double.parseDouble(out) : 100;
    }

    /** The unit of the CPU times in /proc (USER_HZ). */
    double ticksPerSecond() {
      return ticksPerSecond;
    }

    CpuUse now() throws java.io.IOException {
      long[] machine = machineJiffies();
      return new CpuUse(
          processSeconds(serverStat),
          processSeconds(Path.of("/proc/self/stat")),
          machine[0],
          machine[1],
          perThread ? threads() : null);
    }

    private Map<String, Double> threads() throws java.io.IOException {
      Map<String, Double> out = new java.util.TreeMap<>();
      try (var tasks = Files.list(serverStat.getParent().resolve("task"))) {
        for (Path task : tasks.toList()) {
          try {
            for (String l : Files.readAllLines(task.resolve("status"))) {
              if (l.startsWith("voluntary_ctxt_switches:")) {
                out.merge(
                    "~switches",
                    Double.parseDouble(l.substring(l.indexOf(':') + 1).trim()),
                    Double::sum);
              }
            }
            ProcStat stat = ProcStat.read(task.resolve("stat"));
            out.merge(
                stat.name().replaceAll("\\d+", "N"), stat.ticks() / ticksPerSecond, Double::sum);
          } catch (java.io.IOException gone) {
            // the thread ended meanwhile
          }
        }
      }
      return out;
    }

    private double processSeconds(Path stat) throws java.io.IOException {
      return ProcStat.read(stat).ticks() / ticksPerSecond;
    }

    /** {busy, all} jiffies of the machine: the first line of /proc/stat, idle and iowait idle. */
    private static long[] machineJiffies() throws java.io.IOException {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long all = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) { // user .. steal; guest is inside user
        all += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {all - idle, all};
    }
  }

  private static double hkdfPerSecondOneThread(int seconds) {
    byte[] root = new byte[32];
    new SecureRandom().nextBytes(root);
    long sink = 0;
    for (int i = 0; i < 200_000; i++) { // JIT warm-up
      sink += KeyDerivation.derive(KeyDerivation.userPrk(root), "account", "userdb", 1)[0];
    }
    long count = 0;
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      for (int i = 0; i < 1000; i++) {
        // A full uncached lookup's crypto: extract the user's PRK from the root, expand one key.
        sink +=
            KeyDerivation.derive(KeyDerivation.userPrk(root), CATEGORIES[i % 3], "userdb", 1)[0];
      }
      count += 1000;
    }
    double perSecond = count / ((System.nanoTime() - start) / 1e9);
    if (sink == 42) {
      System.out.print("");
    }
    return perSecond;
  }
}
