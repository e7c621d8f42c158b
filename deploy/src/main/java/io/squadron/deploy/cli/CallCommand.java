package io.squadron.deploy.cli;

import io.grpc.StatusRuntimeException;
import io.squadron.deploy.call.ServiceCall;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.deploy.local.RunState;
import io.squadron.deploy.local.RunningService;
import io.squadron.deploy.local.Workspace;
import io.squadron.infra.certs.DevCerts;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code squadron call SERVICE [METHOD 'JSON'] [--as IDENTITY | --app-token TOKEN]}: one call to a
 * service of the running local platform, JSON in and out, errors printed as their {@code
 * google.rpc.Status} with details. By default it calls as the operator identity over mutual TLS;
 * {@code --app-token} calls as a client app does.
 *
 * <p>Exit status: 0 answered, 1 the call failed (the status is printed), 64 usage error.
 */
@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description =
        "Call a method of a running service with a JSON request; prints the JSON response or error.")
final class CallCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "SERVICE",
      description = "The service's name, e.g. as in './squadron status'.")
  String service;

  @Parameters(
      index = "1",
      paramLabel = "METHOD",
      arity = "0..1",
      description =
          "Method, Service/Method or package.Service/Method; without it, lists the service's methods.")
  String method;

  @Parameters(
      index = "2",
      paramLabel = "JSON",
      defaultValue = "{}",
      description = "The request in protobuf JSON.")
  String json;

  @Option(
      names = "--as",
      paramLabel = "IDENTITY",
      description =
          "Call as this service identity over mutual TLS "
              + "(default: "
              + LocalPlatform.OPERATOR_IDENTITY
              + "); its certificate is issued by the local CA if missing.")
  String identity = LocalPlatform.OPERATOR_IDENTITY;

  @Option(
      names = "--app-token",
      paramLabel = "TOKEN",
      description =
          "Call as a client app: TLS without a client "
              + "certificate, 'authorization: Bearer TOKEN' ('./squadron up' prints the demo app's token).")
  String appToken;

  @Option(
      names = "--address",
      paramLabel = "HOST:PORT",
      description = "Where the service is (default: the local " + "platform's).")
  String address;

  @Option(
      names = "--deadline",
      paramLabel = "SECONDS",
      description = "Deadline of the call (default: 20).")
  long deadlineSeconds = 20;

  @Override
  public Integer call() throws Exception {
    Workspace workspace = SquadronCli.workspace();
    Optional<ServiceModule> module = ServiceCatalog.discover(workspace.home()).find(service);
    if (module.isEmpty()) {
      System.err.println("no service '" + service + "' in this checkout");
      return 64;
    }
    String target = address;
    if (target == null) {
      Optional<RunningService> running =
          RunState.read(workspace.stateFile()).flatMap(s -> s.service(service));
      if (running.isEmpty()) {
        System.err.println(
            service
                + " is not running: start the platform ('./squadron up --detach') or pass "
                + "--address HOST:PORT");
        return 64;
      }
      target = running.get().address();
    }
    Duration deadline = Duration.ofSeconds(deadlineSeconds);
    var grpcServices = module.get().descriptor().grpcServices();
    if (appToken == null && !Files.exists(workspace.certDir().resolve(identity + ".crt"))) {
      DevCerts.generate(workspace.certDir(), java.util.List.of(identity));
    }
    try (ServiceCall call =
        appToken != null
            ? ServiceCall.asApp(
                service,
                grpcServices,
                target,
                workspace.certDir().resolve(DevCerts.CA_CERT),
                appToken,
                deadline)
            : ServiceCall.asIdentity(
                service, grpcServices, target, workspace.certDir(), identity, deadline)) {
      if (method == null) {
        call.describe().forEach(System.out::println);
        return 0;
      }
      System.out.println(call.call(method, json));
      return 0;
    } catch (StatusRuntimeException e) {
      System.out.println(ServiceCall.errorJson(e));
      return 1;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 64;
    }
  }
}
