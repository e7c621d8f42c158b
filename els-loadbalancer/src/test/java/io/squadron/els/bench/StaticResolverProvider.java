package io.squadron.els.bench;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Resolves {@code bench:///NAME} to a fixed list of addresses registered under NAME; no service config. */
final class StaticResolverProvider extends NameResolverProvider {

  static final String SCHEME = "bench";
  private final Map<String, List<EquivalentAddressGroup>> targets = new ConcurrentHashMap<>();

  void put(String name, List<EquivalentAddressGroup> addresses) {
    targets.put(name, addresses);
  }

  void remove(String name) {
    targets.remove(name);
  }

  @Override
  public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
    if (!SCHEME.equals(uri.getScheme())) {
      return null;
    }
    String name = uri.getPath().substring(1);
    List<EquivalentAddressGroup> addresses = targets.get(name);
    if (addresses == null) {
      return null;
    }
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        return name;
      }

      @Override
      public void start(Listener2 listener) {
        listener.onResult(ResolutionResult.newBuilder().setAddresses(addresses).build());
      }

      @Override
      public void shutdown() {}
    };
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
}
