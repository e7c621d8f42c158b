package io.squadron.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.deploy.local.Workspace;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Releases on disk: a copied class path and a config overlay, immutable, listed. */
class ReleaseStoreTest {
  @TempDir Path home;
  @TempDir Path repo;
  private Workspace workspace;
  private Path jar;
  private ReleaseStore store;

  @BeforeEach
  void checkout() throws Exception {
    Files.writeString(home.resolve("pom.xml"), "<project/>");
    Path target = Files.createDirectories(home.resolve("svc/target/classes/io/x"));
    Files.writeString(target.resolve("Main.class"), "classes v1");
    jar = repo.resolve("lib-1.0-SNAPSHOT.jar");
    Files.writeString(jar, "jar v1");
    Path siblingClasses = Files.createDirectories(repo.resolve("sibling/target/classes"));
    Files.writeString(siblingClasses.resolve("S.class"), "sibling v1");
    Files.writeString(
        home.resolve("svc/target/classpath.txt"), jar + File.pathSeparator + siblingClasses);
    workspace = new Workspace(home);
    store =
        new ReleaseStore(
            workspace, Clock.fixed(Instant.parse("2026-12-01T03:00:00Z"), ZoneOffset.UTC));
  }

  private static List<Path> classPath(Path release) throws Exception {
    return Arrays.stream(
            Files.readString(release.resolve(ReleaseStore.CLASSPATH_FILE), StandardCharsets.UTF_8)
                .trim()
                .split(File.pathSeparator))
        .map(Path::of)
        .toList();
  }

  @Test
  void create_copiesTheClassPathInOrder_soARebuildChangesNothing() throws Exception {
    Path overlay = home.resolve("bad.conf");
    Files.writeString(
        overlay, "squadron.fault-injection { method = \"a.Svc/Do\", error-rate = 0.02 }\n");
    ReleaseInfo info = store.create("svc", "svc", "1.1", Optional.of(overlay));

    Path dir = workspace.stateDir().resolve("releases/svc/1.1");
    assertThat(info.directory()).isEqualTo(dir);
    assertThat(info.classPathEntries()).isEqualTo(3);
    List<Path> entries = classPath(dir);
    assertThat(entries).hasSize(3).allMatch(p -> p.startsWith(dir.resolve("lib")));
    assertThat(Files.readString(entries.get(0).resolve("io/x/Main.class"))).isEqualTo("classes v1");
    assertThat(Files.readString(entries.get(1))).isEqualTo("jar v1");
    assertThat(Files.readString(entries.get(2).resolve("S.class"))).isEqualTo("sibling v1");
    assertThat(Files.readString(dir.resolve(ReleaseStore.CONFIG_FILE)))
        .contains("error-rate = 0.02");

    // The checkout is rebuilt: the release keeps what it was.
    Files.writeString(jar, "jar v2");
    Files.writeString(home.resolve("svc/target/classes/io/x/Main.class"), "classes v2");
    assertThat(Files.readString(classPath(dir).get(1))).isEqualTo("jar v1");
    assertThat(Files.readString(classPath(dir).get(0).resolve("io/x/Main.class")))
        .isEqualTo("classes v1");
    assertThat(store.exists("svc", "1.1")).isTrue();
    assertThat(store.exists("svc", ReleaseStore.CURRENT)).isTrue();
    assertThat(store.exists("svc", "9.9")).isFalse();
  }

  @Test
  void anExistingVersion_isRefused_releasesAreImmutable() {
    store.create("svc", "svc", "1.0", Optional.empty());
    assertThatThrownBy(() -> store.create("svc", "svc", "1.0", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("immutable");
  }

  @Test
  void badVersionsAndOverlays_areRefusedNamingTheOption_andLeaveNothingBehind() throws Exception {
    assertThatThrownBy(() -> store.create("svc", "svc", "current", Optional.empty()))
        .hasMessageStartingWith("--version current");
    assertThatThrownBy(() -> store.create("svc", "svc", "../x", Optional.empty()))
        .hasMessageStartingWith("--version ../x");
    Path broken = home.resolve("broken.conf");
    Files.writeString(broken, "squadron { fault-injection = ");
    assertThatThrownBy(() -> store.create("svc", "svc", "2.0", Optional.of(broken)))
        .hasMessageStartingWith("--config " + broken + ": not HOCON");
    assertThatThrownBy(() -> store.create("svc", "other", "2.0", Optional.empty()))
        .hasMessageContaining("not built");
    assertThat(store.list("svc")).isEmpty();
    assertThat(workspace.stateDir().resolve("releases/svc/2.0")).doesNotExist();
  }

  @Test
  void list_showsEveryReleaseOldestFirst() throws Exception {
    store.create("svc", "svc", "1.0", Optional.empty());
    new ReleaseStore(workspace, Clock.fixed(Instant.parse("2026-12-01T04:00:00Z"), ZoneOffset.UTC))
        .create("svc", "svc", "0.9", Optional.empty());
    assertThat(store.list("svc")).extracting(ReleaseInfo::version).containsExactly("1.0", "0.9");
    assertThat(store.list("svc").get(0).bytes()).isPositive();
    assertThat(store.list("nothing")).isEmpty();
  }
}
