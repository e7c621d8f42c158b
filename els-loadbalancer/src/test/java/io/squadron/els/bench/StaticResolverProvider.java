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

/**
 * Resolves {@code bench:///NAME} to the list of addresses registered under NAME (with their
 * attributes); no service config. {@link #update} pushes a new list to every channel resolving
 * NAME, as DNS would when a new instance starts.
 */
final class StaticResolverProvider extends NameResolverProvider {

  static final String SCHEME = "bench";
  private final Map<String, List<EquivalentAddressGroup>> targets = new ConcurrentHashMap<>();
  private final Map<String, List<NameResolver.Listener2>> listeners = new ConcurrentHashMap<>();

  void put(String name, List<EquivalentAddressGroup> addresses) {
    targets.put(name, addresses);
  }

  /** Replaces NAME's addresses and tells every channel resolving it. */
  void update(String name, List<EquivalentAddressGroup> addresses) {
    targets.put(name, addresses);
    for (NameResolver.Listener2 l : listeners.getOrDefault(name, List.of())) {
      l.onResult(NameResolver.ResolutionResult.newBuilder().setAddresses(addresses).build());
    }
  }

  void remove(String name) {
    targets.remove(name);
    listeners.remove(name);
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
        listeners
            .computeIfAbsent(name, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
            .add(listener);
        listener.onResult(
            ResolutionResult.newBuilder()
                .setAddresses(targets.getOrDefault(name, addresses))
                .build());
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
