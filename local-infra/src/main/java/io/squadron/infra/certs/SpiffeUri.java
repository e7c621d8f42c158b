package io.squadron.infra.certs;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * The URI SAN a development certificate carries, {@code spiffe://<trust-domain>/<service>}. It must
 * match what rpc-core's identity check reads from a peer certificate; local-infra does not depend
 * on rpc-core, so the format is written here too, and rpc-core's security tests check certificates
 * made here against its reader.
 */
final class SpiffeUri {
  /** The platform's trust domain. */
  static final String DEFAULT_TRUST_DOMAIN = "squadron";

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern TRUST_DOMAIN =
      Pattern.compile("[a-z0-9]([a-z0-9.-]{0,253}[a-z0-9])?");

  private SpiffeUri() {}

  /** {@code spiffe://<trustDomain>/<service>}. */
  static String of(String trustDomain, String service) {
    requireNonNull(trustDomain, "trustDomain");
    if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
      throw new IllegalArgumentException(
          "trust domain: '"
              + trustDomain
              + "' (expected: lower-case letters, digits, dots and dashes)");
    }
    return "spiffe://" + trustDomain + "/" + requireValidServiceName(service);
  }

  /** {@code name}, or an IllegalArgumentException saying what a service name is. */
  static String requireValidServiceName(String name) {
    if (name == null || !LABEL.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "service name: '"
              + name
              + "' (expected: lower-case letters, digits and inner dashes, at most 63)");
    }
    return name;
  }
}
