package io.squadron.userdb.username;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.userdb.username.UsernameRejectedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsernameCanonicalizerTest {
  private final UsernameCanonicalizer canonicalizer = UsernameCanonicalizer.create();

  private String canonical(String typed) throws UsernameRejectedException {
    return canonicalizer.canonicalize(typed).canonical();
  }

  private void assertRejected(String typed, Reason reason) {
    assertThatThrownBy(() -> canonicalizer.canonicalize(typed))
        .isInstanceOfSatisfying(
            UsernameRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  // RFC 8265 section 3.5 (UsernameCaseMapped examples): valid ones.
  @Test
  void rfc8265_validExamples() throws Exception {
    assertThat(canonical("juliet@example.com")).isEqualTo("juliet@example.com");
    assertThat(canonical("fussball")).isEqualTo("fussball");
    assertThat(canonical("fu\u00DFball")).isEqualTo("fu\u00DFball");
    assertThat(canonical("\u03C0")).isEqualTo("\u03C0");
    assertThat(canonical("\u03A3")).isEqualTo("\u03C3");
    assertThat(canonical("\u03C3")).isEqualTo("\u03C3");
    assertThat(canonical("\u03C2")).isEqualTo("\u03C2");
  }

  // RFC 8265 section 3.5: invalid ones.
  @Test
  void rfc8265_invalidExamples() {
    assertRejected("foo bar", Reason.DISALLOWED_CHARACTERS);
    assertRejected("", Reason.LENGTH);
    assertRejected("henry\u2163", Reason.DISALLOWED_CHARACTERS); // ROMAN NUMERAL FOUR
    assertRejected("\u265A", Reason.DISALLOWED_CHARACTERS); // BLACK CHESS KING
    assertRejected("I\u2665NY", Reason.DISALLOWED_CHARACTERS); // BLACK HEART SUIT
  }

  @Test
  void spotifyCase_superscriptBigbird_neverResolvesToBigbird() throws Exception {
    String superscript = "\u1D2E\u1D35\u1D33\u1D2E\u1D35\u1D3F\u1D30"; // ᴮᴵᴳᴮᴵᴿᴰ
    assertThat(superscript).isEqualTo("ᴮᴵᴳᴮᴵᴿᴰ");
    assertRejected(superscript, Reason.DISALLOWED_CHARACTERS);
    assertThatThrownBy(() -> canonicalizer.canonicalForm(superscript))
        .isInstanceOf(UsernameRejectedException.class);
    assertThat(canonical("BIGBIRD")).isEqualTo("bigbird");
  }

  @Test
  void twiceAndCompareGuard_rejectsANonIdempotentMapping() throws Exception {
    // Spotify's incident: nodeprep mapped ᴮᴵᴳᴮᴵᴿᴰ to BIGBIRD on one pass and to bigbird on the
    // next.
    UsernameCanonicalizer nodeprepLike =
        UsernameCanonicalizer.withMapping(
            s -> {
              StringBuilder out = new StringBuilder();
              s.codePoints()
                  .forEach(
                      c ->
                          out.append(
                              c >= 0x1D2C && c <= 0x1D42
                                  ? Character.toString("AABBDEEGHIJKLMNNOOPRTUW".charAt(c - 0x1D2C))
                                  : Character.toString(c).toLowerCase()));
              return out.toString();
            });
    assertThat(nodeprepLike.canonicalForm("BigBird")).isEqualTo("bigbird");
    // One pass alone would be the hijack: the superscript name becomes BIGBIRD, which the next pass
    // folds to bigbird.
    assertThat(new StringBuilder().appendCodePoint(0x1D2E).toString()).isEqualTo("\u1D2E");
    assertThatThrownBy(
            () -> nodeprepLike.canonicalForm("\u1D2E\u1D35\u1D33\u1D2E\u1D35\u1D3F\u1D30"))
        .isInstanceOfSatisfying(
            UsernameRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_STABLE));
  }

  @Test
  void caseVariants_sameCanonicalForm() throws Exception {
    assertThat(canonical("BigBird")).isEqualTo("bigbird");
    assertThat(canonical("BIGBIRD")).isEqualTo("bigbird");
    assertThat(canonical("bigbird")).isEqualTo("bigbird");
    assertThat(canonicalizer.canonicalize("BigBird").display()).isEqualTo("BigBird");
  }

  @Test
  void fullwidth_mapsToAscii() throws Exception {
    assertThat(canonical("\uFF22\uFF49\uFF47\uFF42\uFF49\uFF52\uFF44"))
        .isEqualTo("bigbird"); // Ｂｉｇｂｉｒｄ
  }

  @Test
  void ligatures_rejected() {
    assertRejected("\uFB01sh", Reason.DISALLOWED_CHARACTERS); // ﬁ
    assertRejected("e\uFB00ort", Reason.DISALLOWED_CHARACTERS); // ﬀ
  }

  @Test
  void kelvinOhmAngstromSigns_foldToTheLetters() throws Exception {
    assertThat(canonical("\u212Aelvin")).isEqualTo(canonical("kelvin"));
    assertThat(canonical("\u2126")).isEqualTo(canonical("\u03A9")).isEqualTo("\u03C9");
    // Greek omega with Latin letters is a mixed-script name: the look-up form folds, registration
    // refuses it.
    assertThat(canonicalizer.canonicalForm("\u2126mega"))
        .isEqualTo(canonicalizer.canonicalForm("\u03C9mega"));
    assertRejected("\u2126mega", Reason.MIXED_SCRIPT);
    assertThat(canonical("\u212Bngstrom")).isEqualTo(canonical("\u00C5ngstrom"));
  }

  @Test
  void combiningSequence_equalsPrecomposed() throws Exception {
    assertThat(canonical("re\u0301sume\u0301"))
        .isEqualTo(canonical("r\u00E9sum\u00E9"))
        .isEqualTo("r\u00E9sum\u00E9");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "big\u200Bbird",
        "big\u200Dbird",
        "big\u200Cbird",
        "\u202Ebigbird",
        "big\u2066bird",
        "bigbird\u200E",
        "\uFEFFbigbird",
        "big\u00ADbird"
      })
  void zeroWidthAndBidiControls_rejected(String typed) {
    assertThatThrownBy(() -> canonicalizer.canonicalize(typed))
        .isInstanceOf(UsernameRejectedException.class);
  }

  @Test
  void cyrillicLookAlike_sameSkeletonAsLatin() throws Exception {
    CanonicalUsername latin = canonicalizer.canonicalize("paypal");
    CanonicalUsername cyrillic =
        canonicalizer.canonicalize("\u0440\u0430\u0443\u0440\u0430l".replace('l', '\u04CF'));
    assertThat(cyrillic.canonical()).isNotEqualTo(latin.canonical());
    assertThat(cyrillic.skeleton()).isEqualTo(latin.skeleton());
  }

  @Test
  void lookAlikeLetters_sameSkeleton() throws Exception {
    assertThat(canonicalizer.canonicalize("rnike").skeleton())
        .isEqualTo(canonicalizer.canonicalize("mike").skeleton());
    assertThat(canonicalizer.canonicalize("b1gbird").skeleton())
        .isEqualTo(canonicalizer.canonicalize("blgbird").skeleton());
  }

  @Test
  void mixedScript_rejected() {
    assertRejected("p\u0430ypal", Reason.MIXED_SCRIPT); // Latin with one Cyrillic a
  }

  @Test
  void nonLatinSingleScript_accepted() throws Exception {
    assertThat(canonical("\u0410\u043D\u043D\u0430")).isEqualTo("\u0430\u043D\u043D\u0430"); // Анна
    assertThat(canonical("\u5C71\u7530")).isEqualTo("\u5C71\u7530"); // 山田
  }

  @Test
  void tooLong_rejected() {
    assertRejected("a".repeat(UsernameCanonicalizer.MAX_CODE_POINTS + 1), Reason.LENGTH);
    assertRejected("a".repeat(UsernameCanonicalizer.MAX_INPUT_CHARS + 1), Reason.LENGTH);
  }

  @Test
  void canonicalForm_isIdempotent() throws Exception {
    for (String name :
        new String[] {
          "BigBird", "\u212Aelvin", "r\u00E9sum\u00E9", "\u03A3\u03B1\u03C2", "juliet@example.com"
        }) {
      String once = canonical(name);
      assertThat(canonical(once)).isEqualTo(once);
    }
  }

  @Test
  void rejectionMessages_neverRepeatTheName() {
    assertThatThrownBy(() -> canonicalizer.canonicalize("secret\u2665name"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
  }
}
