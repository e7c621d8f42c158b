package io.squadron.shuffle.domain;

import static java.util.Objects.requireNonNull;

/**
 * One entry of a playlist.
 *
 * @param trackId the track's id; need not be unique within a playlist (playlists may repeat a song)
 * @param artistId the artist's id; tracks with equal artist ids are kept apart by {@link
 *     BalancedShuffle}
 * @param albumId the album's id, or the empty string when unknown; within one artist, tracks with
 *     equal album ids are kept apart too. A {@code null} album id is stored as the empty string.
 */
public record Track(String trackId, String artistId, String albumId) {

  /** Checks that the ids are non-null and stores a {@code null} album id as {@code ""}. */
  public Track {
    requireNonNull(trackId, "trackId");
    requireNonNull(artistId, "artistId");
    albumId = albumId == null ? "" : albumId;
  }

  /**
   * Returns a track without album information.
   *
   * @param trackId the track's id
   * @param artistId the artist's id
   * @return a track whose album id is empty
   */
  public static Track of(String trackId, String artistId) {
    return new Track(trackId, artistId, "");
  }

  /**
   * Returns a track.
   *
   * @param trackId the track's id
   * @param artistId the artist's id
   * @param albumId the album's id, empty when unknown
   * @return the track
   */
  public static Track of(String trackId, String artistId, String albumId) {
    return new Track(trackId, artistId, albumId);
  }
}
