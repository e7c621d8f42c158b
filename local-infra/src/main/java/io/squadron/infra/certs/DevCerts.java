package io.squadron.infra.certs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Writes the platform's development certificates into a directory: {@code ca.crt}/{@code ca.key}
 * (created once and reused on later runs) and {@code <service>.crt}/{@code <service>.key} per
 * service. This is the layout {@code squadron.security.cert-dir} expects.
 *
 * <p>Command line ({@code ./squadron certs}): {@code DevCerts <dir> <service>...}
 */
public final class DevCerts {
  /** The CA certificate's file name. */
  public static final String CA_CERT = "ca.crt";

  /** The CA key's file name. */
  public static final String CA_KEY = "ca.key";

  private DevCerts() {}

  /**
   * Creates (or reuses) the CA in {@code dir} and issues a fresh certificate for each of {@code
   * services}.
   *
   * @return the CA
   */
  public static DevCertificateAuthority generate(Path dir, Collection<String> services)
      throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(services, "services");
    services.forEach(SpiffeUri::requireValidServiceName);
    Files.createDirectories(dir);
    DevCertificateAuthority ca;
    if (Files.exists(dir.resolve(CA_CERT)) && Files.exists(dir.resolve(CA_KEY))) {
      ca = DevCertificateAuthority.load(dir, SpiffeUri.DEFAULT_TRUST_DOMAIN);
    } else {
      ca = DevCertificateAuthority.create("squadron dev CA");
      ca.writeTo(dir);
    }
    for (String service : services) {
      ca.issue(service).writeTo(dir, service);
    }
    return ca;
  }

  /** {@code DevCerts <dir> <service>...}: prints the files written, never key material. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: DevCerts <dir> <service>...");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    List<String> services = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
    generate(dir, services);
    System.out.println("CA: " + dir.resolve(CA_CERT));
    for (String service : services) {
      System.out.println(
          SpiffeUri.of(SpiffeUri.DEFAULT_TRUST_DOMAIN, service)
              + ": "
              + dir.resolve(service + ".crt")
              + ", "
              + dir.resolve(service + ".key"));
    }
  }
}
