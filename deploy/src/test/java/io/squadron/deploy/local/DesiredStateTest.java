package io.squadron.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's pure parts: slots of a shape, the restart backoff, and the desired state's file
 * (format, validation, locked read-modify-write).
 */
class DesiredStateTest {
  @TempDir Path dir;

  @Test
  void oneRegion_isLocalGroupA_twoOrMore_areRegionsByTwoGroups() {
    assertThat(new FleetShape(1, 2).slots("x"))
        .extracting(InstanceSlot::location)
        .containsExactly("local/a#0", "local/a#1");
    assertThat(new FleetShape(2, 2).slots("x"))
        .extracting(InstanceSlot::location)
        .containsExactly(
            "region-1/a#0",
            "region-1/a#1",
            "region-1/b#0",
            "region-1/b#1",
            "region-2/a#0",
            "region-2/a#1",
            "region-2/b#0",
            "region-2/b#1");
    assertThatThrownBy(() -> new FleetShape(0, 1)).hasMessageContaining("regions: 0");
    assertThatThrownBy(() -> new FleetShape(1, 0)).hasMessageContaining("instances: 0");
  }

  @Test
  void backoff_doublesFromOneSecond_capsAtThirty_andResetsAfterAMinuteRunning() {
    assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 20).stream().map(RestartBackoff::delay).toList())
        .extracting(Duration::toSeconds)
        .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
    assertThat(RestartBackoff.crashesInARow(4, Duration.ofSeconds(59))).isEqualTo(5);
    assertThat(RestartBackoff.crashesInARow(4, Duration.ofSeconds(60))).isEqualTo(1);
    assertThatThrownBy(() -> RestartBackoff.delay(0)).hasMessageContaining("crashesInARow: 0");
  }

  @Test
  void file_roundTrips_andChangesKeepOrder() {
    DesiredStateFile file = new DesiredStateFile(dir.resolve("desired.json"));
    assertThat(file.read()).isEmpty();
    InstanceSlot a0 = new InstanceSlot("x", "region-1", "a", 0);
    InstanceSlot b0 = new InstanceSlot("x", "region-1", "b", 0);
    InstanceSlot y0 = new InstanceSlot("y", "region-1", "a", 0);
    file.write(
        new DesiredState(
            List.of(
                new DesiredInstance(a0, "current", 7001, 8001),
                new DesiredInstance(y0, "current", 7003, 8003))));
    file.update(d -> d.with(new DesiredInstance(b0, "current", 7002, 8002)));
    file.update(d -> d.withRelease(a0, "r2"));

    DesiredState read = file.read().orElseThrow();
    assertThat(read.instances()).extracting(DesiredInstance::slot).containsExactly(a0, b0, y0);
    assertThat(read.instance(a0).orElseThrow().release()).isEqualTo("r2");
    assertThat(read.instancesOf("x")).hasSize(2);
    assertThat(file.update(d -> d.without(b0)).instances()).hasSize(2);
  }

  @Test
  void invalidStates_areRefused_namingTheField() throws Exception {
    InstanceSlot a0 = new InstanceSlot("x", "region-1", "a", 0);
    assertThatThrownBy(
            () ->
                new DesiredState(
                    List.of(
                        new DesiredInstance(a0, "current", 7001, 8001),
                        new DesiredInstance(a0, "current", 7002, 8002))))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(
            () ->
                new DesiredState(
                    List.of(
                        new DesiredInstance(a0, "current", 7001, 8001),
                        new DesiredInstance(
                            new InstanceSlot("x", "region-1", "b", 0), "current", 7001, 8002))))
        .hasMessageContaining("port 7001");
    assertThatThrownBy(() -> new DesiredInstance(a0, "../etc", 7001, 8001))
        .hasMessageContaining("release");
    assertThatThrownBy(() -> new InstanceSlot("x", "Region 1", "a", 0))
        .hasMessageContaining("region");

    Path path = dir.resolve("broken.json");
    Files.writeString(
        path,
        "{\"version\": 1, \"instances\": [{\"service\": \"x\", \"region\": \"r\", \"group\": \"a\","
            + " \"index\": 0, \"release\": \"current\", \"port\": \"many\", \"adminPort\": 2}]}",
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new DesiredStateFile(path).read())
        .hasMessageContaining("instances[0].port");
    Files.writeString(path, "{\"version\": 2, \"instances\": []}", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new DesiredStateFile(path).read()).hasMessageContaining("version");
  }

  @Test
  void concurrentUpdates_loseNothing() throws Exception {
    DesiredStateFile file = new DesiredStateFile(dir.resolve("desired.json"));
    file.write(new DesiredState(List.of()));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        writers.add(
            pool.submit(
                () ->
                    file.update(
                        d ->
                            d.with(
                                new DesiredInstance(
                                    new InstanceSlot("x", "local", "a", n),
                                    "current",
                                    10_000 + n,
                                    20_000 + n)))));
      }
      for (Future<?> w : writers) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(file.read().orElseThrow().instances()).hasSize(40);
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no temp file left behind")
          .containsExactlyInAnyOrder("desired.json", "desired.json.lock");
    }
  }
}
