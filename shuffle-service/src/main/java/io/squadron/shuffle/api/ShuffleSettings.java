package io.squadron.shuffle.api;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;

/**
 * The shuffle service's own settings ({@code squadron.shuffle}).
 *
 * @param maxTracks the most tracks one request may carry
 * @param maxIdLength the longest track, artist or album id accepted, in UTF-16 units
 */
public record ShuffleSettings(int maxTracks, int maxIdLength) {
  /** 100,000 tracks, 256-character ids. */
  public static final ShuffleSettings DEFAULT = new ShuffleSettings(100_000, 256);

  public ShuffleSettings {
    if (maxTracks < 1) {
      throw new IllegalArgumentException("maxTracks: " + maxTracks + " (expected: >= 1)");
    }
    if (maxIdLength < 1) {
      throw new IllegalArgumentException("maxIdLength: " + maxIdLength + " (expected: >= 1)");
    }
  }

  /** Reads {@code squadron.shuffle}. */
  public static ShuffleSettings from(Config root) {
    ConfigReader shuffle = ConfigReader.at(root, "squadron.shuffle");
    return new ShuffleSettings(
        shuffle.intInRange("max-tracks", 1, 10_000_000),
        shuffle.intInRange("max-id-length", 1, 65_536));
  }
}
