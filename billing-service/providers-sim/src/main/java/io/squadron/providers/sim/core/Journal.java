package io.squadron.providers.sim.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squadron.providers.sim.http.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's durable state: an append-only file of {@link JournalEntry} lines ({@code
 * journal.jsonl} in the state directory), replayed at start, then rewritten as a compact snapshot.
 * Each committed operation is one line, written and flushed to the operating system before its
 * response is sent, so a killed simulator (SIGKILL) comes back with every charge it acknowledged; a
 * machine crash may lose the last lines (no fsync: this is a test system). A torn last line (a kill
 * in the middle of a write) is skipped at replay.
 *
 * <p>Without a state directory the journal keeps nothing ({@link #inMemory()}).
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  private static final String FILE = "journal.jsonl";

  private final Path file;
  private final ObjectMapper mapper = Json.MAPPER;
  private BufferedWriter writer;
  private long lines;

  private Journal(Path file) {
    this.file = file;
  }

  /** A journal that keeps nothing. */
  public static Journal inMemory() {
    return new Journal(null);
  }

  /** The journal in {@code stateDir} (created if missing). */
  public static Journal in(Path stateDir) {
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create state directory " + stateDir, e);
    }
    return new Journal(stateDir.resolve(FILE));
  }

  /** Whether entries are kept on disk. */
  public boolean durable() {
    return file != null;
  }

  /**
   * Feeds every complete entry of the existing file, oldest first, to {@code apply}; returns how
   * many.
   */
  public long replay(Consumer<JournalEntry> apply) {
    if (file == null || !Files.exists(file)) {
      return 0;
    }
    long count = 0;
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JournalEntry entry;
        try {
          entry = mapper.readValue(line, JournalEntry.class);
        } catch (JsonProcessingException e) {
          log.warn(
              "Skipping an unreadable journal line {} (a write cut short by a kill): {}",
              count + 1,
              e.getOriginalMessage());
          continue;
        }
        apply.accept(entry);
        count++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read journal " + file, e);
    }
    return count;
  }

  /**
   * Replaces the file by {@code snapshot} (written to a temporary file, then moved over) and opens
   * it for appends.
   */
  public synchronized void rewrite(List<JournalEntry> snapshot) {
    if (file == null) {
      return;
    }
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try {
      try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (JournalEntry entry : snapshot) {
          out.write(mapper.writeValueAsString(entry));
          out.write('\n');
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      closeWriter();
      writer =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      lines = snapshot.size();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite journal " + file, e);
    }
  }

  /** Appends one entry and flushes it to the operating system. */
  public synchronized void append(JournalEntry entry) {
    if (file == null) {
      return;
    }
    try {
      if (writer == null) {
        writer =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      writer.write(mapper.writeValueAsString(entry));
      writer.write('\n');
      writer.flush();
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to journal " + file, e);
    }
  }

  /** Lines in the file since the last rewrite (approximate size, to decide when to compact). */
  public synchronized long lines() {
    return lines;
  }

  private void closeWriter() throws IOException {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }

  @Override
  public synchronized void close() {
    try {
      closeWriter();
    } catch (IOException e) {
      log.warn("Cannot close journal {}", file, e);
    }
  }
}
