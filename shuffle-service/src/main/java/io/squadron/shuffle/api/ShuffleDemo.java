package io.squadron.shuffle.api;

import com.typesafe.config.Config;
import io.squadron.proto.shuffle.v1.ShuffleMode;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import java.util.HashSet;
import java.util.Set;

/**
 * Shows shuffle working: shuffles a ten-track playlist of four artists with the balanced mode and
 * prints it, as the caller named in {@code squadron.security.service-name}. Exits non-zero if the
 * answer is not a permutation.
 *
 * <p>{@code java ... ShuffleDemo [--config FILE]} with {@code squadron.clients.shuffle.addresses}
 * set.
 */
public final class ShuffleDemo {
  private static final String[][] PLAYLIST = {
    {"Blinding Lights", "The Weeknd"}, {"Save Your Tears", "The Weeknd"}, {"Starboy", "The Weeknd"},
    {"After Hours", "The Weeknd"}, {"Levitating", "Dua Lipa"}, {"Physical", "Dua Lipa"},
    {"Don't Start Now", "Dua Lipa"}, {"Bad Guy", "Billie Eilish"}, {"Ocean Eyes", "Billie Eilish"},
    {"Heat Waves", "Glass Animals"}
  };

  private ShuffleDemo() {}

  public static void main(String[] args) {
    Config config = ConfigLoader.fromArgs(args, System.getenv());
    try (ChannelFactory channels = Platform.clients(config, Platform.newMeterRegistry()).build()) {
      ShuffleRequest.Builder request =
          ShuffleRequest.newBuilder().setMode(ShuffleMode.SHUFFLE_MODE_BALANCED).setSeed(2026);
      Set<String> sent = new HashSet<>();
      for (String[] t : PLAYLIST) {
        request.addTracks(Track.newBuilder().setTrackId(t[0]).setArtistId(t[1]));
        sent.add(t[0]);
      }
      ShuffleResponse response =
          ShuffleServiceGrpc.newBlockingStub(channels.channel("shuffle")).shuffle(request.build());
      System.out.println("Shuffle(10 tracks, BALANCED, seed 2026) ->");
      Set<String> received = new HashSet<>();
      for (Track t : response.getTracksList()) {
        System.out.println("  " + t.getArtistId() + " - " + t.getTrackId());
        received.add(t.getTrackId());
      }
      if (!received.equals(sent) || response.getTracksCount() != PLAYLIST.length) {
        throw new IllegalStateException("the answer is not a permutation of the playlist");
      }
    }
  }
}
