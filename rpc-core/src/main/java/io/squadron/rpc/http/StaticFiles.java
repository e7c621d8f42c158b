package io.squadron.rpc.http;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.descriptor.ServiceDescriptors;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The files a service serves over its HTTP listener, under {@code /}: typically its web client.
 * Requests for {@code GET} or {@code HEAD} that no {@code google.api.http} binding takes are looked
 * up here; a path ending in {@code /} serves that directory's {@code index.html}; directories are
 * never listed, names starting with a dot are never served, and a path that tries to leave the root
 * ({@code ..}, an encoded slash or backslash) is refused.
 *
 * <pre>{@code
 * service.server().staticFiles(StaticFiles.fromModuleOf(CheckoutMain.class, "web"));
 * }</pre>
 *
 * <p>(A service normally says {@code http-json { static-resources = "web" }} in its descriptor
 * instead.)
 */
public interface StaticFiles {
  /**
   * The contents of the file at {@code path}, or empty when there is none (or it is a directory).
   *
   * @param path a relative path of non-empty segments without {@code .} or {@code ..} segments,
   *     already percent-decoded, e.g. {@code assets/app.js}
   * @throws IOException when the file exists but cannot be read
   */
  Optional<byte[]> read(String path) throws IOException;

  /** The files under directory {@code root} of the file system (development: edit and reload). */
  static StaticFiles fromDirectory(Path root) {
    return new DirectoryFiles(requireNonNull(root, "root"));
  }

  /** The resources under {@code root}, a directory or jar URL ending in {@code /}. */
  static StaticFiles fromResources(URL root) {
    return new ResourceFiles(requireNonNull(root, "root"));
  }

  /**
   * The resources under {@code directory} in the class-path root of {@code mainClass} (its module's
   * {@code target/classes} or jar, where its descriptor is), so another service's files on the same
   * class path never answer for it.
   */
  static StaticFiles fromModuleOf(Class<?> mainClass, String directory) {
    requireNonNull(mainClass, "mainClass");
    requireNonNull(directory, "directory");
    String dir = directory.endsWith("/") ? directory : directory + "/";
    if (dir.startsWith("/") || dir.contains("..")) {
      throw new IllegalArgumentException(
          "directory: '"
              + directory
              + "' (expected: a relative path inside the "
              + "module's resources, e.g. web)");
    }
    try {
      return fromResources(new URL(ServiceDescriptors.classPathRoot(mainClass), dir));
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException("directory: '" + directory + "' is not a valid path", e);
    }
  }
}
