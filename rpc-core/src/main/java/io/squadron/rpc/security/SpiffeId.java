package io.squadron.rpc.security;

import static java.util.Objects.requireNonNull;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Service identities in certificates: a service {@code shuffle} in trust domain {@code squadron} is
 * the URI SAN {@code spiffe://squadron/shuffle}. Also the one place that says what a valid service
 * or caller name is.
 */
public final class SpiffeId {
  /** The platform's trust domain. */
  public static final String DEFAULT_TRUST_DOMAIN = "squadron";

  private static final Pattern SERVICE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern APP = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,62})");
  private static final int SAN_URI = 6;

  private SpiffeId() {}

  /** {@code spiffe://<trustDomain>/<service>}. */
  public static String of(String trustDomain, String service) {
    return "spiffe://"
        + requireValidTrustDomain(trustDomain)
        + "/"
        + requireValidServiceName(service);
  }

  /**
   * The service named by the first URI SAN of {@code certificate} in {@code trustDomain}, or empty
   * when the certificate has none (or names another trust domain, or an invalid service).
   */
  public static Optional<String> service(X509Certificate certificate, String trustDomain) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    String prefix = "spiffe://" + trustDomain + "/";
    for (List<?> name : names) {
      if (name.size() >= 2
          && name.get(0) instanceof Integer type
          && type == SAN_URI
          && name.get(1) instanceof String uri
          && uri.startsWith(prefix)) {
        String service = uri.substring(prefix.length());
        return isValidServiceName(service) ? Optional.of(service) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Lower-case letters, digits and inner dashes, at most 63 characters (a DNS label). */
  public static boolean isValidServiceName(String name) {
    return name != null && SERVICE.matcher(name).matches();
  }

  /**
   * A client app's name (the part after {@code app:}): letters, digits, dot, dash, underscore, at
   * most 63.
   */
  public static boolean isValidAppName(String name) {
    return name != null && APP.matcher(name).matches();
  }

  /** A caller as written in policies and metrics: a service name or {@code app:<name>}. */
  public static boolean isValidCaller(String caller) {
    if (caller == null) {
      return false;
    }
    return caller.startsWith("app:")
        ? isValidAppName(caller.substring(4))
        : isValidServiceName(caller);
  }

  /** {@code name}, or an IllegalArgumentException saying what a service name is. */
  public static String requireValidServiceName(String name) {
    if (!isValidServiceName(name)) {
      throw new IllegalArgumentException(
          "service name: '"
              + name
              + "' (expected: lower-case letters, digits and inner dashes, at most 63)");
    }
    return name;
  }

  private static String requireValidTrustDomain(String trustDomain) {
    requireNonNull(trustDomain, "trustDomain");
    if (!trustDomain.matches("[a-z0-9]([a-z0-9.-]{0,253}[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "trustDomain: '" + trustDomain + "' (expected: a lower-case DNS name)");
    }
    return trustDomain;
  }
}
