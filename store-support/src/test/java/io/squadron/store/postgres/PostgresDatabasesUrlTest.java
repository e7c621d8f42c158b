package io.squadron.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresDatabasesUrlTest {
  @Test
  void withDatabase_replacesOnlyTheDatabase() {
    assertThat(
            PostgresDatabases.withDatabase(
                "jdbc:postgresql://h:5432/postgres?user=u&password=p", "t_x"))
        .isEqualTo("jdbc:postgresql://h:5432/t_x?user=u&password=p");
    assertThat(PostgresDatabases.withDatabase("jdbc:postgresql://h1:1,h2:2?user=u", "t_x"))
        .isEqualTo("jdbc:postgresql://h1:1,h2:2/t_x?user=u");
    assertThat(PostgresDatabases.withDatabase("jdbc:postgresql://h:1", "userdb"))
        .isEqualTo("jdbc:postgresql://h:1/userdb");
  }

  @Test
  void withDatabase_badNameOrUrl_rejectedWithoutThePassword() {
    assertThatThrownBy(() -> PostgresDatabases.withDatabase("jdbc:postgresql://h:1/p", "user-db"))
        .hasMessageContaining("database: 'user-db'");
    assertThatThrownBy(
            () -> PostgresDatabases.withDatabase("jdbc:postgresql://h:1/p", "x; DROP DATABASE p"))
        .hasMessageContaining("database:");
    assertThatThrownBy(
            () -> PostgresDatabases.withDatabase("postgres://h:1/p?password=secret", "db"))
        .hasMessageContaining("adminJdbcUrl")
        .hasMessageNotContaining("secret");
  }
}
