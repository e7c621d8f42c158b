package io.squadron.rpc.internal.client;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.squadron.els.ElsLoadBalancerProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves {@code static:///host1:port1,host2:port2} to those addresses, one endpoint each, so a
 * fixed list from config gets the same load balancing as a DNS name. An address may carry its
 * region ({@code host:port@region-1}): the endpoint then has ELS's {@link
 * ElsLoadBalancerProvider#REGION} attribute, so a client that knows its own region prefers it.
 * Registered through {@code META-INF/services}; it holds no state, everything is in the target
 * string.
 */
public final class StaticNameResolverProvider extends NameResolverProvider {
  /** The URI scheme. */
  public static final String SCHEME = "static";

  private static final Pattern REGION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** The target for {@code addresses} ({@code host:port} each). */
  public static String target(List<String> addresses) {
    for (String address : addresses) {
      parse(address);
    }
    return SCHEME + ":///" + String.join(",", addresses);
  }

  /**
   * The target for {@code endpoints} ({@code host:port} each, with its region or an empty
   * optional), in order.
   *
   * @throws IllegalArgumentException when an address or region is malformed
   */
  public static String targetWithRegions(List<Map.Entry<String, Optional<String>>> endpoints) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Optional<String>> endpoint : endpoints) {
      parse(endpoint.getKey());
      Optional<String> region = endpoint.getValue();
      if (region.isPresent() && !REGION_NAME.matcher(region.get()).matches()) {
        throw new IllegalArgumentException(
            "region \"" + region.get() + "\" (expected: letters, digits, '.', '_', '-')");
      }
      parts.add(endpoint.getKey() + region.map(r -> "@" + r).orElse(""));
    }
    return SCHEME + ":///" + String.join(",", parts);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    String path = targetUri.getPath();
    if (path == null || path.length() < 2) {
      throw new IllegalArgumentException(
          "target " + targetUri + " lists no address (expected: static:///host:port,...)");
    }
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (String entry : path.substring(1).split(",")) {
      int at = entry.indexOf('@');
      if (at < 0) {
        groups.add(new EquivalentAddressGroup(parse(entry)));
      } else {
        String region = entry.substring(at + 1);
        if (!REGION_NAME.matcher(region).matches()) {
          throw new IllegalArgumentException("target " + targetUri + ": bad region in " + entry);
        }
        groups.add(
            new EquivalentAddressGroup(
                parse(entry.substring(0, at)),
                Attributes.newBuilder().set(ElsLoadBalancerProvider.REGION, region).build()));
      }
    }
    return new StaticNameResolver(targetUri.toString(), List.copyOf(groups));
  }

  static InetSocketAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("address " + address + " (expected: host:port)");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address " + address + " has no numeric port");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("address " + address + ": port out of range");
    }
    return new InetSocketAddress(host, port);
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  private static final class StaticNameResolver extends NameResolver {
    private final String authority;
    private final List<EquivalentAddressGroup> groups;

    StaticNameResolver(String authority, List<EquivalentAddressGroup> groups) {
      this.authority = authority;
      this.groups = groups;
    }

    @Override
    public String getServiceAuthority() {
      // The first host names the service for TLS checks; a static list is one service.
      InetSocketAddress first = (InetSocketAddress) groups.get(0).getAddresses().get(0);
      return first.getHostString() + ":" + first.getPort();
    }

    @Override
    public void start(Listener2 listener) {
      if (groups.isEmpty()) {
        listener.onError(Status.UNAVAILABLE.withDescription("no address in " + authority));
        return;
      }
      listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
    }

    @Override
    public void shutdown() {}
  }
}
