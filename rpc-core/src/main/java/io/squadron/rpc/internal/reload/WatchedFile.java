package io.squadron.rpc.internal.reload;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps something in step with a file: the file is polled (robust to editors that replace files and
 * to Kubernetes ConfigMap symlink swaps) and, when its bytes change, parsed and applied. A file
 * that cannot be read or does not parse leaves what is in force and is logged; {@link #reload()}
 * re-reads at once (an admin call).
 *
 * @param <T> what the file holds
 */
public final class WatchedFile<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchedFile.class);

  private final Path file;
  private final String what;
  private final BiFunction<Path, byte[], T> parse;
  private final Consumer<T> apply;
  private ScheduledExecutorService executor;
  private byte[] lastContent;

  /**
   * @param what a name for logs ("permission policy")
   * @param parse turns the file's bytes into a value, or throws (an {@code InvalidConfigException}
   *     naming the key)
   * @param apply takes the new value in use
   */
  public WatchedFile(Path file, String what, BiFunction<Path, byte[], T> parse, Consumer<T> apply) {
    this.file = requireNonNull(file, "file");
    this.what = requireNonNull(what, "what");
    this.parse = requireNonNull(parse, "parse");
    this.apply = requireNonNull(apply, "apply");
  }

  /**
   * Re-reads the file now and applies it when it changed.
   *
   * @return true when a new value was applied
   * @throws IOException when the file cannot be read; the parser's exception when it is invalid
   *     (nothing changes)
   */
  public synchronized boolean reload() throws IOException {
    byte[] content = Files.readAllBytes(file);
    if (lastContent != null && Arrays.equals(content, lastContent)) {
      return false;
    }
    T value = parse.apply(file, content);
    apply.accept(value);
    lastContent = content;
    return true;
  }

  /** Polls the file every {@code interval} on a daemon thread. */
  public synchronized WatchedFile<T> start(Duration interval) {
    requireNonNull(interval, "interval");
    if (executor != null) {
      throw new IllegalStateException("already started");
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "squadron-watch-" + file.getFileName());
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void poll() {
    try {
      if (reload()) {
        log.info("{} reloaded from {}", what, file);
      }
    } catch (IOException | RuntimeException e) {
      log.error(
          "{} file {} not applied; the previous one stays in force: {}",
          what,
          file,
          e.getMessage());
    }
  }

  /** Stops polling. */
  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
