package io.squadron.shuffle.domain;

import java.util.ArrayList;
import java.util.List;

/** Hand-built playlists for the tests. */
final class Playlists {

  private Playlists() {}

  /**
   * Returns a playlist with {@code counts[a]} tracks by artist {@code "artist-a"}, artist by artist
   * (the worst possible order), track ids unique.
   */
  static List<Track> byArtist(int... counts) {
    List<Track> tracks = new ArrayList<>();
    for (int a = 0; a < counts.length; a++) {
      for (int i = 0; i < counts[a]; i++) {
        tracks.add(Track.of("t-" + a + "-" + i, "artist-" + a));
      }
    }
    return tracks;
  }

  /**
   * Returns one artist's playlist: {@code albums} albums of {@code perAlbum} tracks, album by
   * album.
   */
  static List<Track> oneArtistWithAlbums(int albums, int perAlbum) {
    List<Track> tracks = new ArrayList<>();
    for (int b = 0; b < albums; b++) {
      for (int i = 0; i < perAlbum; i++) {
        tracks.add(Track.of("t-" + b + "-" + i, "the-artist", "album-" + b));
      }
    }
    return tracks;
  }

  /** Returns 100 tracks: 40 by one dominant artist, 60 by 20 artists with 3 tracks each. */
  static List<Track> dominantArtist() {
    int[] counts = new int[21];
    counts[0] = 40;
    for (int a = 1; a < counts.length; a++) {
      counts[a] = 3;
    }
    return byArtist(counts);
  }
}
