package io.squadron.padlock.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.padlock.server.crypto.EntryAuthenticator;
import io.squadron.padlock.server.crypto.MasterKeyring;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The authenticated memcached value: round trips, and every way a writer without the master key can
 * tamper.
 */
class RootCodecTest {
  private static final long NOW = 1_800_000_000L;
  private final MasterKeyring ring =
      MasterKeyring.of(Map.of(1, filled(1), 2, filled(2)), 2, new SecureRandom());
  private final EntryAuthenticator auth = EntryAuthenticator.of(ring);
  private final StoredUser user =
      StoredUser.active("u", 1, new byte[] {1, 2, 3}, Set.of("listening", "payment"));

  private static byte[] filled(int b) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) b);
    return key;
  }

  @Test
  void live_roundTrip_keepsVersionRootAndBlockedList() {
    RootCodec.Decoded back =
        RootCodec.decode("u", RootCodec.live(user, NOW * 1000, NOW + 60, auth), auth, NOW);
    assertThat(back.rejection()).isNull();
    assertThat(back.kind()).isEqualTo(RootCodec.Kind.LIVE);
    assertThat(back.user().masterVersion()).isEqualTo(1);
    assertThat(back.user().wrappedRoot()).containsExactly(1, 2, 3);
    assertThat(back.user().blocked()).containsExactlyInAnyOrder("listening", "payment");
  }

  @Test
  void markers_roundTrip() {
    byte[] shredded = RootCodec.marker("u", RootCodec.Kind.SHREDDED, NOW * 1000, NOW + 60, auth);
    assertThat(RootCodec.decode("u", shredded, auth, NOW).user().shredded()).isTrue();
    byte[] changedValue = RootCodec.marker("u", RootCodec.Kind.CHANGED, NOW * 1000, NOW + 60, auth);
    RootCodec.Decoded changed = RootCodec.decode("u", changedValue, auth, NOW);
    assertThat(changed.kind()).isEqualTo(RootCodec.Kind.CHANGED);
    assertThat(changed.user()).isNull();
  }

  @Test
  void memcachedEntriesNotAuthenticated_anySingleBitFlipped_rejectedAsForgedOrMalformed() {
    byte[] value = RootCodec.live(user, NOW * 1000, NOW + 60, auth);
    for (int i = 0; i < value.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = value.clone();
        tampered[i] ^= (byte) (1 << bit);
        RootCodec.Decoded decoded = RootCodec.decode("u", tampered, auth, NOW);
        assertThat(decoded.user()).as("byte %d bit %d", i, bit).isNull();
        assertThat(decoded.rejection()).as("byte %d bit %d", i, bit).isNotNull();
      }
    }
  }

  @Test
  void memcachedEntriesNotAuthenticated_liftedBlockOrLiveFromShredded_forged() {
    // A writer without the master key re-encodes the user with an empty block list, keeping the old
    // tag.
    byte[] real = RootCodec.live(user, NOW * 1000, NOW + 60, auth);
    EntryAuthenticator attacker =
        EntryAuthenticator.of(MasterKeyring.of(Map.of(2, filled(9)), 2, new SecureRandom()));
    byte[] lifted =
        RootCodec.live(
            StoredUser.active("u", 1, new byte[] {1, 2, 3}, Set.of()),
            NOW * 1000,
            NOW + 60,
            attacker);
    assertThat(RootCodec.decode("u", lifted, auth, NOW).rejection())
        .isEqualTo(RootCodec.Rejection.FORGED);
    byte[] spliced = Arrays.copyOf(lifted, lifted.length);
    System.arraycopy(
        real,
        real.length - EntryAuthenticator.TAG_LENGTH,
        spliced,
        spliced.length - EntryAuthenticator.TAG_LENGTH,
        EntryAuthenticator.TAG_LENGTH);
    assertThat(RootCodec.decode("u", spliced, auth, NOW).rejection())
        .isEqualTo(RootCodec.Rejection.FORGED);
    // Another user's valid entry moved under this user's key.
    byte[] other =
        RootCodec.live(
            StoredUser.active("v", 1, new byte[] {1, 2, 3}, Set.of()), NOW * 1000, NOW + 60, auth);
    assertThat(RootCodec.decode("u", other, auth, NOW).rejection())
        .isEqualTo(RootCodec.Rejection.FORGED);
  }

  @Test
  void memcachedEntriesNotAuthenticated_pastItsExpiry_orOldFormat_orUnknownKey_rejected() {
    assertThat(
            RootCodec.decode("u", RootCodec.live(user, NOW * 1000, NOW, auth), auth, NOW)
                .rejection())
        .isEqualTo(RootCodec.Rejection.EXPIRED);
    byte[] formatOne = {1, 0, 0, 0, 1, 0, 3, 1, 2, 3, 0};
    assertThat(RootCodec.decode("u", formatOne, auth, NOW).rejection())
        .isEqualTo(RootCodec.Rejection.FORMAT);
    assertThat(RootCodec.decode("u", "not bytes", auth, NOW).rejection())
        .isEqualTo(RootCodec.Rejection.FORMAT);
    assertThat(
            RootCodec.decode(
                    "u",
                    Arrays.copyOf(RootCodec.live(user, NOW * 1000, NOW + 60, auth), 9),
                    auth,
                    NOW)
                .rejection())
        .isEqualTo(RootCodec.Rejection.FORMAT);
    EntryAuthenticator onlyOne =
        EntryAuthenticator.of(MasterKeyring.of(Map.of(1, filled(1)), 1, new SecureRandom()));
    assertThat(
            RootCodec.decode("u", RootCodec.live(user, NOW * 1000, NOW + 60, auth), onlyOne, NOW)
                .rejection())
        .isEqualTo(RootCodec.Rejection.UNKNOWN_KEY);
  }
}
