package io.squadron.rpc.descriptor;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.Optional;

/**
 * A {@link ServiceDescriptor} and where it was read from: the root of one service module's classes
 * (a directory or a jar), which also holds that service's own {@code application.conf}.
 *
 * @param descriptor the parsed descriptor
 * @param url the descriptor file's URL
 */
public record DescriptorSource(ServiceDescriptor descriptor, URL url) {
  public DescriptorSource {
    requireNonNull(descriptor, "descriptor");
    requireNonNull(url, "url");
  }

  /** Reads the descriptor at {@code url}. */
  public static DescriptorSource read(URL url) {
    return new DescriptorSource(ServiceDescriptor.load(url), url);
  }

  /**
   * The resource {@code name} next to the descriptor (in the same directory or jar), if it exists;
   * a service's own {@code application.conf} is read this way, so the defaults of another service
   * on the same class path (a test hosting two services) never mix in.
   */
  public Optional<URL> sibling(String name) {
    try {
      URL candidate = new URL(url, name);
      try (InputStream in = candidate.openStream()) {
        return Optional.of(candidate);
      } catch (IOException missing) {
        return Optional.empty();
      }
    } catch (MalformedURLException e) {
      return Optional.empty();
    }
  }
}
