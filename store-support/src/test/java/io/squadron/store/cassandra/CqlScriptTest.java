package io.squadron.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CqlScriptTest {
  @Test
  void split_atSemicolonsOutsideStringsNamesBodiesAndComments() {
    String cql =
        """
        -- a comment; with a semicolon
        CREATE TABLE t (id text PRIMARY KEY, "odd;name" text) WITH comment = 'a; b';
        // another; comment
        /* a block; comment */ INSERT INTO t (id) VALUES ('it''s; fine');
        CREATE FUNCTION f (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS $$ return x; $$
        ;;
        """;
    assertThat(CqlScript.split(cql))
        .containsExactly(
            "CREATE TABLE t (id text PRIMARY KEY, \"odd;name\" text) WITH comment = 'a; b'",
            "INSERT INTO t (id) VALUES ('it''s; fine')",
            "CREATE FUNCTION f (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS $$ return x; $$");
  }

  @Test
  void split_lastStatementWithoutSemicolon_andCommentsOnly() {
    assertThat(CqlScript.split("SELECT 1 FROM t // end")).containsExactly("SELECT 1 FROM t");
    assertThat(CqlScript.split("-- nothing\n/* at all */")).isEmpty();
  }

  @Test
  void split_unterminated_rejected() {
    assertThatThrownBy(() -> CqlScript.split("INSERT INTO t (id) VALUES ('x)"))
        .hasMessageContaining("unterminated '");
    assertThatThrownBy(() -> CqlScript.split("/* open")).hasMessageContaining("unterminated /*");
    assertThatThrownBy(() -> CqlScript.split("AS $$ x")).hasMessageContaining("unterminated $$");
  }

  @Test
  void parse_versionDescriptionAndChecksum_lineEndingsDoNotMatter() {
    CqlScript unix =
        CqlScript.parse(
            "V12__create_users.cql", "CREATE TABLE a (id int PRIMARY KEY);\nSELECT 1;\n");
    CqlScript windows =
        CqlScript.parse(
            "V12__create_users.cql", "CREATE TABLE a (id int PRIMARY KEY);\r\nSELECT 1;\r\n");
    assertThat(unix.version()).isEqualTo(12);
    assertThat(unix.description()).isEqualTo("create users");
    assertThat(unix.statements()).hasSize(2);
    assertThat(unix.checksum()).hasSize(64).isEqualTo(windows.checksum());
    assertThat(
            CqlScript.parse("V12__create_users.cql", "CREATE TABLE a (id int PRIMARY KEY);\n")
                .checksum())
        .isNotEqualTo(unix.checksum());
  }

  @Test
  void parse_misnamedOrEmpty_rejected() {
    for (String name :
        List.of("V1_users.cql", "v1__users.cql", "V0__users.cql", "V1.1__users.cql", "V1__.cql")) {
      assertThatThrownBy(() -> CqlScript.parse(name, "SELECT 1"))
          .as(name)
          .hasMessageContaining("V<n>__<description>.cql");
    }
    assertThatThrownBy(() -> CqlScript.parse("V1__empty.cql", "-- nothing"))
        .hasMessageContaining("no statement");
  }
}
