package io.squadron.deploy.cli;

import io.squadron.deploy.scaffold.ModuleFormatter;
import io.squadron.deploy.scaffold.ServiceGenerator;
import io.squadron.deploy.scaffold.ServiceParams;
import io.squadron.deploy.scaffold.ServiceTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code squadron new-service NAME [--store postgres|cassandra|none] [--encrypt CATEGORY] [--calls
 * SERVICE...] [--callers SERVICE...]}: a new service module from the current template: its {@code
 * .proto}, descriptor, main on the service contract, gRPC face, domain, store with its schema,
 * demo, edge test on the real store, README, and its line in the parent pom. It then runs under
 * {@code squadron up} and appears in the manifests and dashboards with nothing else edited. All or
 * nothing: a failure leaves the checkout as it was.
 *
 * <p>Exit status: 0 generated, 64 a bad or taken name (nothing written).
 */
@Command(
    name = "new-service",
    mixinStandardHelpOptions = true,
    description =
        "Generate a new service module (secured, balanced, metered, tested) from the service template.")
final class NewServiceCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "Lower-case words joined by dashes, e.g. playlist.")
  String name;

  @Option(names = "--store", description = "postgres, cassandra or none (default: postgres).")
  String store = "postgres";

  @Option(
      names = "--encrypt",
      paramLabel = "CATEGORY",
      description =
          "Encrypt the stored text with the owner's "
              + "Padlock keys of this category (the service then calls Padlock).")
  String encrypt;

  @Option(
      names = "--calls",
      arity = "1..*",
      paramLabel = "SERVICE",
      description = "Services it calls.")
  List<String> calls = new ArrayList<>();

  @Option(
      names = "--callers",
      arity = "1..*",
      paramLabel = "SERVICE",
      description = "Services allowed to call it " + "(its permission policy; deny by default).")
  List<String> callers = new ArrayList<>();

  @Override
  public Integer call() {
    Path home = SquadronCli.workspace().home();
    List<Path> written;
    try {
      ServiceParams params =
          new ServiceParams(name, store, Optional.ofNullable(encrypt), calls, callers);
      written =
          new ServiceGenerator(home)
              .generate(params, ServiceTemplate.version(ServiceTemplate.CURRENT_VERSION));
    } catch (IllegalArgumentException e) {
      System.err.println("new-service: " + e.getMessage() + " (nothing was written)");
      return 64;
    }
    try {
      new ModuleFormatter(home).format(name + "-service");
    } catch (IllegalStateException e) {
      // The module is there and correct; only its layout is not the project's yet.
      System.err.println(
          "new-service: generated, but formatting failed; run 'mvn spotless:apply -pl "
              + name
              + "-service': "
              + e.getMessage());
    }
    System.out.println(
        "Generated "
            + name
            + "-service from template v"
            + ServiceTemplate.CURRENT_VERSION
            + " ("
            + written.size()
            + " files), and added it to the parent pom:");
    written.forEach(p -> System.out.println("  " + p));
    System.out.println(
        "Next: write its logic, then './squadron build' and './squadron test -pl proto,"
            + name
            + "-service' (or './squadron up' to see it run with the platform).");
    return 0;
  }
}
