package io.squadron.userdb.username;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The canonicalizer over any string a client can type: it returns a canonical form that
 * canonicalizes to itself (the property whose absence let Spotify's attackers take accounts),
 * within the length bound, or refuses the name with a {@link UsernameRejectedException}; it never
 * throws anything else.
 */
class UsernameCanonicalizerFuzzTest {
  private static final UsernameCanonicalizer CANONICALIZER = UsernameCanonicalizer.create();

  @FuzzTest(maxDuration = "10s")
  void anyTypedName_canonicalIsIdempotentOrRefused(String typed) {
    String canonical;
    try {
      canonical = CANONICALIZER.canonicalForm(typed);
    } catch (UsernameRejectedException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(canonical.codePointCount(0, canonical.length()))
        .isBetween(1, UsernameCanonicalizer.MAX_CODE_POINTS);
    try {
      assertThat(CANONICALIZER.canonicalForm(canonical)).isEqualTo(canonical);
    } catch (UsernameRejectedException e) {
      throw new AssertionError(
          "the canonical form of an accepted name is refused: " + e.getMessage(), e);
    }
    try {
      CanonicalUsername registered = CANONICALIZER.canonicalize(typed);
      assertThat(registered.canonical()).isEqualTo(canonical);
      assertThat(registered.skeleton()).isNotEmpty();
    } catch (UsernameRejectedException mixedScripts) {
      assertThat(mixedScripts.reason()).isEqualTo(UsernameRejectedException.Reason.MIXED_SCRIPT);
    }
  }
}
