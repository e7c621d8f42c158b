package io.squadron.journeys.platform;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Channels to the running platform, one per service and role, each balancing over every instance
 * with the platform's default policy (ELS): as the client app (TLS checked against the platform CA,
 * the app's bearer token, no client certificate) and as the operator identity (mutual TLS), which
 * does what an app may not (deleting an account, reading a payment for an audit).
 */
public final class PlatformClients implements AutoCloseable {
  private final ChannelFactory appChannels;
  private final ChannelFactory operatorChannels;
  private final Map<String, ManagedChannel> app = new ConcurrentHashMap<>();
  private final Map<String, ManagedChannel> operator = new ConcurrentHashMap<>();

  /**
   * Clients of the services {@code access} lists; {@code deadline} is every call's default
   * deadline.
   */
  public PlatformClients(PlatformAccess access, List<String> services, Duration deadline) {
    requireNonNull(access, "access");
    String clients =
        "squadron.client-defaults.deadline = "
            + deadline.toMillis()
            + "ms\n"
            + services.stream()
                .map(
                    s ->
                        "squadron.clients."
                            + s
                            + ".addresses = ["
                            + access.grpc(s).stream()
                                .map(ConfigUtil::quoteString)
                                .collect(Collectors.joining(","))
                            + "]")
                .collect(Collectors.joining("\n"));
    Config appConfig = ConfigLoader.withOverrides(ConfigFactory.parseString(clients));
    CallCredentials token = Platform.appToken(access.appToken());
    appChannels =
        ChannelFactory.builder(ClientsSettings.from(appConfig))
            .meterRegistry(Platform.newMeterRegistry())
            .credentials(c -> Platform.appTls(access.caFile(), c.name()))
            .interceptor(
                new ClientInterceptor() {
                  @Override
                  public <Q, R> ClientCall<Q, R> interceptCall(
                      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                    return next.newCall(method, options.withCallCredentials(token));
                  }
                })
            .build();
    Config operatorConfig =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                "squadron.security { service-name = "
                    + ConfigUtil.quoteString(access.operator())
                    + ", cert-dir = "
                    + ConfigUtil.quoteString(access.certDir().toString())
                    + " }\n"
                    + clients));
    operatorChannels = Platform.clients(operatorConfig, Platform.newMeterRegistry()).build();
  }

  /** A channel to {@code service} as the client app. */
  public Channel asApp(String service) {
    return app.computeIfAbsent(service, appChannels::channel);
  }

  /** A channel to {@code service} as the operator identity. */
  public Channel asOperator(String service) {
    return operator.computeIfAbsent(service, operatorChannels::channel);
  }

  @Override
  public void close() {
    appChannels.close();
    operatorChannels.close();
  }
}
