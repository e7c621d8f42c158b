package io.squadron.rpc.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {
  @Test
  void literalsAndOneSegmentVariables_matchAndDecode() {
    PathTemplate t = PathTemplate.parse("/v1/sessions/{session_id}");
    assertThat(t.match("/v1/sessions/s%201")).contains(Map.of("session_id", "s 1"));
    assertThat(t.match("/v1/sessions/a%2Fb"))
        .contains(Map.of("session_id", "a/b")); // one segment: fully decoded
    assertThat(t.match("/v1/sessions")).isEmpty();
    assertThat(t.match("/v1/sessions/")).isEmpty();
    assertThat(t.match("/v1/sessions/a/b")).isEmpty();
    assertThat(t.match("/v2/sessions/a")).isEmpty();
    assertThat(t.match("/v1/sessions/%zz")).isEmpty();
    assertThat(t.fieldPaths()).containsExactly("session_id");
  }

  @Test
  void nestedFieldPathsAndSubTemplates() {
    PathTemplate t = PathTemplate.parse("/v1/{book.name=shelves/*/books/*}");
    assertThat(t.match("/v1/shelves/s1/books/b2"))
        .contains(Map.of("book.name", "shelves/s1/books/b2"));
    assertThat(t.match("/v1/shelves/s1/books")).isEmpty();
    assertThat(t.match("/v1/racks/s1/books/b2")).isEmpty();
  }

  @Test
  void doubleWildcard_matchesTheRest_keepingEncodedSlashes() {
    PathTemplate t = PathTemplate.parse("/v1/{name=files/**}");
    assertThat(t.match("/v1/files/a/b%2Fc/d")).contains(Map.of("name", "files/a/b%2Fc/d"));
    assertThat(t.match("/v1/files")).contains(Map.of("name", "files"));
    assertThat(PathTemplate.parse("/v1/**").match("/v1/x/y")).contains(Map.of());
  }

  @Test
  void verb_mustEndThePath() {
    PathTemplate t = PathTemplate.parse("/v1/sessions/{id}:confirm");
    assertThat(t.match("/v1/sessions/s1:confirm")).contains(Map.of("id", "s1"));
    assertThat(t.match("/v1/sessions/s1")).isEmpty();
    assertThat(t.match("/v1/sessions/s1:cancel")).isEmpty();
    assertThat(PathTemplate.parse("/v1/sessions/{id}").match("/v1/sessions/s1:cancel"))
        .contains(Map.of("id", "s1:cancel"));
  }

  @Test
  void invalidTemplates_refusedWithTheReason() {
    assertThatThrownBy(() -> PathTemplate.parse("v1/x")).hasMessageContaining("start with '/'");
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{id")).hasMessageContaining("'}'");
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{9id}")).hasMessageContaining("field path");
    assertThatThrownBy(() -> PathTemplate.parse("/v1/**/x"))
        .hasMessageContaining("only at the end");
    assertThatThrownBy(() -> PathTemplate.parse("/v1//x"))
        .hasMessageContaining("non-empty literal");
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{id}/{id}")).hasMessageContaining("twice");
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{a={b}}")).hasMessageContaining("nested");
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{a}x")).hasMessageContaining("(expected: '/'");
  }

  @Test
  void rank_literalsBeforeVariables_verbsBeforeNone_doubleWildcardsLast() {
    int[] literal = PathTemplate.parse("/v1/sessions/current").rank();
    int[] variable = PathTemplate.parse("/v1/sessions/{id}").rank();
    int[] verb = PathTemplate.parse("/v1/sessions/{id}:cancel").rank();
    int[] rest = PathTemplate.parse("/v1/{name=**}").rank();
    assertThat(java.util.Arrays.compare(literal, variable)).isNegative();
    assertThat(java.util.Arrays.compare(verb, variable)).isNegative();
    assertThat(java.util.Arrays.compare(variable, rest)).isNegative();
    assertThat(PathTemplate.parse("/v1/a/{x}").shape())
        .isEqualTo(PathTemplate.parse("/v1/a/{y=*}").shape());
  }
}
