package io.squadron.userdb.username;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of the canonicalizer over generated names: besides ASCII, the ranges that make
 * look-alikes (fullwidth and modifier letters, combining marks, Greek and Cyrillic, ligatures,
 * superscripts).
 */
class UsernameCanonicalizerPropertyTest {
  private static final UsernameCanonicalizer CANONICALIZER = UsernameCanonicalizer.create();

  @Property(tries = 2000, seed = "20261201") // a fixed seed: the same names in every build
  void canonicalForm_isIdempotent_orTheNameIsRefused(
      @ForAll
          @StringLength(min = 0, max = 40)
          @CharRange(from = 'a', to = 'z')
          @CharRange(from = 'A', to = 'Z')
          @CharRange(from = '0', to = '9')
          @Chars({'.', '-', '_', ' ', '@', '\u0130', '\u0131', '\u00DF', '\u017F', '\u212A'})
          @CharRange(from = '\u0300', to = '\u036F')
          @CharRange(from = '\u0370', to = '\u03FF')
          @CharRange(from = '\u0400', to = '\u04FF')
          @CharRange(from = '\u1D00', to = '\u1DBF')
          @CharRange(from = '\u2070', to = '\u209F')
          @CharRange(from = '\uFB00', to = '\uFB06')
          @CharRange(from = '\uFF01', to = '\uFF5E')
          String typed) {
    String canonical;
    try {
      canonical = CANONICALIZER.canonicalForm(typed);
    } catch (UsernameRejectedException refused) {
      return;
    }
    assertThat(canonical.codePointCount(0, canonical.length()))
        .isBetween(1, UsernameCanonicalizer.MAX_CODE_POINTS);
    try {
      assertThat(CANONICALIZER.canonicalForm(canonical)).isEqualTo(canonical);
      assertThat(CANONICALIZER.canonicalForm(CANONICALIZER.canonicalForm(canonical)))
          .isEqualTo(canonical);
    } catch (UsernameRejectedException e) {
      throw new AssertionError(
          "the canonical form of an accepted name is refused: " + e.getMessage(), e);
    }
  }
}
