package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.certs.DevCerts;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What a client of the running local platform needs to find and call it, in {@code
 * <runDir>/endpoints.properties} (readable by this user only): every instance's gRPC address and,
 * for services with an HTTP/JSON face, its HTTPS address; the platform CA and the operator's
 * certificate directory; the demo app's name and the file holding its token; and the stores' and
 * external systems' {@code SQUADRON_*} addresses (the payment provider simulator a client app pays
 * at, the databases an operator's audit reads). Written from the descriptors and the running
 * instances only, so any client (the journey driver, a script in another language) reads the same
 * keys:
 *
 * <pre>
 * services = a,b
 * service.a.grpc = 127.0.0.1:7001,127.0.0.1:7003
 * service.a.http = 127.0.0.1:7002,127.0.0.1:7004      (only with an HTTP/JSON face)
 * ca-file = /.../certs/ca.crt
 * cert-dir = /.../certs
 * operator = squadron-cli
 * app.name = demo
 * app.token-file = /.../run/apps/demo.token
 * env.SQUADRON_POSTGRES_URL = jdbc:postgresql://...
 * </pre>
 */
public final class ClientEndpoints {
  /** The file name in the run directory. */
  public static final String FILE = "endpoints.properties";

  private final Map<String, List<String>> grpc = new LinkedHashMap<>();
  private final Map<String, List<String>> http = new LinkedHashMap<>();

  /** Adds an instance of {@code service}; {@code httpPort} is 0 when it has no HTTP/JSON face. */
  public synchronized void add(String service, String grpcAddress, int httpPort) {
    requireNonNull(service, "service");
    requireNonNull(grpcAddress, "grpcAddress");
    grpc.computeIfAbsent(service, s -> new ArrayList<>()).add(grpcAddress);
    if (httpPort > 0) {
      http.computeIfAbsent(service, s -> new ArrayList<>()).add("127.0.0.1:" + httpPort);
    }
  }

  /**
   * Writes the file atomically, and the demo app's token beside it (both owner-only: the token lets
   * anyone call as the demo app, the store URLs carry passwords).
   */
  public synchronized Path write(
      Workspace workspace,
      String operator,
      String appName,
      String appToken,
      Map<String, String> environment) {
    Path appsDir = workspace.runDir().resolve("apps");
    Path tokenFile = appsDir.resolve(appName + ".token");
    try {
      Files.createDirectories(appsDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + appsDir, e);
    }
    ModuleClasspath.writeConfig(tokenFile, appToken);
    Properties p = new Properties();
    p.setProperty("services", String.join(",", grpc.keySet()));
    grpc.forEach(
        (name, addresses) -> p.setProperty(key(name, "grpc"), String.join(",", addresses)));
    http.forEach(
        (name, addresses) -> p.setProperty(key(name, "http"), String.join(",", addresses)));
    p.setProperty("ca-file", workspace.certDir().resolve(DevCerts.CA_CERT).toString());
    p.setProperty("cert-dir", workspace.certDir().toString());
    p.setProperty("operator", operator);
    p.setProperty("app.name", appName);
    p.setProperty("app.token-file", tokenFile.toString());
    environment.forEach((k, v) -> p.setProperty("env." + k, v));
    StringWriter text = new StringWriter();
    try {
      p.store(text, "how to call the local platform (squadron up)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = workspace.runDir().resolve(FILE);
    Path tmp = file.resolveSibling(FILE + ".tmp");
    ModuleClasspath.writeConfig(tmp, text.toString());
    try {
      return Files.move(
          tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String key(String service, String kind) {
    return "service." + service + "." + kind;
  }
}
