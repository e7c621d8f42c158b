package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import io.squadron.proto.shuffle.v1.ShuffleMode;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.client.ChannelFactory;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The calls {@code squadron up} makes to show each service working: a real call through rpc-core's client, its
 * result, and the service's own metrics counting it.
 */
public final class DemoCalls {
  private final ChannelFactory channels;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public DemoCalls(ChannelFactory channels, PrintStream out) {
    this.channels = requireNonNull(channels, "channels");
    this.out = requireNonNull(out, "out");
  }

  /** Calls every running service that has a demo; returns false when one failed. */
  public boolean run(Map<String, RunningService> services) {
    boolean ok = true;
    for (RunningService service : services.values()) {
      try {
        switch (service.spec().name()) {
          case "shuffle" -> shuffle(service);
          default -> out.println("  (no demo call for " + service.spec().name() + ")");
        }
      } catch (RuntimeException e) {
        ok = false;
        out.println("  demo call to " + service.spec().name() + " FAILED: " + e);
      }
    }
    return ok;
  }

  private void shuffle(RunningService service) {
    ShuffleRequest.Builder request = ShuffleRequest.newBuilder().setMode(ShuffleMode.SHUFFLE_MODE_BALANCED).setSeed(2026);
    String[][] playlist = {
        {"Blinding Lights", "The Weeknd"}, {"Save Your Tears", "The Weeknd"}, {"Starboy", "The Weeknd"},
        {"After Hours", "The Weeknd"}, {"Levitating", "Dua Lipa"}, {"Physical", "Dua Lipa"},
        {"Don't Start Now", "Dua Lipa"}, {"Bad Guy", "Billie Eilish"}, {"Ocean Eyes", "Billie Eilish"},
        {"Heat Waves", "Glass Animals"}};
    for (String[] t : playlist) {
      request.addTracks(Track.newBuilder().setTrackId(t[0]).setArtistId(t[1]));
    }
    ShuffleResponse response = ShuffleServiceGrpc.newBlockingStub(channels.channel("shuffle"))
        .shuffle(request.build());
    out.println("  shuffle.Shuffle(10 tracks, BALANCED, seed 2026) ->");
    for (Track t : response.getTracksList()) {
      out.println("      " + t.getArtistId() + " - " + t.getTrackId());
    }
    out.println("  metrics at " + service.metricsUrl() + " count it:");
    out.println("      " + countLine(service, "Shuffle"));
  }

  private String countLine(RunningService service, String method) {
    try {
      String body = http.send(HttpRequest.newBuilder(URI.create(service.metricsUrl())).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return body.lines()
          .filter(l -> l.startsWith("squadron_rpc_server_duration_seconds_count") && l.contains("method=\"" + method + "\""))
          .collect(Collectors.joining("\n      "));
    } catch (Exception e) {
      return "(metrics not readable: " + e.getMessage() + ")";
    }
  }
}
