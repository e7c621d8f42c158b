package io.squadron.infra.process;

import io.squadron.infra.InfraStartException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The classpath of a server that runs in a forked JVM (Cassandra, Kafka), written at build time by
 * its {@code <name>-runtime} module, where Maven resolves the server's artifacts, into a resource
 * of absolute paths of jars in the local Maven repository. Services never carry those jars; only
 * the forked server sees them.
 */
public final class RuntimeClasspath {
  private RuntimeClasspath() {}

  /**
   * The classpath in {@code resource}, after checking every jar is still there.
   *
   * @param server the server's name for messages, e.g. {@code Kafka}
   * @param module the module that writes the resource, e.g. {@code local-infra/kafka-runtime}
   * @throws InfraStartException naming the module to rebuild when the resource or a jar is missing
   */
  public static String load(String resource, String server, String module) {
    String classpath;
    try (InputStream in = RuntimeClasspath.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new InfraStartException(
            "resource "
                + resource
                + " is missing: build the "
                + module
                + " module (mvn -pl "
                + module
                + " install)");
      }
      classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new InfraStartException("cannot read resource " + resource, e);
    }
    List<String> missing =
        Arrays.stream(classpath.split(File.pathSeparator))
            .filter(jar -> !Files.isRegularFile(Path.of(jar)))
            .toList();
    if (!missing.isEmpty()) {
      throw new InfraStartException(
          missing.size()
              + " jars of the "
              + server
              + " classpath are missing (first: "
              + missing.get(0)
              + "): rebuild the "
              + module
              + " module so Maven resolves them again");
    }
    return classpath;
  }
}
