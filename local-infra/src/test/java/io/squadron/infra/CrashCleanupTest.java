package io.squadron.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.infra.process.RunDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens to a server when the JVM that started it goes away without closing it. */
class CrashCleanupTest {

  private static Process startOwner(Path root, String mode) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            List.of(
                java,
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                OrphanOwner.class.getName(),
                root.toString(),
                mode))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static ProcessHandle serverOf(Process owner) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("PID ")) {
        return ProcessHandle.of(Long.parseLong(line.substring(4).trim())).orElseThrow();
      }
    }
    throw new AssertionError(
        "the owner JVM printed no server pid (exit " + owner.exitValue() + ")");
  }

  private static List<Path> runDirs(Path root) throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(Files::isDirectory).toList();
    }
  }

  @Test
  void ownerExitsWithoutClosing_shutdownHookKillsServerAndDeletesItsDirectory(@TempDir Path root)
      throws Exception {
    Process owner = startOwner(root, "exit");
    ProcessHandle server = serverOf(owner);
    owner.getOutputStream().write('\n');
    owner.getOutputStream().flush();

    assertThat(owner.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(owner.exitValue()).isZero();
    assertThat(server.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(runDirs(root)).isEmpty();
  }

  @Test
  void ownerKilled_nextRunReapsTheOrphanAndItsDirectory(@TempDir Path root) throws Exception {
    Process owner = startOwner(root, "hang");
    ProcessHandle server = serverOf(owner);
    owner.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(owner.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.isAlive()).as("the orphan outlives its owner").isTrue();
    assertThat(runDirs(root)).hasSize(1);

    assertThat(RunDir.reapStale(root)).isEqualTo(1);

    assertThat(server.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(runDirs(root)).isEmpty();
  }

  @Test
  void reapStale_leavesDirectoriesOfLiveOwnersAlone(@TempDir Path root) throws Exception {
    RunDir mine = RunDir.create(root, "memcached");
    try {
      assertThat(RunDir.reapStale(root)).isZero();
      assertThat(Files.isDirectory(mine.path())).isTrue();
    } finally {
      mine.delete();
    }
  }

  @Test
  void reapStale_fromParallelLaunchers_eachStaleDirectoryReapedOnceWithoutErrors(@TempDir Path root)
      throws Exception {
    // A pid far above pid_max (4194304 on Linux) is never alive: these look like directories of
    // dead runs.
    int stale = 20;
    for (int i = 0; i < stale; i++) {
      Path dir =
          Files.createDirectories(
              root.resolve("postgres-99999999" + i + "-0").resolve("data/base"));
      for (int f = 0; f < 50; f++) {
        Files.writeString(dir.resolve("file" + f), "x");
      }
      Files.writeString(dir.getParent().getParent().resolve("owner"), "99999999" + i + " 0");
    }
    var pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> reapers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        reapers.add(pool.submit(() -> RunDir.reapStale(root)));
      }
      int total = 0;
      for (var reaper : reapers) {
        total += reaper.get(30, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(stale);
    } finally {
      pool.shutdownNow();
    }
    assertThat(runDirs(root)).isEmpty();
  }
}
