package io.squadron.rpc.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaticFileRouteTest {
  @Test
  void relativePath_decodesSafePaths() {
    assertThat(StaticFileRoute.relativePath("/")).contains("");
    assertThat(StaticFileRoute.relativePath("/app.js")).contains("app.js");
    assertThat(StaticFileRoute.relativePath("/assets/my%20logo.png"))
        .contains("assets/my logo.png");
    assertThat(StaticFileRoute.relativePath("/assets/")).contains("assets/");
  }

  @Test
  void relativePath_refusesTraversalHiddenNamesAndEncodedSeparators() {
    for (String bad :
        new String[] {
          "/../x",
          "/a/../../x",
          "/%2e%2e/x",
          "/a/%2E%2E/x",
          "/..%2fx",
          "/a%2Fb",
          "/a%5cb",
          "/a\\b",
          "/a%00b",
          "//etc/passwd",
          "/.env",
          "/a/.git/config",
          "/%zz",
          "relative",
          "/a%0ab"
        }) {
      assertThat(StaticFileRoute.relativePath(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void contentType_byExtension_octetStreamOtherwise() {
    assertThat(StaticFileRoute.contentType("index.html")).isEqualTo("text/html; charset=utf-8");
    assertThat(StaticFileRoute.contentType("a/B.JS")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(StaticFileRoute.contentType("logo.svg")).isEqualTo("image/svg+xml");
    assertThat(StaticFileRoute.contentType("data.bin")).isEqualTo("application/octet-stream");
    assertThat(StaticFileRoute.contentType("README")).isEqualTo("application/octet-stream");
  }
}
