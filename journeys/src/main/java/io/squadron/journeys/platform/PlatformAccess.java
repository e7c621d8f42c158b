package io.squadron.journeys.platform;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the running platform is and how a client may call it, read from the {@code
 * endpoints.properties} that {@code squadron up} writes in its run directory: the instances'
 * addresses per service, the CA, the operator's certificates and the demo app's token, and the
 * {@code SQUADRON_*} addresses of the stores and the payment provider simulator.
 */
public final class PlatformAccess {
  /** The file {@code up} writes in its run directory. */
  public static final String FILE = "endpoints.properties";

  private final Properties p;
  private final String appToken;

  private PlatformAccess(Properties p, String appToken) {
    this.p = p;
    this.appToken = appToken;
  }

  /** Reads {@code runDir/endpoints.properties} and the app token it names. */
  public static PlatformAccess read(Path runDir) {
    requireNonNull(runDir, "runDir");
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no "
              + file
              + ": is the platform up ('./squadron up' writes it when every service is ready)?");
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
      String token =
          Files.readString(Path.of(required(p, "app.token-file")), StandardCharsets.UTF_8).trim();
      return new PlatformAccess(p, token);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The gRPC addresses of every instance of {@code service}. */
  public List<String> grpc(String service) {
    return list("service." + service + ".grpc");
  }

  /** The HTTPS addresses of {@code service}'s HTTP/JSON face, one per instance. */
  public List<String> http(String service) {
    return list("service." + service + ".http");
  }

  /** The platform CA's certificate. */
  public Path caFile() {
    return Path.of(required(p, "ca-file"));
  }

  /** Where the operator identity's certificate and key are. */
  public Path certDir() {
    return Path.of(required(p, "cert-dir"));
  }

  /** The operator identity's name (its certificate is {@code <certDir>/<operator>.crt}). */
  public String operator() {
    return required(p, "operator");
  }

  /** The client app the platform was configured with. */
  public String appName() {
    return required(p, "app.name");
  }

  /** Its token (a secret: never logged). */
  public String appToken() {
    return appToken;
  }

  /** A {@code SQUADRON_*} address of a store or external system, when the platform has it. */
  public Optional<String> env(String variable) {
    return Optional.ofNullable(p.getProperty("env." + variable));
  }

  private List<String> list(String key) {
    String value = p.getProperty(key, "");
    if (value.isBlank()) {
      throw new IllegalArgumentException(key + ": missing in " + FILE);
    }
    return Arrays.stream(value.split(",")).map(String::trim).toList();
  }

  private static String required(Properties p, String key) {
    String value = p.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + ": missing in " + FILE);
    }
    return value;
  }
}
