package io.squadron.deploy.release;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A release as {@code squadron release list} shows it.
 *
 * @param service the service
 * @param version the release's id
 * @param created when it was created
 * @param directory where it is
 * @param classPathEntries how many class path entries it snapshots
 * @param bytes the size of its copied class path
 * @param configOverlay the file its config overlay came from, empty when it has none
 */
public record ReleaseInfo(
    String service,
    String version,
    Instant created,
    Path directory,
    int classPathEntries,
    long bytes,
    String configOverlay) {
  public ReleaseInfo {
    requireNonNull(service, "service");
    requireNonNull(version, "version");
    requireNonNull(created, "created");
    requireNonNull(directory, "directory");
    requireNonNull(configOverlay, "configOverlay");
  }
}
