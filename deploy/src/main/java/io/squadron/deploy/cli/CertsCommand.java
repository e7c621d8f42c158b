package io.squadron.deploy.cli;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.infra.certs.DevCerts;
import io.squadron.rpc.security.SpiffeId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code squadron certs}: a platform CA and one certificate per service for local runs and tests,
 * each carrying {@code spiffe://squadron/<service>} as its URI SAN. An existing CA in the directory
 * is reused, so certificates made later still chain to it. Production uses any CA, with the files
 * named in config.
 */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description =
        "Generate a local CA and a certificate per service (URI SAN spiffe://squadron/<service>).")
final class CertsCommand implements Callable<Integer> {
  @Option(
      names = "--dir",
      description = "Where to write them (default: .squadron/certs in the checkout).")
  Path dir;

  @Parameters(
      arity = "0..*",
      paramLabel = "SERVICE",
      description =
          "Service names (default: every service with a "
              + "descriptor, and the operator identity squadron-cli).")
  List<String> services = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path target = dir != null ? dir : SquadronCli.workspace().certDir();
    List<String> names = services;
    if (names.isEmpty()) {
      names = new ArrayList<>(ServiceCatalog.discover(SquadronCli.workspace().home()).names());
      names.add(LocalPlatform.OPERATOR_IDENTITY);
    }
    DevCerts.generate(target, names);
    System.out.println("CA:  " + target.resolve(DevCerts.CA_CERT));
    for (String name : names) {
      System.out.printf(
          "%-32s %s, %s%n",
          SpiffeId.of(SpiffeId.DEFAULT_TRUST_DOMAIN, name),
          target.resolve(name + ".crt"),
          target.resolve(name + ".key"));
    }
    return 0;
  }
}
