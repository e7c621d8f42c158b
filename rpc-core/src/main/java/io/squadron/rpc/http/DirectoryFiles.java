package io.squadron.rpc.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Static files from a directory; only regular files inside it (after resolving links) are served.
 */
final class DirectoryFiles implements StaticFiles {
  private final Path root;

  DirectoryFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    Path file = root.resolve(path).normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return Optional.of(Files.readAllBytes(file));
  }

  @Override
  public String toString() {
    return "static files in " + root;
  }
}
