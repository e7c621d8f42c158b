package io.squadron.deploy.catalog;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The services of a checkout, found from their descriptors ({@code
 * <module>/src/main/resources/squadron-service.conf}) and ordered so that every service comes after
 * the services it calls. Tools take the platform from here; no tool names a service.
 */
public final class ServiceCatalog {
  private static final int MAX_DEPTH = 6;
  private static final String DESCRIPTOR_PATH = "src/main/resources/" + ServiceDescriptor.FILE;

  private final List<ServiceModule> services;

  private ServiceCatalog(List<ServiceModule> services) {
    this.services = List.copyOf(services);
  }

  /**
   * Finds every service module under {@code home}.
   *
   * @throws InvalidConfigException when a descriptor is invalid, two name the same service, a
   *     service calls one that has no descriptor, or calls form a cycle
   */
  public static ServiceCatalog discover(Path home) {
    requireNonNull(home, "home");
    Map<String, ServiceModule> byName = new LinkedHashMap<>();
    for (Path file : descriptorFiles(home)) {
      ServiceDescriptor descriptor;
      try {
        descriptor = ServiceDescriptor.load(file.toUri().toURL());
      } catch (java.net.MalformedURLException e) {
        throw new IllegalStateException(e);
      }
      Path module = file.getParent().getParent().getParent().getParent();
      ServiceModule found = new ServiceModule(descriptor, home.relativize(module).toString());
      ServiceModule previous = byName.putIfAbsent(descriptor.name(), found);
      if (previous != null) {
        throw new InvalidConfigException(
            file + ": service.name",
            descriptor.name() + " is also declared by " + previous.moduleDir());
      }
    }
    return new ServiceCatalog(inCallOrder(byName));
  }

  private static List<Path> descriptorFiles(Path home) {
    try (Stream<Path> files = Files.walk(home, MAX_DEPTH)) {
      return files
          .filter(p -> p.endsWith(DESCRIPTOR_PATH) || p.toString().endsWith("/" + DESCRIPTOR_PATH))
          .filter(p -> home.relativize(p).toString().split("/").length >= 4)
          .filter(
              p ->
                  !home.relativize(p)
                      .toString()
                      .matches("(.*/)?(target|\\.squadron|\\.git|node_modules)/.*"))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search " + home + " for service descriptors", e);
    }
  }

  private static List<ServiceModule> inCallOrder(Map<String, ServiceModule> byName) {
    List<ServiceModule> ordered = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    for (String name : new java.util.TreeSet<>(byName.keySet())) {
      visit(name, byName, done, new LinkedHashSet<>(), ordered);
    }
    return ordered;
  }

  private static void visit(
      String name,
      Map<String, ServiceModule> byName,
      Set<String> done,
      Set<String> path,
      List<ServiceModule> ordered) {
    if (done.contains(name)) {
      return;
    }
    if (!path.add(name)) {
      throw new InvalidConfigException(
          "service.calls", "calls form a cycle: " + String.join(" -> ", path) + " -> " + name);
    }
    ServiceModule module = byName.get(name);
    for (String callee : new java.util.TreeSet<>(module.descriptor().calls())) {
      if (!byName.containsKey(callee)) {
        throw new InvalidConfigException(
            module.moduleDir() + "/" + DESCRIPTOR_PATH + ": service.calls",
            "'" + callee + "' has no descriptor in this checkout");
      }
      visit(callee, byName, done, path, ordered);
    }
    path.remove(name);
    done.add(name);
    ordered.add(module);
  }

  /** Every service, each after the services it calls. */
  public List<ServiceModule> services() {
    return services;
  }

  /** The service named {@code name}. */
  public Optional<ServiceModule> find(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The service names, in call order. */
  public List<String> names() {
    return services.stream().map(ServiceModule::name).toList();
  }

  /** The store kinds any service needs. */
  public Set<String> storeKinds() {
    Set<String> kinds = new LinkedHashSet<>();
    services.forEach(s -> kinds.addAll(s.descriptor().stores()));
    return kinds;
  }
}
