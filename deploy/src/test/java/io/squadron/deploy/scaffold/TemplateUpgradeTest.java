package io.squadron.deploy.scaffold;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * upgrade-service on two test template versions: the diff, and applying it over a squad's own
 * edits.
 */
class TemplateUpgradeTest {
  private static final String ROOT = "/test-templates/service";

  @Test
  void diffShowsWhatTheTemplateChanged_andApplyKeepsTheSquadsEdits(@TempDir Path home)
      throws Exception {
    ServiceParams params =
        new ServiceParams("notes", "postgres", Optional.empty(), List.of(), List.of("checkout"));
    for (var file : ServiceTemplate.load(ROOT, 1).render(params).entrySet()) {
      Files.createDirectories(home.resolve(file.getKey()).getParent());
      Files.writeString(home.resolve(file.getKey()), file.getValue());
    }
    Files.writeString(
        home.resolve("notes-service/squadron-template.properties"),
        "template.version=1\nname=notes\nstore=postgres\nencrypt=\ncalls=\ncallers=checkout\n");
    // The squad's own edit, in a line the template does not touch.
    Files.writeString(
        home.resolve("notes-service/notes.txt"),
        "service notes\nline two\nline three\nline four\nline five, ours\n");

    TemplateUpgrade upgrade = new TemplateUpgrade(home, ROOT, ServiceTemplate.load(ROOT, 2));
    assertThat(upgrade.recorded("notes").version()).isEqualTo(1);
    String diff = upgrade.diff("notes");
    assertThat(diff)
        .contains("-line two", "+line two, better", "+with a new line")
        .doesNotContain("ours");

    assertThat(upgrade.apply("notes"))
        .contains("merged  notes-service/notes.txt")
        .doesNotContain("CONFLICT");
    assertThat(Files.readString(home.resolve("notes-service/notes.txt")))
        .isEqualTo("service notes\nline two, better\nline three\nline four\nline five, ours\n");
    assertThat(Files.readString(home.resolve("notes-service/store.txt")))
        .isEqualTo("store postgres\nwith a new line\n");
    assertThat(upgrade.recorded("notes").version()).isEqualTo(2);
    assertThat(upgrade.diff("notes")).isEmpty();
  }

  @Test
  void apply_whereTheSquadEditedTheSameLines_marksTheConflictAndKeepsBothSides(@TempDir Path home)
      throws Exception {
    ServiceParams params =
        new ServiceParams("notes", "none", Optional.empty(), List.of(), List.of());
    for (var file : ServiceTemplate.load(ROOT, 1).render(params).entrySet()) {
      Files.createDirectories(home.resolve(file.getKey()).getParent());
      Files.writeString(home.resolve(file.getKey()), file.getValue());
    }
    Files.writeString(
        home.resolve("notes-service/squadron-template.properties"),
        "template.version=1\nname=notes\nstore=none\nencrypt=\ncalls=\ncallers=\n");
    Files.writeString(
        home.resolve("notes-service/notes.txt"),
        "service notes\nline two, ours\nline three\nline four\nline five\n");

    String result = new TemplateUpgrade(home, ROOT, ServiceTemplate.load(ROOT, 2)).apply("notes");

    assertThat(result).contains("CONFLICT notes-service/notes.txt");
    assertThat(Files.readString(home.resolve("notes-service/notes.txt")))
        .contains("<<<<<<< module", "line two, ours", "line two, better", ">>>>>>> template v2");
    assertThat(home.resolve("notes-service/store.txt")).doesNotExist();
  }
}
