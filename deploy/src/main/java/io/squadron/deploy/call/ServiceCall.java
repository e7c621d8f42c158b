package io.squadron.deploy.call;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A call to a running service from outside, the way another team's tool or a client app would make
 * it: the method learned from server reflection, JSON in and out, over mutual TLS as a named
 * identity or over TLS with an app token.
 */
public final class ServiceCall implements AutoCloseable {
  private final String service;
  private final List<String> grpcServices;
  private final ManagedChannel transport;
  private final ChannelFactory channels;
  private final Channel channel;
  private final Duration deadline;

  private ServiceCall(
      String service,
      List<String> grpcServices,
      ManagedChannel transport,
      ChannelFactory channels,
      Channel channel,
      Duration deadline) {
    this.service = service;
    this.grpcServices = grpcServices;
    this.transport = transport;
    this.channels = channels;
    this.channel = channel;
    this.deadline = deadline;
  }

  /**
   * Calls {@code service} at {@code address} as the service identity {@code caller}, over mutual
   * TLS with its certificate from {@code certDir}.
   */
  public static ServiceCall asIdentity(
      String service,
      List<String> grpcServices,
      String address,
      Path certDir,
      String caller,
      Duration deadline) {
    Config config =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                "squadron.security { service-name = "
                    + quote(caller)
                    + ", cert-dir = "
                    + quote(certDir.toString())
                    + " }\n"
                    + "squadron.clients."
                    + quote(service)
                    + " { addresses = ["
                    + quote(address)
                    + "], deadline = "
                    + deadline.toMillis()
                    + "ms }\n"));
    ChannelFactory channels = Platform.clients(config, Platform.newMeterRegistry()).build();
    return new ServiceCall(
        service, grpcServices, null, channels, channels.channel(service), deadline);
  }

  /**
   * Calls {@code service} as {@code clientConfig} (HOCON: {@code squadron.security}, {@code
   * squadron.clients.<service>}, client defaults) says: e.g. over every instance of a local
   * platform, with ELS preferring a region ({@code LocalPlatform.clientConfig}).
   */
  public static ServiceCall withClientConfig(
      String service, List<String> grpcServices, String clientConfig, Duration deadline) {
    Config config =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                clientConfig
                    + "\nsquadron.clients."
                    + quote(service)
                    + ".deadline = "
                    + deadline.toMillis()
                    + "ms\n"));
    ChannelFactory channels = Platform.clients(config, Platform.newMeterRegistry()).build();
    return new ServiceCall(
        service, grpcServices, null, channels, channels.channel(service), deadline);
  }

  /**
   * Calls {@code service} at {@code address} as a client app: TLS checked against {@code caFile}, a
   * bearer token.
   */
  public static ServiceCall asApp(
      String service,
      List<String> grpcServices,
      String address,
      Path caFile,
      String token,
      Duration deadline) {
    int colon = address.lastIndexOf(':');
    ManagedChannel transport =
        NettyChannelBuilder.forAddress(
                address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1)),
                Platform.appTls(caFile, service))
            .build();
    Channel withToken =
        ClientInterceptors.intercept(
            transport,
            new io.grpc.ClientInterceptor() {
              @Override
              public <ReqT, RespT> io.grpc.ClientCall<ReqT, RespT> interceptCall(
                  io.grpc.MethodDescriptor<ReqT, RespT> m,
                  io.grpc.CallOptions options,
                  Channel next) {
                return next.newCall(m, options.withCallCredentials(Platform.appToken(token)));
              }
            });
    return new ServiceCall(service, grpcServices, transport, null, withToken, deadline);
  }

  /**
   * Calls {@code method} ({@code Method}, {@code Service/Method} or {@code package.Service/Method})
   * with the JSON request {@code json}; returns the response as JSON.
   *
   * @throws IllegalArgumentException when the method or the JSON is wrong (the message says how)
   * @throws io.grpc.StatusRuntimeException when the call fails (print it with {@link #errorJson})
   */
  public String call(String method, String json) {
    MethodDescriptor descriptor = resolve(method);
    DynamicCall call = new DynamicCall(descriptor);
    DynamicMessage request = call.request(json);
    return call.call(channel, request, deadline);
  }

  /**
   * {@code method} with the JSON request {@code json}, resolved (by reflection) and parsed once,
   * for calls made again and again (a rollout's traffic); each {@code get()} makes one call and
   * returns the response as JSON.
   *
   * @throws IllegalArgumentException when the method or the JSON is wrong (the message says how)
   */
  public Supplier<String> prepare(String method, String json) {
    DynamicCall call = new DynamicCall(resolve(method));
    DynamicMessage request = call.request(json);
    return () -> call.call(channel, request, deadline);
  }

  /**
   * The methods of the service's gRPC services as the running server describes them: one line per
   * method with its request fields, e.g. {@code squadron.shuffle.v1.ShuffleService/Shuffle {tracks,
   * mode, seed}}.
   */
  public List<String> describe() {
    ReflectionResolver reflection = new ReflectionResolver(channel, deadline);
    List<String> lines = new java.util.ArrayList<>();
    for (String grpcService : grpcServices) {
      for (MethodDescriptor m : reflection.service(grpcService).getMethods()) {
        lines.add(
            grpcService
                + "/"
                + m.getName()
                + " {"
                + String.join(
                    ", ",
                    m.getInputType().getFields().stream()
                        .map(com.google.protobuf.Descriptors.FieldDescriptor::getJsonName)
                        .toList())
                + "}"
                + (m.isClientStreaming() || m.isServerStreaming()
                    ? " (streaming: not callable here)"
                    : ""));
      }
    }
    return lines;
  }

  /** The channel calls go through (tests read the server's reflection with it). */
  Channel channel() {
    return channel;
  }

  /** A failed call's {@code google.rpc.Status} as JSON, details included. */
  public static String errorJson(io.grpc.StatusRuntimeException error) {
    return DynamicCall.errorJson(error);
  }

  private MethodDescriptor resolve(String method) {
    String serviceName;
    String methodName;
    int slash = method.lastIndexOf('/');
    if (slash < 0) {
      serviceName = null;
      methodName = method;
    } else {
      serviceName = method.substring(0, slash);
      methodName = method.substring(slash + 1);
    }
    ReflectionResolver reflection = new ReflectionResolver(channel, deadline);
    for (String grpcService : grpcServices) {
      if (serviceName != null
          && !grpcService.equals(serviceName)
          && !grpcService.endsWith("." + serviceName)) {
        continue;
      }
      ServiceDescriptor descriptor = reflection.service(grpcService);
      MethodDescriptor found = descriptor.findMethodByName(methodName);
      if (found != null) {
        return found;
      }
    }
    throw new IllegalArgumentException(
        "no method '"
            + method
            + "' on "
            + service
            + " (its gRPC services: "
            + grpcServices
            + "; use Method or package.Service/Method)");
  }

  @Override
  public void close() {
    if (channels != null) {
      channels.close();
    }
    if (transport != null) {
      transport.shutdownNow();
      try {
        transport.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String quote(String s) {
    return ConfigUtil.quoteString(s);
  }
}
