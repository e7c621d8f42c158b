package io.squadron.infra.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/** Signals, waits and memory figures for a process and its descendants (Linux). */
public final class Processes {
  private static final File PROC = new File("/proc/self/stat");

  private Processes() {}

  /** The process and all its descendants, parents first. */
  public static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(root);
    all.addAll(root.descendants().collect(Collectors.toList()));
    return all;
  }

  /**
   * Sends {@code signal} (a name such as {@code STOP} or {@code CONT}) to every process of the
   * tree.
   */
  public static void signalTree(ProcessHandle root, String signal) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    for (ProcessHandle p : tree(root)) {
      command.add(Long.toString(p.pid()));
    }
    try {
      Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output =
          new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill -" + signal + " " + root.pid() + " did not finish");
      }
      // A child that exits between listing and signalling (a PostgreSQL backend) is no failure.
      boolean onlyGoneProcesses = output.lines().allMatch(line -> line.contains("No such process"));
      if (kill.exitValue() != 0 && (!onlyGoneProcesses || !running(root))) {
        throw new IllegalStateException(
            "kill -" + signal + " " + root.pid() + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill -" + signal + " " + root.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + root.pid(), e);
    }
  }

  /**
   * Waits until the kernel shows {@code p} stopped (state {@code T} in {@code /proc/<pid>/stat}):
   * SIGSTOP is delivered asynchronously, so a caller that pauses a server and at once expects
   * silence must wait for it. Returns early where /proc is missing (not Linux).
   */
  public static void awaitStopped(ProcessHandle p, Duration timeout) {
    Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String text;
      try {
        text = Files.readString(stat, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return; // gone, or no procfs
      }
      // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
      String afterComm = text.substring(text.lastIndexOf(')') + 1).trim();
      if (afterComm.startsWith("T") || afterComm.startsWith("t")) {
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException(
        "process " + p.pid() + " not stopped " + timeout + " after SIGSTOP");
  }

  /** SIGKILLs the whole tree (a stopped process dies too) and waits briefly for it to be gone. */
  public static void killTree(ProcessHandle root) {
    List<ProcessHandle> all = tree(root);
    all.forEach(ProcessHandle::destroyForcibly);
    awaitExit(all, 10_000);
  }

  /**
   * Asks the root to stop (SIGTERM), waits up to {@code graceMillis} for the tree to exit, then
   * SIGKILLs what is left.
   */
  public static void terminateTree(ProcessHandle root, long graceMillis) {
    List<ProcessHandle> all = tree(root);
    root.destroy();
    if (!awaitExit(List.of(root), graceMillis)) {
      killTree(root);
    }
    all.forEach(
        p -> {
          if (running(p)) {
            p.destroyForcibly();
          }
        });
    awaitExit(all, 5_000);
  }

  /**
   * Waits until every process has exited; returns false if some are still alive after {@code
   * millis}. Polls (10 ms, growing to 50 ms) rather than using {@code onExit()}, which for a
   * process that is not our child (a daemonised postmaster) sleeps 300 ms and more between checks.
   */
  public static boolean awaitExit(List<ProcessHandle> processes, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    long pause = 10;
    while (processes.stream().anyMatch(Processes::running)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pause));
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
      pause = Math.min(50, pause + 10);
    }
    return true;
  }

  /**
   * Whether the process runs: alive and not a zombie. A daemonised server (the postmaster) exits
   * into a zombie until init reaps it, which {@link ProcessHandle#isAlive()} still counts as alive,
   * for a second or more here.
   */
  public static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    if (!PROC.exists()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2); // "pid (comm) S ...", comm may hold ')'
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false; // gone between the two checks
    }
  }

  /**
   * The sum of {@code VmHWM} (peak resident set) over the tree, in bytes; 0 where /proc cannot be
   * read.
   */
  public static long peakRssBytes(ProcessHandle root) {
    long kb = 0;
    for (ProcessHandle p : tree(root)) {
      kb += statusKb(p.pid(), "VmHWM:");
    }
    return kb * 1024;
  }

  private static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process is gone or /proc is not there.
    }
    return 0;
  }

  /** Whether this JVM runs as root (uid 0), read from /proc/self/status. */
  public static boolean runningAsRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.substring(4).trim().split("\\s+")[0].equals("0");
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "root".equals(System.getProperty("user.name"));
  }

  private static final List<Path> SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  /**
   * {@code command} run as the leader of a new session, through util-linux's {@code setsid}, which
   * calls setsid(2) and execs it (same pid: a child of this JVM is not a process group leader). As
   * is, where there is no {@code setsid}.
   *
   * <p>Why: with the kernel's autogroup scheduling (on by default on desktop and VM kernels), CPU
   * is shared fairly between sessions before threads. PostgreSQL's processes each start their own
   * session, so every busy backend gets as much CPU as this whole JVM with everything else it
   * started. A broker forked from a busy benchmark or test JVM then shares that one slice with the
   * JVM's own threads: a Kafka restart took 22-28 s under the events benchmark's load, against 5 s
   * on an idle machine. A server in its own session gets its own share, like a daemon.
   */
  public static List<String> inOwnSession(List<String> command) {
    for (Path setsid : SETSID) {
      if (Files.isExecutable(setsid)) {
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(setsid.toString());
        wrapped.addAll(command);
        return wrapped;
      }
    }
    return command;
  }
}
