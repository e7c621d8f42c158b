package io.squadron.deploy.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {
  private final TemplateRenderer renderer =
      new TemplateRenderer(Map.of("name", "playlist"), Set.of("store"));

  @Test
  void variablesAndSections_standaloneSectionLinesVanish() {
    String template =
        """
        a {{name}}
        {{#store}}
        with store
        {{/store}}
        {{^store}}
        without store
        {{/store}}
        inline {{#store}}yes{{/store}}{{^store}}no{{/store}}
        """;
    assertThat(renderer.render(template, "t")).isEqualTo("a playlist\nwith store\ninline yes\n");
  }

  @Test
  void nestedSections_keepOnlyWhenEveryEnclosingOneHolds() {
    assertThat(
            renderer.render(
                "{{^store}}{{#store}}never{{/store}}{{/store}}{{#store}}{{^other}}ok{{/other}}{{/store}}",
                "t"))
        .isEqualTo("ok");
  }

  @Test
  void unknownVariable_orUnbalancedSection_isAnErrorNamingTheTemplate() {
    assertThatThrownBy(() -> renderer.render("{{nope}}", "pom.xml"))
        .hasMessage("pom.xml: unknown variable {{nope}}");
    assertThatThrownBy(() -> renderer.render("{{#store}}x", "a"))
        .hasMessageContaining("never closed");
    assertThatThrownBy(() -> renderer.render("x{{/store}}", "a"))
        .hasMessageContaining("closes nothing open");
  }
}
