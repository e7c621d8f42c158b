package io.squadron.userdb.username;

import static java.util.Objects.requireNonNull;

/**
 * A username that passed every check, in its three forms. The canonical form and the skeleton are
 * computed once, at registration, and stored: a later JDK or ICU with a newer Unicode version
 * cannot change who matches whom.
 *
 * @param display the name as typed, kept for display
 * @param canonical the RFC 8265 UsernameCaseMapped form; unique, used for look-ups
 * @param skeleton the Unicode TR39 skeleton of the canonical form; unique, so look-alikes cannot
 *     register
 */
public record CanonicalUsername(String display, String canonical, String skeleton) {
  public CanonicalUsername {
    requireNonNull(display, "display");
    requireNonNull(canonical, "canonical");
    requireNonNull(skeleton, "skeleton");
  }
}
