package io.squadron.deploy.catalog;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.descriptor.ServiceDescriptor;

/**
 * A service module of this checkout: its descriptor and where the module is.
 *
 * @param descriptor what the service declares in its {@code squadron-service.conf}
 * @param moduleDir the module's directory, relative to the checkout (e.g. {@code
 *     padlock-keyservice/server})
 */
public record ServiceModule(ServiceDescriptor descriptor, String moduleDir) {
  public ServiceModule {
    requireNonNull(descriptor, "descriptor");
    requireNonNull(moduleDir, "moduleDir");
  }

  /** The service's name. */
  public String name() {
    return descriptor.name();
  }
}
