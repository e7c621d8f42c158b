package io.squadron.journeys.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AuditTest {
  @Test
  void withDatabase_replacesOrAddsTheDatabase_keepingParameters() {
    assertThat(
            Audit.withDatabase(
                "jdbc:postgresql://127.0.0.1:5432/postgres?user=a&password=b", "billing"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/billing?user=a&password=b");
    assertThat(Audit.withDatabase("jdbc:postgresql://127.0.0.1:5432", "billing"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/billing");
    assertThatThrownBy(() -> Audit.withDatabase("jdbc:mysql://x/y", "billing"))
        .hasMessageContaining("PostgreSQL");
    assertThatThrownBy(() -> Audit.withDatabase("jdbc:postgresql://x/y", "bill; drop"))
        .hasMessageContaining("database");
  }
}
