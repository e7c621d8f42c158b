package io.squadron.padlock.server.api;

import com.typesafe.config.Config;
import io.squadron.padlock.client.Field;
import io.squadron.padlock.client.FieldCipher;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockClientSettings;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import java.time.Duration;
import java.util.UUID;

/**
 * Shows Padlock working end to end, as the service named in {@code squadron.security.service-name}
 * (which must be allowed to create and delete keys, e.g. {@code userdb}): creates a demo user's
 * keys, encrypts and decrypts a field, shreds the user, and shows the same value can no longer be
 * read. Exits non-zero if any step misbehaves.
 *
 * <p>{@code java ... PadlockDemo [--config FILE]} with {@code squadron.clients.padlock.addresses}
 * set.
 */
public final class PadlockDemo {
  private static final Field EMAIL = Field.of("demo_users", "email", "account");

  private PadlockDemo() {}

  public static void main(String[] args) {
    Config config = ConfigLoader.fromArgs(args, System.getenv());
    String service = config.getString("squadron.security.service-name");
    try (ChannelFactory channels = Platform.clients(config, Platform.newMeterRegistry()).build()) {
      PadlockClient padlock =
          PadlockClient.builder(channels.channel("padlock"))
              .settings(PadlockClientSettings.from(config))
              .cacheTtl(Duration.ZERO)
              // The first call pays for a cold JVM and a TLS handshake; on a busy 2-core machine
              // that takes seconds.
              .deadline(Duration.ofSeconds(20))
              .build();
      FieldCipher cipher = FieldCipher.builder(padlock, service).build();
      String user = "demo-" + UUID.randomUUID();
      padlock.createUserKeys(user);
      byte[] stored = cipher.encryptString(EMAIL, user, "someone@example.com");
      System.out.printf(
          "padlock demo: created keys, encrypted a field into %d bytes, key version %d%n",
          stored.length, FieldCipher.keyVersionOf(stored));
      String back = cipher.decryptString(EMAIL, user, stored);
      if (!back.equals("someone@example.com")) {
        throw new IllegalStateException("decrypted value differs");
      }
      System.out.println("padlock demo: decrypted it again");
      padlock.deleteUserKeys(user);
      try {
        cipher.decrypt(EMAIL, user, stored);
        throw new IllegalStateException("a shredded user's data still decrypts");
      } catch (PadlockKeyException e) {
        System.out.println(
            "padlock demo: after DeleteUserKeys the value is unreadable (" + e.reason() + ")");
      }
    }
  }
}
