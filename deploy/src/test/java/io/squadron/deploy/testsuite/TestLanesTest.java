package io.squadron.deploy.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestLanesTest {
  @TempDir Path logs;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  private static SuiteModule module(String dir) {
    return new SuiteModule(dir, OptionalDouble.empty());
  }

  @Test
  void twoLanes_runTwoModulesAtOnce_andEachLogIsPrintedWhole() throws Exception {
    // Each of the first two waits for the other to have started: they pass only side by side.
    CountDownLatch bothStarted = new CountDownLatch(2);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    TestLanes lanes =
        new TestLanes(
            2,
            logs,
            (m, log) -> {
              mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
              try {
                Files.writeString(log, m.dir() + " line 1\n");
                if (!m.dir().equals("c")) {
                  bothStarted.countDown();
                  if (!bothStarted.await(30, TimeUnit.SECONDS)) {
                    return 9;
                  }
                }
                Files.writeString(
                    log, m.dir() + " line 2\n", java.nio.file.StandardOpenOption.APPEND);
                return 0;
              } finally {
                running.decrementAndGet();
              }
            },
            out);

    List<TestLanes.Outcome> outcomes = lanes.run(List.of(module("a"), module("b/x"), module("c")));

    assertThat(outcomes).extracting(o -> o.module().dir()).containsExactly("a", "b/x", "c");
    assertThat(outcomes).allMatch(TestLanes.Outcome::passed);
    assertThat(mostAtOnce.get()).isEqualTo(2);
    assertThat(logs.resolve("b_x.log")).content().contains("b/x line 2");
    String text = printed.toString(StandardCharsets.UTF_8);
    for (String m : List.of("a", "b/x", "c")) {
      assertThat(text).contains(m + " line 1\n" + m + " line 2\n").contains(m + ": PASSED in ");
    }
  }

  @Test
  void aFailingModule_doesNotStopTheOthers_andIsReported() throws Exception {
    Set<String> ran = ConcurrentHashMap.newKeySet();
    TestLanes lanes =
        new TestLanes(
            1,
            logs,
            (m, log) -> {
              ran.add(m.dir());
              if (m.dir().equals("broken")) {
                throw new IllegalStateException("no maven here");
              }
              return m.dir().equals("red") ? 1 : 0;
            },
            out);

    List<TestLanes.Outcome> outcomes =
        lanes.run(List.of(module("red"), module("broken"), module("green")));

    assertThat(ran).containsExactlyInAnyOrder("red", "broken", "green");
    assertThat(outcomes).extracting(TestLanes.Outcome::exit).containsExactly(1, -1, 0);
    assertThat(logs.resolve("broken.log")).content().contains("no maven here");
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("red: FAILED (exit 1)")
        .contains("broken: FAILED (exit -1)")
        .contains("green: PASSED");
  }

  @Test
  void lanes_mustBePositive() {
    assertThatThrownBy(() -> new TestLanes(0, logs, (m, log) -> 0, out))
        .hasMessage("lanes: 0 (expected: >= 1)");
  }
}
