package io.squadron.userdb.username;

import com.ibm.icu.text.SpoofChecker;
import java.util.function.UnaryOperator;
import rocks.xmpp.precis.InvalidDirectionalityException;
import rocks.xmpp.precis.PrecisProfile;
import rocks.xmpp.precis.PrecisProfiles;

/**
 * Turns a typed username into its {@link CanonicalUsername}, or rejects it.
 *
 * <ol>
 *   <li>PRECIS UsernameCaseMapped (RFC 8265): width mapping (fullwidth to ASCII), lower case, NFC,
 *       the bidi rule; compatibility characters (ligatures, superscripts, Roman numerals), symbols,
 *       spaces, controls, zero-width and bidi formatting characters are disallowed.
 *   <li>The guard from Spotify's fix: the result is canonicalized again, and a name whose second
 *       pass differs from its first is rejected ({@link
 *       UsernameRejectedException.Reason#NOT_STABLE}).
 *   <li>TR39: the canonical form must meet the highly restrictive restriction level (one script, or
 *       Latin with the Han/Japanese/Korean combinations), without invisible characters or mixed
 *       digit systems.
 *   <li>The TR39 skeleton of the canonical form, which the stores keep unique.
 * </ol>
 *
 * <p>Thread-safe; build one and share it.
 */
public final class UsernameCanonicalizer {
  /** Longest canonical name, in code points. */
  public static final int MAX_CODE_POINTS = 64;

  /**
   * Longest input considered at all, in UTF-16 units (longer input is rejected before any work).
   */
  public static final int MAX_INPUT_CHARS = 1024;

  private final UnaryOperator<String> profile;
  private final SpoofChecker restrictions;
  private final SpoofChecker skeletons;

  private UsernameCanonicalizer(UnaryOperator<String> profile) {
    this.profile = profile;
    this.restrictions =
        new SpoofChecker.Builder()
            .setChecks(
                SpoofChecker.RESTRICTION_LEVEL
                    | SpoofChecker.INVISIBLE
                    | SpoofChecker.MIXED_NUMBERS)
            .setRestrictionLevel(SpoofChecker.RestrictionLevel.HIGHLY_RESTRICTIVE)
            .build();
    this.skeletons = new SpoofChecker.Builder().setChecks(SpoofChecker.CONFUSABLE).build();
  }

  /** The canonicalizer. */
  public static UsernameCanonicalizer create() {
    PrecisProfile usernameCaseMapped = PrecisProfiles.USERNAME_CASE_MAPPED;
    return new UsernameCanonicalizer(usernameCaseMapped::enforce);
  }

  /**
   * A canonicalizer over another mapping (tests: a mapping that, like XMPP nodeprep in Spotify's
   * incident, is not idempotent, to show the guard catches it). The mapping throws {@link
   * IllegalArgumentException} to refuse.
   */
  static UsernameCanonicalizer withMapping(UnaryOperator<String> mapping) {
    return new UsernameCanonicalizer(mapping);
  }

  /** Canonicalizes {@code typed}, for registration: every check applies. */
  public CanonicalUsername canonicalize(String typed) throws UsernameRejectedException {
    String canonical = canonicalForm(typed);
    if (restrictions.failsChecks(canonical)) {
      throw new UsernameRejectedException(
          UsernameRejectedException.Reason.MIXED_SCRIPT,
          "mixes scripts or contains invisible characters; use letters of one script");
    }
    return new CanonicalUsername(typed, canonical, skeletons.getSkeleton(canonical));
  }

  /**
   * The canonical form only, for look-ups: PRECIS and the twice-and-compare guard. A name that
   * passes here but not {@link #canonicalize} simply matches no account.
   */
  public String canonicalForm(String typed) throws UsernameRejectedException {
    if (typed == null || typed.isEmpty()) {
      throw new UsernameRejectedException(
          UsernameRejectedException.Reason.LENGTH, "must not be empty");
    }
    if (typed.length() > MAX_INPUT_CHARS) {
      throw new UsernameRejectedException(
          UsernameRejectedException.Reason.LENGTH,
          "too long (expected: at most " + MAX_CODE_POINTS + " characters)");
    }
    String first = enforce(typed);
    String second = enforce(first);
    if (!first.equals(second)) {
      throw new UsernameRejectedException(
          UsernameRejectedException.Reason.NOT_STABLE,
          "is not stable under canonicalization; choose another name");
    }
    int length = first.codePointCount(0, first.length());
    if (length < 1 || length > MAX_CODE_POINTS) {
      throw new UsernameRejectedException(
          UsernameRejectedException.Reason.LENGTH,
          "must be 1 to " + MAX_CODE_POINTS + " characters after canonicalization");
    }
    return first;
  }

  private String enforce(String name) throws UsernameRejectedException {
    try {
      return profile.apply(name);
    } catch (InvalidDirectionalityException e) {
      throw new UsernameRejectedException(
          UsernameRejectedException.Reason.DISALLOWED_CHARACTERS,
          "mixes left-to-right and right-to-left text");
    } catch (IllegalArgumentException e) {
      // The library's message quotes the offending code point; ours does not repeat user input.
      throw new UsernameRejectedException(
          UsernameRejectedException.Reason.DISALLOWED_CHARACTERS,
          "contains characters not allowed in usernames (spaces, symbols, compatibility or formatting characters)");
    }
  }
}
