package io.squadron.testkit.service;

import io.squadron.infra.certs.DevCerts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The mutual-TLS fixture of a test JVM: one development CA in a temporary directory and a
 * certificate for every identity a test uses (a service, and each caller it is called as), issued
 * on first use. The directory has the layout {@code squadron.security.cert-dir} expects, so a
 * service and its callers only need that key.
 */
public final class TestCertificates {
  private static TestCertificates shared;

  private final Path dir;
  private final Set<String> issued = new HashSet<>();

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** The test JVM's CA, created on first use; its directory is removed when the JVM exits. */
  public static synchronized TestCertificates shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("squadron-test-certs-");
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> deleteQuietly(dir), "test-certs-cleanup"));
        shared = new TestCertificates(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a directory for test certificates", e);
      }
    }
    return shared;
  }

  /**
   * The directory to set as {@code squadron.security.cert-dir}, holding certificates for {@code
   * identities}.
   */
  public synchronized Path dirFor(String... identities) {
    List<String> missing =
        java.util.Arrays.stream(identities).filter(i -> !issued.contains(i)).distinct().toList();
    if (!missing.isEmpty()) {
      try {
        DevCerts.generate(dir, missing);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot issue test certificates for " + missing, e);
      }
      issued.addAll(missing);
    }
    return dir;
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.list(dir)) {
      files.forEach(f -> f.toFile().delete());
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temporary directory; the OS cleans it eventually
    }
  }
}
