package io.squadron.infra.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's private work directory, {@code <root>/<kind>-<owner pid>-<n>}, with two marker files:
 * {@code owner} (the owning JVM's pid and start time) and {@code server.pids} (the server processes
 * started for it, with their start times).
 *
 * <p>A run that dies without its shutdown hook (SIGKILL, a crash) leaves both its server processes
 * and its directory behind. Every new directory first {@linkplain #reapStale(Path) reaps} the root:
 * a directory whose owner is no longer alive (or whose pid now belongs to another process) has its
 * recorded server processes killed, if they are still the same processes, and is deleted.
 * Directories of live owners are never touched, so two runs in parallel do not collide: their
 * directories differ by owner pid, and their ports are picked at random.
 */
public final class RunDir {
  private static final Logger log = LoggerFactory.getLogger(RunDir.class);
  private static final Pattern NAME = Pattern.compile("([a-z]+)-(\\d+)-(\\d+)");
  private static final String OWNER = "owner";
  private static final String SERVER_PIDS = "server.pids";

  /**
   * Stale directories are renamed to this prefix before deletion; the name matches no kind, so no
   * run reads it.
   */
  private static final String REAPING_PREFIX = "reaping.";

  private static final Pattern REAPING = Pattern.compile("reaping\\.(\\d+)\\.\\d+");
  private static final AtomicLong REAP_SEQUENCE = new AtomicLong();

  /**
   * Start instants (wall clock) read twice for the same process differ by the clock tick and by
   * every step of the wall clock since; only for records without boot-relative ticks.
   */
  private static final long SAME_START_TOLERANCE_MS = 10 * 60_000;

  /** Memory-backed storage, used for work directories when it has room. */
  private static final Path SHM = Path.of("/dev/shm");

  private static final long SHM_MIN_FREE_BYTES = 2L << 30;

  /**
   * The default root: {@code /dev/shm/squadron-infra} when /dev/shm is a writable tmpfs with at
   * least 2 GiB free, else {@code java.io.tmpdir/squadron-infra}. On memory the servers' data costs
   * no disk I/O: PostgreSQL's initdb takes ~1.1 s instead of 2-4 s here, deleting its ~1000 files
   * 25 ms instead of ~900 ms, and Cassandra's flushes and commit log are as cheap. Data still
   * survives a server restart (not a reboot).
   */
  public static Path defaultRoot() {
    try {
      if (Files.isDirectory(SHM)
          && Files.isWritable(SHM)
          && Files.getFileStore(SHM).getUsableSpace() >= SHM_MIN_FREE_BYTES) {
        return SHM.resolve("squadron-infra");
      }
    } catch (IOException e) {
      // fall back to the temp directory
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "squadron-infra");
  }

  private final Path dir;

  private RunDir(Path dir) {
    this.dir = dir;
  }

  /**
   * Reaps stale directories under {@code root}, then creates and marks a new one for a server of
   * {@code kind}.
   */
  public static RunDir create(Path root, String kind) {
    requireNonNull(root, "root");
    requireNonNull(kind, "kind");
    if (!kind.matches("[a-z]+")) {
      throw new IllegalArgumentException("kind: " + kind + " (expected: lower-case letters)");
    }
    try {
      Files.createDirectories(root);
      reapStale(root);
      ProcessHandle self = ProcessHandle.current();
      for (int n = 0; ; n++) {
        Path dir = root.resolve(kind + "-" + self.pid() + "-" + n);
        try {
          Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
          continue;
        }
        Files.writeString(dir.resolve(OWNER), identity(self), StandardCharsets.UTF_8);
        return new RunDir(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory under " + root, e);
    }
  }

  /** The directory. */
  public Path path() {
    return dir;
  }

  /**
   * Records the server processes to kill if this run dies without cleaning up (replaces earlier
   * records).
   */
  public void recordServerProcesses(List<ProcessHandle> processes) {
    StringBuilder text = new StringBuilder();
    for (ProcessHandle p : processes) {
      text.append(identity(p)).append('\n');
    }
    try {
      Files.writeString(dir.resolve(SERVER_PIDS), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(SERVER_PIDS), e);
    }
  }

  /** Deletes the directory and everything in it; failures are logged, not thrown. */
  public void delete() {
    deleteTree(dir);
  }

  /**
   * Kills the leftover servers of dead owners under {@code root} and deletes their directories.
   *
   * @return how many directories were reaped
   */
  public static int reapStale(Path root) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    int reaped = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        Matcher half = REAPING.matcher(dir.getFileName().toString());
        if (half.matches()
            && ProcessHandle.of(Long.parseLong(half.group(1)))
                .filter(Processes::running)
                .isEmpty()) {
          deleteTree(
              dir); // a reaper died half-way; its servers were killed before it started deleting
          continue;
        }
        Matcher m = NAME.matcher(dir.getFileName().toString());
        if (!m.matches()
            || !Files.isDirectory(dir)
            || ownerAlive(dir, Long.parseLong(m.group(2)))) {
          continue;
        }
        // Launchers start in parallel (in this JVM and in others), and each reaps: the one that
        // renames the
        // directory away owns it, the others skip it instead of walking a tree that is being
        // deleted.
        Optional<Path> claimed = claim(root, dir);
        if (claimed.isEmpty()) {
          continue;
        }
        for (ProcessHandle p : recordedProcesses(claimed.get())) {
          log.warn("Killing leftover {} process {} of a dead run ({})", m.group(1), p.pid(), dir);
          Processes.killTree(p);
        }
        deleteTree(claimed.get());
        reaped++;
      }
    } catch (IOException e) {
      log.warn("Cannot scan {} for leftovers of crashed runs", root, e);
    }
    return reaped;
  }

  private static Optional<Path> claim(Path root, Path dir) {
    Path reaping =
        root.resolve(
            REAPING_PREFIX + ProcessHandle.current().pid() + "." + REAP_SEQUENCE.incrementAndGet());
    try {
      Files.move(dir, reaping, StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(reaping);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.warn("Cannot claim {} for reaping", dir, e);
      return Optional.empty();
    }
  }

  private static boolean ownerAlive(Path dir, long pid) {
    Optional<ProcessHandle> owner = ProcessHandle.of(pid).filter(Processes::running);
    if (owner.isEmpty()) {
      return false;
    }
    Optional<String> recorded = readFirstLine(dir.resolve(OWNER));
    // No owner file yet: the directory is being created right now by that live process.
    return recorded.isEmpty() || sameProcess(owner.get(), recorded.get());
  }

  private static List<ProcessHandle> recordedProcesses(Path dir) {
    List<ProcessHandle> alive = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(dir.resolve(SERVER_PIDS), StandardCharsets.UTF_8)) {
        String[] parts = line.trim().split(" ");
        if (parts.length >= 2) {
          ProcessHandle.of(Long.parseLong(parts[0]))
              .filter(p -> Processes.running(p) && sameProcess(p, line.trim()))
              .ifPresent(alive::add);
        }
      }
    } catch (NoSuchFileException e) {
      // The run died before its server started.
    } catch (IOException | NumberFormatException e) {
      log.warn("Cannot read {}", dir.resolve(SERVER_PIDS), e);
    }
    return alive;
  }

  /**
   * Whether {@code p} is the process {@code identity} recorded: same pid and same start. The start
   * is compared in clock ticks since boot ({@code /proc/<pid>/stat}), which no change of the wall
   * clock moves; Java's start instant is derived from the wall clock, and on a machine whose clock
   * is stepped (seen here: 41 s within minutes) a live owner looked like a dead one whose pid was
   * reused, and another run deleted its servers' directories. Records without ticks (older runs, no
   * /proc) fall back to the start instant with a tolerance of minutes: a stale directory kept a
   * little longer costs little, a live run reaped costs the run.
   */
  static boolean sameProcess(ProcessHandle p, String identity) {
    String[] parts = identity.trim().split(" ");
    if (parts.length < 2 || !parts[0].equals(Long.toString(p.pid()))) {
      return false;
    }
    if (p.pid() == ProcessHandle.current().pid()) {
      return true;
    }
    if (parts.length >= 3) {
      long recordedTicks = Long.parseLong(parts[2]);
      long ticks = startTicks(p.pid());
      if (recordedTicks >= 0 && ticks >= 0) {
        return recordedTicks == ticks;
      }
    }
    long recordedStart = Long.parseLong(parts[1]);
    return p.info()
        .startInstant()
        .map(start -> Math.abs(start.toEpochMilli() - recordedStart) <= SAME_START_TOLERANCE_MS)
        .orElse(false);
  }

  static String identity(ProcessHandle p) {
    long start = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return p.pid() + " " + start + " " + startTicks(p.pid());
  }

  /**
   * The process's start in clock ticks since boot (field 22 of {@code /proc/<pid>/stat}), or -1
   * where there is no such file.
   */
  static long startTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces and parentheses: fields 3.. follow the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return Long.parseLong(fields[22 - 3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static Optional<String> readFirstLine(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  log.debug("Cannot delete {}", p, e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // A server still writing into its directory while it is torn down; what is left is reaped
      // next time.
      log.warn("Cannot delete all of {}", dir, e);
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
