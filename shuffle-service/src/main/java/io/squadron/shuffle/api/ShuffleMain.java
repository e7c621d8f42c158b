package io.squadron.shuffle.api;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.server.SquadronServer;
import java.security.SecureRandom;

/**
 * Starts the shuffle service: {@code java ... ShuffleMain [--config FILE]}. Configuration comes from the file, from
 * {@code CONFIG_FORCE_*} environment variables and from the defaults in {@code reference.conf}.
 */
public final class ShuffleMain {
  private ShuffleMain() {}

  public static void main(String[] args) throws Exception {
    Config config = ConfigLoader.fromArgs(args, System.getenv());
    SquadronServer server = start(config);
    server.registerShutdownHook();
    server.awaitTermination();
  }

  /** Builds and starts the service from a resolved config (also used by tests and the local platform). */
  public static SquadronServer start(Config config) {
    SecureRandom seeds = new SecureRandom();
    return Platform.server(config, Platform.newMeterRegistry())
        .service(new ShuffleGrpcService(ShuffleSettings.from(config), seeds::nextLong))
        .build()
        .start();
  }
}
