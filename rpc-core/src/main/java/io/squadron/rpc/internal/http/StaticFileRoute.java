package io.squadron.rpc.internal.http;

import io.squadron.rpc.http.StaticFiles;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Answers {@code GET} and {@code HEAD} from {@link StaticFiles}: the content type from the
 * extension, an ETag (a content hash) with {@code 304 Not Modified} for {@code If-None-Match}, HTML
 * always revalidated ({@code Cache-Control: no-cache}, so a new release is seen at once) and other
 * files cached for the configured time. A path is checked before any lookup: no {@code .} or {@code
 * ..} segments, no empty segment, no encoded slash, backslash or NUL, no hidden (dot) names; a path
 * ending in {@code /} means its {@code index.html}. Nothing lists a directory.
 */
final class StaticFileRoute {
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("htm", "text/html; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("map", "application/json"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("wasm", "application/wasm"),
          Map.entry("webmanifest", "application/manifest+json"));

  /** What to answer. */
  sealed interface Answer permits File, NotModified, Missing, BadPath {}

  /** The file, with its headers' values. */
  record File(byte[] content, String contentType, String etag, String cacheControl)
      implements Answer {}

  /** The client's copy is current. */
  record NotModified(String etag, String cacheControl) implements Answer {}

  /** No such file. */
  record Missing() implements Answer {}

  /** The path is not one a file can have. */
  record BadPath(String problem) implements Answer {}

  private final StaticFiles files;
  private final String otherCacheControl;

  StaticFileRoute(StaticFiles files, Duration maxAge) {
    this.files = files;
    this.otherCacheControl = "public, max-age=" + maxAge.toSeconds();
  }

  /**
   * The answer for {@code rawPath} (as sent, still percent-encoded) with the request's {@code
   * If-None-Match}.
   */
  Answer answer(String rawPath, String ifNoneMatch) throws IOException {
    Optional<String> path = relativePath(rawPath);
    if (path.isEmpty()) {
      return new BadPath("not a valid file path");
    }
    String name = path.get();
    if (name.isEmpty() || name.endsWith("/")) {
      name = name + "index.html";
    }
    Optional<byte[]> content = files.read(name);
    if (content.isEmpty()) {
      return new Missing();
    }
    String type = contentType(name);
    String cacheControl = type.startsWith("text/html") ? "no-cache" : otherCacheControl;
    String etag = etag(content.get());
    if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      return new NotModified(etag, cacheControl);
    }
    return new File(content.get(), type, etag, cacheControl);
  }

  /** The decoded path below the root, or empty when it is not a safe one. */
  static Optional<String> relativePath(String rawPath) {
    if (!rawPath.startsWith("/")) {
      return Optional.empty();
    }
    String lower = rawPath.toLowerCase(Locale.ROOT);
    if (lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%00")
        || rawPath.indexOf('\\') >= 0) {
      return Optional.empty();
    }
    Optional<String> decoded = PathTemplate.decode(rawPath.substring(1), false);
    if (decoded.isEmpty()) {
      return Optional.empty();
    }
    String path = decoded.get();
    if (path.isEmpty()) {
      return Optional.of("");
    }
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if ((s.isEmpty() && !last)
          || s.startsWith(".")
          || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        return Optional.empty();
      }
    }
    return Optional.of(path);
  }

  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(extension, "application/octet-stream");
  }

  private static String etag(byte[] content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
      return "\""
          + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22)
          + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }
}
