package io.squadron.billing.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {
  static final byte[] BODY = "{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);
  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  final SignatureVerifier verifier = new SignatureVerifier(Duration.ofSeconds(300));

  static String header(long t, String... secrets) {
    StringBuilder h = new StringBuilder("t=" + t);
    for (String s : secrets) {
      h.append(",v1=").append(SignatureVerifier.sign(s, t, BODY));
    }
    return h.toString();
  }

  @Test
  void signedWithAKnownSecret_recently_isValid() {
    long t = NOW.getEpochSecond() - 10;
    assertThat(verifier.verify(header(t, "s1"), BODY, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.VALID);
  }

  @Test
  void duringARotation_eitherSideMayHaveEitherSecret() {
    long t = NOW.getEpochSecond();
    assertThat(verifier.verify(header(t, "new", "old"), BODY, List.of("old"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.VALID);
    assertThat(verifier.verify(header(t, "new"), BODY, List.of("new", "old"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.VALID);
  }

  @Test
  void anotherSecretOrAnAlteredBody_isForged() {
    long t = NOW.getEpochSecond();
    assertThat(verifier.verify(header(t, "attacker"), BODY, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.FORGED);
    byte[] altered = "{\"id\":\"evt_2\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(verifier.verify(header(t, "s1"), altered, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.FORGED);
  }

  @Test
  void outsideTheTolerance_isExpired_bothWays() {
    assertThat(verifier.verify(header(NOW.getEpochSecond() - 301, "s1"), BODY, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.EXPIRED);
    assertThat(verifier.verify(header(NOW.getEpochSecond() + 301, "s1"), BODY, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.EXPIRED);
    assertThat(verifier.verify(header(NOW.getEpochSecond() - 300, "s1"), BODY, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.VALID);
  }

  @Test
  void missingOrGarbledHeader_isMalformed() {
    assertThat(verifier.verify(null, BODY, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.MALFORMED);
    assertThat(verifier.verify("t=abc,v1=00", BODY, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.MALFORMED);
    assertThat(verifier.verify("t=1", BODY, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.MALFORMED);
    assertThat(verifier.verify("v1=zz", BODY, List.of("s1"), NOW))
        .isEqualTo(SignatureVerifier.Verdict.MALFORMED);
  }
}
