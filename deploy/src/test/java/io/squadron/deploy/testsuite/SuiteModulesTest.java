package io.squadron.deploy.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteModulesTest {
  @TempDir Path home;

  private void pom(String dir, String... modules) throws Exception {
    StringBuilder xml = new StringBuilder("<project><artifactId>x</artifactId>");
    if (modules.length > 0) {
      xml.append("<!-- <modules><module>commented-out</module></modules> --><modules>");
      for (String m : modules) {
        xml.append("<module>").append(m).append("</module>");
      }
      xml.append("</modules>");
    }
    xml.append("<profiles><profile><modules><module>in-a-profile</module></modules></profile>");
    xml.append("</profiles></project>");
    Path d = home.resolve(dir);
    Files.createDirectories(d);
    Files.writeString(d.resolve("pom.xml"), xml);
  }

  private void tests(String dir) throws Exception {
    Files.createDirectories(home.resolve(dir).resolve("src/test/java"));
  }

  private void report(String dir, String name, String time) throws Exception {
    Path reports = home.resolve(dir).resolve("target/surefire-reports");
    Files.createDirectories(reports);
    Files.writeString(
        reports.resolve("TEST-" + name + ".xml"),
        "<?xml version=\"1.0\"?><testsuite name=\"" + name + "\" time=\"" + time + "\"/>");
  }

  @Test
  void discover_followsModulesInPomOrder_nested_andKeepsOnlyThoseWithTests() throws Exception {
    pom("", "core", "keys", "deploy");
    pom("core");
    tests("core");
    pom("keys", "client", "server");
    pom("keys/client"); // no tests
    pom("keys/server");
    tests("keys/server");
    pom("deploy");
    tests("deploy");

    assertThat(SuiteModules.discover(home))
        .extracting(SuiteModule::dir)
        .containsExactly("core", "keys/server", "deploy");
  }

  @Test
  void discover_aModuleWithoutPom_isAClearError() throws Exception {
    pom("", "core", "gone");
    pom("core");

    assertThatThrownBy(() -> SuiteModules.discover(home))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gone")
        .hasMessageContaining("no pom.xml");
  }

  @Test
  void lastSeconds_sumsTheReports_andSkipsABrokenOne() throws Exception {
    pom("", "core", "fresh");
    pom("core");
    tests("core");
    pom("fresh");
    tests("fresh");
    report("core", "ATest", "12.5");
    report("core", "BTest", "1,087.25");
    Files.writeString(home.resolve("core/target/surefire-reports/TEST-Half.xml"), "<testsuite ");

    List<SuiteModule> modules = SuiteModules.discover(home);

    assertThat(modules.get(0).lastSeconds()).hasValue(1099.75);
    assertThat(modules.get(1).lastSeconds()).isEmpty();
  }

  @Test
  void longestFirst_byTheLastRun() {
    List<SuiteModule> modules =
        List.of(
            new SuiteModule("a", OptionalDouble.of(10)),
            new SuiteModule("c", OptionalDouble.of(300)),
            new SuiteModule("e", OptionalDouble.of(45)));

    assertThat(SuiteModules.longestFirst(modules))
        .extracting(SuiteModule::dir)
        .containsExactly("c", "e", "a");
  }

  @Test
  void longestFirst_withAModuleNeverTimed_isTheReactorOrderReversed() {
    List<SuiteModule> modules =
        List.of(
            new SuiteModule("a", OptionalDouble.of(10)),
            new SuiteModule("b", OptionalDouble.empty()),
            new SuiteModule("c", OptionalDouble.of(300)),
            new SuiteModule("deploy", OptionalDouble.of(2)));

    assertThat(SuiteModules.longestFirst(modules))
        .extracting(SuiteModule::dir)
        .containsExactly("deploy", "c", "b", "a");
  }
}
