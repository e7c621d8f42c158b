package io.squadron.padlock.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One line of a Linux {@code /proc/<pid>/stat} (or {@code .../task/<tid>/stat}): the command name,
 * the parent pid and the CPU ticks used (user + system, in USER_HZ).
 *
 * @param name the command, without its parentheses (it may hold spaces)
 * @param parentPid the parent's pid (2, kthreadd, for kernel threads)
 * @param ticks user + system CPU time
 */
record ProcStat(String name, long parentPid, long ticks) {

  static ProcStat read(Path stat) throws IOException {
    return parse(Files.readString(stat));
  }

  static ProcStat parse(String line) {
    int close = line.lastIndexOf(')');
    String name = line.substring(line.indexOf('(') + 1, close);
    // After the command: state (0), ppid (1), ... utime (11), stime (12).
    String[] f = line.substring(close + 2).split(" ");
    return new ProcStat(name, Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12]));
  }
}
