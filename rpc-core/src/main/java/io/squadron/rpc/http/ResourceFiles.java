package io.squadron.rpc.http;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarEntry;

/**
 * Static files from class-path resources under a directory or jar URL. A {@code file:} URL serves
 * regular files only (the JDK would list a directory); a {@code jar:} URL serves entries that are
 * not directories.
 */
final class ResourceFiles implements StaticFiles {
  private final URL root;

  ResourceFiles(URL root) {
    if (!root.toString().endsWith("/")) {
      throw new IllegalArgumentException("root: " + root + " (expected: a URL ending in '/')");
    }
    this.root = root;
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    URL url = new URL(root, path);
    if (!url.toString().startsWith(root.toString())) {
      return Optional.empty();
    }
    if ("file".equals(url.getProtocol())) {
      try {
        Path file = Path.of(url.toURI());
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
      } catch (URISyntaxException | NoSuchFileException e) {
        return Optional.empty();
      }
    }
    URLConnection connection = url.openConnection();
    try {
      if (connection instanceof JarURLConnection jar) {
        JarEntry entry = jar.getJarEntry();
        if (entry == null || entry.isDirectory()) {
          return Optional.empty();
        }
      }
      try (InputStream in = connection.getInputStream()) {
        return Optional.of(in.readAllBytes());
      }
    } catch (FileNotFoundException | NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "static files under " + root;
  }
}
