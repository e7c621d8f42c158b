package io.squadron.deploy.chaos;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What chaos did when, since the run started: printed at once and kept for the summary. */
public final class EventLog {
  private final PrintStream out;
  private final long startNanos;
  private final List<String> lines = new ArrayList<>();

  public EventLog(PrintStream out, long startNanos) {
    this.out = requireNonNull(out, "out");
    this.startNanos = startNanos;
  }

  /** Logs {@code what} with the time since the start. */
  public synchronized void log(String what) {
    String line =
        String.format(
            Locale.ROOT, "  +%6.1f s  chaos: %s", (System.nanoTime() - startNanos) / 1e9, what);
    lines.add(line);
    out.println(line);
  }

  /** Prints a line of someone else's (a journey's), unchanged. */
  public synchronized void passThrough(String line) {
    out.println(line);
  }

  /** Every chaos line so far. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }
}
