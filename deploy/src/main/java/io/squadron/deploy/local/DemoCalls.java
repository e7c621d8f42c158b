package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import io.squadron.proto.shuffle.v1.ShuffleMode;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.client.ChannelFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The calls {@code squadron up} makes to show each service working: a real call through rpc-core's client (or the
 * service module's own demo program), its result, and the service's own metrics counting it.
 */
public final class DemoCalls {
  private static final Duration DEMO_TIMEOUT = Duration.ofSeconds(90);

  private final Workspace workspace;
  private final ChannelFactory channels;
  private final ServiceConfigs configs;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  DemoCalls(Workspace workspace, ChannelFactory channels, ServiceConfigs configs, PrintStream out) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.channels = requireNonNull(channels, "channels");
    this.configs = requireNonNull(configs, "configs");
    this.out = requireNonNull(out, "out");
  }

  /** Calls every running service; returns false when one failed. */
  public boolean run(Map<String, RunningService> services) {
    boolean ok = true;
    for (RunningService service : services.values()) {
      out.println("  " + service.spec().name() + ":");
      try {
        if (service.spec().demo().isPresent()) {
          ok &= runProgram(service, service.spec().demo().get());
        } else if (service.spec().name().equals("shuffle")) {
          shuffle();
        } else {
          out.println("      (no demo)");
          continue;
        }
      } catch (RuntimeException e) {
        ok = false;
        out.println("      demo FAILED: " + e);
      }
      out.println("      counted at " + service.metricsUrl() + ":");
      out.println("      " + countLines(service));
    }
    return ok;
  }

  private void shuffle() {
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
    out.println("      Shuffle(10 tracks, BALANCED, seed 2026) ->");
    for (Track t : response.getTracksList()) {
      out.println("        " + t.getArtistId() + " - " + t.getTrackId());
    }
  }

  private boolean runProgram(RunningService service, ServiceSpec.DemoProgram demo) {
    Path config = ModuleClasspath.writeConfig(workspace.configFile("demo-" + service.spec().name()),
        configs.forDemo(service.spec().name()));
    try {
      Process process = new ProcessBuilder(
          ModuleClasspath.javaCommand(workspace, demo.moduleDir(), demo.mainClass(), config, "128m"))
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          // Demo programs print their results on stdout; their log lines carry a level.
          if (!line.matches(".*\\b(INFO|DEBUG|WARN)\\b.*") && !line.startsWith("SLF4J")) {
            out.println("      " + line);
          }
        }
      }
      if (!process.waitFor(DEMO_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        out.println("      demo did not finish in " + DEMO_TIMEOUT.toSeconds() + " s");
        return false;
      }
      if (process.exitValue() != 0) {
        out.println("      demo FAILED (exit " + process.exitValue() + ")");
        return false;
      }
      return true;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String countLines(RunningService service) {
    try {
      String body = http.send(HttpRequest.newBuilder(URI.create(service.metricsUrl())).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return body.lines()
          .filter(l -> l.startsWith("squadron_rpc_server_duration_seconds_count")
              && l.contains("caller=\"" + ServiceCatalog.OPERATOR_IDENTITY + "\""))
          .collect(Collectors.joining("\n      "));
    } catch (IOException e) {
      return "(metrics not readable: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }
}
