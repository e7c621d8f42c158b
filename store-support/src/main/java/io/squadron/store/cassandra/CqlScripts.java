package io.squadron.store.cassandra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds the versioned CQL files of one class path location, in directories and in jars (every class
 * path entry that has the location contributes).
 */
final class CqlScripts {
  private CqlScripts() {}

  /**
   * The scripts under {@code location} (e.g. {@code cql/padlock}), in version order.
   *
   * @throws IllegalArgumentException when the location is missing or empty, a {@code .cql} file is
   *     misnamed, or two files have one version
   */
  static List<CqlScript> load(ClassLoader loader, String location) {
    String dir =
        location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
    dir = dir.replaceAll("^/+|/+$", "");
    TreeMap<Integer, CqlScript> byVersion = new TreeMap<>();
    try {
      Enumeration<URL> urls = loader.getResources(dir);
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        for (Map.Entry<String, String> file : read(url, dir).entrySet()) {
          CqlScript script = CqlScript.parse(file.getKey(), file.getValue());
          CqlScript other = byVersion.put(script.version(), script);
          if (other != null && !other.fileName().equals(script.fileName())) {
            throw new IllegalArgumentException(
                "classpath:"
                    + dir
                    + ": "
                    + other.fileName()
                    + " and "
                    + script.fileName()
                    + " have the same version "
                    + script.version());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list classpath:" + dir, e);
    }
    if (byVersion.isEmpty()) {
      throw new IllegalArgumentException(
          "classpath:"
              + dir
              + ": no V<n>__<description>.cql file (is the location"
              + " right, and are the files in src/main/resources/"
              + dir
              + "?)");
    }
    return List.copyOf(byVersion.values());
  }

  /** The {@code .cql} files directly under {@code dir} at {@code url}: name to text. */
  private static Map<String, String> read(URL url, String dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    switch (url.getProtocol()) {
      case "file" -> {
        Path path;
        try {
          path = Path.of(url.toURI());
        } catch (URISyntaxException e) {
          throw new IOException("bad class path URL " + url, e);
        }
        try (Stream<Path> list = Files.list(path)) {
          for (Path file : (Iterable<Path>) list::iterator) {
            String name = file.getFileName().toString();
            if (name.endsWith(".cql") && Files.isRegularFile(file)) {
              files.put(name, Files.readString(file, StandardCharsets.UTF_8));
            }
          }
        }
      }
      case "jar" -> {
        JarURLConnection connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
          String prefix = dir + "/";
          for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (name.startsWith(prefix)
                && name.endsWith(".cql")
                && name.indexOf('/', prefix.length()) < 0) {
              try (InputStream in = jar.getInputStream(entry)) {
                files.put(
                    name.substring(prefix.length()),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
              }
            }
          }
        }
      }
      default -> throw new IOException("cannot list " + url + " (expected: a directory or a jar)");
    }
    return files;
  }
}
