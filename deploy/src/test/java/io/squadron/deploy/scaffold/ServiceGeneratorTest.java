package io.squadron.deploy.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator on a small checkout: all or nothing, names checked against the checkout's
 * descriptors.
 */
class ServiceGeneratorTest {
  private static final String POM =
      """
      <project>
        <modules>
          <module>proto</module>
          <module>deploy</module>
        </modules>
      </project>
      """;

  @TempDir Path home;

  @BeforeEach
  void checkout() throws Exception {
    Files.writeString(home.resolve("pom.xml"), POM);
    Path descriptor =
        home.resolve("padlock-keyservice/server/src/main/resources/squadron-service.conf");
    Files.createDirectories(descriptor.getParent());
    Files.writeString(
        descriptor,
        """
        service { name = padlock, main-class = a.PadlockMain, grpc-services = [squadron.padlock.v1.PadlockService] }
        """);
    Files.writeString(
        descriptor.resolveSibling("reference.conf"),
        "squadron.padlock.categories { listening = 1 }\n");
  }

  private List<Path> generate(String name, String store, String encrypt, List<String> calls) {
    return new ServiceGenerator(home)
        .generate(
            new ServiceParams(
                name, store, Optional.ofNullable(encrypt), calls, List.of("checkout")),
            ServiceTemplate.version(ServiceTemplate.CURRENT_VERSION));
  }

  @Test
  void generates_theModuleItsProtoAndItsPomLine_beforeDeploy() throws Exception {
    List<Path> written = generate("playlist", "postgres", "listening", List.of());
    assertThat(written)
        .contains(
            Path.of("playlist-service/src/main/resources/squadron-service.conf"),
            Path.of("playlist-service/src/main/resources/db/playlist/V1__items.sql"),
            Path.of("proto/src/main/proto/squadron/playlist/v1/playlist.proto"));
    assertThat(Files.readString(home.resolve("pom.xml")))
        .contains("<module>playlist-service</module>\n    <module>deploy</module>");
    String descriptor =
        Files.readString(home.resolve("playlist-service/src/main/resources/squadron-service.conf"));
    assertThat(descriptor)
        .contains("calls = [padlock]", "padlock-categories = [listening]", "stores = [postgres]");
    assertThat(Files.readString(home.resolve("playlist-service/squadron-template.properties")))
        .contains("template.version=1", "encrypt=listening");
    for (Path file : written) {
      assertThat(Files.readString(home.resolve(file))).as(file.toString()).doesNotContain("{{");
    }
  }

  @Test
  void takenName_orUnknownCallee_writesNothing() throws Exception {
    generate("playlist", "none", null, List.of());
    String pom = Files.readString(home.resolve("pom.xml"));
    assertThatThrownBy(() -> generate("padlock", "none", null, List.of()))
        .hasMessageContaining("is taken");
    assertThatThrownBy(() -> generate("stats", "cassandra", null, List.of("billing")))
        .hasMessageContaining("'billing' is not a service of this checkout");
    assertThat(home.resolve("stats-service")).doesNotExist();
    assertThat(home.resolve("proto/src/main/proto/squadron/stats")).doesNotExist();
    assertThat(Files.readString(home.resolve("pom.xml"))).isEqualTo(pom);
  }

  @Test
  void aFailureHalfWay_undoesEverything() throws Exception {
    // A directory where the proto file must go makes the last write fail after the module was
    // written.
    Files.createDirectories(home.resolve("proto/src/main/proto/squadron/notes/v1/notes.proto.new"));
    Files.writeString(
        home.resolve("proto/src/main/proto/squadron/notes/v1/notes.proto.new/blocker"), "x");
    assertThatThrownBy(() -> generate("notes", "postgres", null, List.of()))
        .isInstanceOf(RuntimeException.class);
    assertThat(home.resolve("notes-service")).doesNotExist();
    assertThat(Files.readString(home.resolve("pom.xml"))).isEqualTo(POM);
    try (Stream<Path> left = Files.walk(home)) {
      assertThat(left.map(home::relativize).map(Path::toString))
          .noneMatch(p -> p.startsWith("notes-service"));
    }
  }

  @Test
  void encryptWithACategoryPadlockDoesNotHave_isRefusedBeforeAnythingIsWritten() throws Exception {
    String pom = Files.readString(home.resolve("pom.xml"));

    assertThatThrownBy(() -> generate("diary", "postgres", "diaries", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "--encrypt diaries: not a category of padlock (categories: [listening])");

    assertThat(home.resolve("diary-service")).doesNotExist();
    assertThat(Files.readString(home.resolve("pom.xml"))).isEqualTo(pom);
  }
}
