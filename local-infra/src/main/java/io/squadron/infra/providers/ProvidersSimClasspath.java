package io.squadron.infra.providers;

import io.squadron.infra.InfraStartException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The simulator's classpath: the {@code providers-sim} jar (or its classes directory when built in
 * this reactor) found through the resource {@value #RESOURCE}, which the build writes into that
 * jar, plus the resource's content, the absolute paths of the simulator's runtime dependencies in
 * the local Maven repository. local-infra depends on the jar with every transitive dependency
 * excluded, so nothing of the simulator lands on its users' classpaths.
 */
final class ProvidersSimClasspath {
  static final String RESOURCE = "io/squadron/providers/sim/providers-sim.classpath";

  private ProvidersSimClasspath() {}

  /** The classpath string, after checking every entry is still there. */
  static String load() {
    URL url = ProvidersSimClasspath.class.getClassLoader().getResource(RESOURCE);
    if (url == null) {
      throw new InfraStartException(
          "resource "
              + RESOURCE
              + " is missing: build the providers-sim module "
              + "(mvn -pl billing-service/providers-sim install)");
    }
    List<String> entries = new ArrayList<>();
    entries.add(root(url).toString());
    try (InputStream in = url.openStream()) {
      String deps = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!deps.isEmpty()) {
        entries.addAll(Arrays.asList(deps.split(File.pathSeparator)));
      }
    } catch (IOException e) {
      throw new InfraStartException("cannot read resource " + RESOURCE, e);
    }
    List<String> missing = entries.stream().filter(e -> !Files.exists(Path.of(e))).toList();
    if (!missing.isEmpty()) {
      throw new InfraStartException(
          missing.size()
              + " entries of the providers-sim classpath are missing "
              + "(first: "
              + missing.get(0)
              + "): rebuild it (mvn -pl billing-service/providers-sim install)");
    }
    return String.join(File.pathSeparator, entries);
  }

  /** The jar or classes directory that holds the resource. */
  private static Path root(URL url) {
    try {
      if ("jar".equals(url.getProtocol())) {
        return Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
      }
      Path resource = Path.of(url.toURI());
      Path root = resource;
      for (int i = 0; i < RESOURCE.split("/").length; i++) {
        root = root.getParent();
      }
      return root;
    } catch (IOException | URISyntaxException e) {
      throw new InfraStartException("cannot locate the providers-sim classes from " + url, e);
    }
  }
}
