package io.squadron.userdb.api;

import com.typesafe.config.Config;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.GetUserByUsernameRequest;
import io.squadron.proto.userdb.v1.GetUserRequest;
import io.squadron.proto.userdb.v1.User;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import java.util.UUID;

/**
 * Shows a running userdb working (for {@code squadron up}): creates a demo user with a random name,
 * reads it back by id and by an upper-case form of its name, and prints the id. {@code java ...
 * UserdbDemo --config FILE}, where the file names the caller ({@code
 * squadron.security.service-name}, e.g. {@code deploy}) and {@code squadron.clients.userdb}. Exit
 * status 0 when everything matched.
 */
public final class UserdbDemo {
  private static final int MAX_CREATE_ATTEMPTS = 5;

  private UserdbDemo() {}

  public static void main(String[] args) {
    System.exit(run(ConfigLoader.fromArgs(args, System.getenv())) ? 0 : 1);
  }

  /** Runs the demo against the userdb named in {@code config}; true when everything matched. */
  public static boolean run(Config config) {
    try (ChannelFactory channels = Platform.clients(config, Platform.newMeterRegistry()).build()) {
      UserServiceGrpc.UserServiceBlockingStub userdb =
          UserServiceGrpc.newBlockingStub(channels.channel("userdb"));
      String name = "Demo" + UUID.randomUUID().toString().substring(0, 8);
      User created =
          create(
              userdb,
              CreateUserRequest.newBuilder()
                  .setUsername(name)
                  .setEmail("demo@example.com")
                  .setCountry("SE")
                  .setRequestId(UUID.randomUUID().toString())
                  .build());
      User byId =
          userdb.getUser(GetUserRequest.newBuilder().setId(created.getId()).build()).getUser();
      User byName =
          userdb
              .getUserByUsername(
                  GetUserByUsernameRequest.newBuilder()
                      .setUsername(name.toUpperCase(java.util.Locale.ROOT))
                      .build())
              .getUser();
      boolean ok =
          created.equals(byId)
              && created.equals(byName)
              && byId.getEmail().equals("demo@example.com");
      System.out.println(
          "userdb demo: created user "
              + created.getId()
              + " ("
              + created.getCanonicalUsername()
              + "), read back by id and by name: "
              + (ok ? "ok" : "MISMATCH"));
      return ok;
    }
  }

  /**
   * A platform that just started may answer the first create UNAVAILABLE (a cold dependency missed
   * the key client's deadline: retry later, the status says); the create is idempotent with its
   * request id, so it is retried a few times with a growing pause.
   */
  private static User create(
      UserServiceGrpc.UserServiceBlockingStub userdb, CreateUserRequest request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return userdb.createUser(request).getUser();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt == MAX_CREATE_ATTEMPTS) {
          throw e;
        }
        System.out.println(
            "userdb demo: create answered " + e.getStatus().getCode() + ", retrying");
        try {
          Thread.sleep(500L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
