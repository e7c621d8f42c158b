package io.squadron.shuffle.api;

import com.typesafe.config.Config;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.server.SquadronServer;
import java.security.SecureRandom;

/**
 * Starts the shuffle service: {@code java ... ShuffleMain [--config FILE]}. Configuration comes
 * from the file, from {@code CONFIG_FORCE_*} environment variables, from the service's descriptor
 * and {@code application.conf}, and from the defaults in {@code reference.conf}.
 */
public final class ShuffleMain {
  private ShuffleMain() {}

  public static void main(String[] args) {
    Platform.run(ShuffleMain.class, args, ShuffleMain::start);
  }

  /**
   * Builds and starts the service from a resolved config (also used by tests and the local
   * platform).
   */
  public static SquadronServer start(Config config) {
    return Platform.start(
        config,
        service -> {
          SecureRandom seeds = new SecureRandom();
          return service
              .server()
              .service(new ShuffleGrpcService(ShuffleSettings.from(config), seeds::nextLong));
        });
  }
}
