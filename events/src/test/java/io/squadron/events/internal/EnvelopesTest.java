package io.squadron.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.squadron.proto.events.v1.EventEnvelope;
import io.squadron.proto.userdb.events.v1.UserDeleted;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EnvelopesTest {
  private static final UUID ID = UUID.fromString("6f1c2d3e-4a5b-4c6d-8e7f-901234567890");

  private static EventEnvelope valid() {
    return Envelopes.wrap(
        ID,
        "userdb",
        "user-1",
        Instant.parse("2026-11-30T10:15:30.123456789Z"),
        UserDeleted.newBuilder().setUserId("user-1").build(),
        "req-9");
  }

  @Test
  void wrapThenParse_roundTrips_everyField() throws Exception {
    EventEnvelope parsed = Envelopes.parse(valid().toByteArray());
    assertThat(parsed.getEventId()).isEqualTo(ID.toString());
    assertThat(parsed.getType()).isEqualTo("squadron.userdb.events.v1.UserDeleted");
    assertThat(parsed.getKey()).isEqualTo("user-1");
    assertThat(parsed.getProducer()).isEqualTo("userdb");
    assertThat(parsed.getCorrelationId()).isEqualTo("req-9");
    assertThat(parsed.getSchemaVersion()).isEqualTo(Envelopes.SCHEMA_VERSION);
    assertThat(Envelopes.occurredAt(parsed))
        .isEqualTo(Instant.parse("2026-11-30T10:15:30.123456789Z"));
    assertThat(parsed.getPayload().unpack(UserDeleted.class).getUserId()).isEqualTo("user-1");
  }

  @Test
  void parse_rejectsWhatIsNoEvent_sayingWhy() {
    assertThatThrownBy(() -> Envelopes.parse(null)).hasMessageContaining("no value");
    assertThatThrownBy(() -> Envelopes.parse(new byte[] {(byte) 0xff, 0x01}))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("not a squadron.events.v1.EventEnvelope");
    assertThatThrownBy(
            () -> Envelopes.parse(valid().toBuilder().setSchemaVersion(0).build().toByteArray()))
        .hasMessageContaining("schema_version 0");
    assertThatThrownBy(
            () -> Envelopes.parse(valid().toBuilder().setEventId("42").build().toByteArray()))
        .hasMessageContaining("not a UUID");
    assertThatThrownBy(() -> Envelopes.parse(valid().toBuilder().setType("").build().toByteArray()))
        .hasMessageContaining("type is empty");
    assertThatThrownBy(
            () ->
                Envelopes.parse(
                    valid().toBuilder()
                        .setPayload(Any.pack(EventEnvelope.getDefaultInstance()))
                        .build()
                        .toByteArray()))
        .hasMessageContaining("does not match type");
  }

  @Test
  void parse_acceptsAnotherTypeUrlPrefix_asAnyDoes() throws Exception {
    EventEnvelope envelope = valid();
    EventEnvelope otherPrefix =
        envelope.toBuilder()
            .setPayload(
                envelope.getPayload().toBuilder()
                    .setTypeUrl("type.squadron.example/squadron.userdb.events.v1.UserDeleted"))
            .build();
    assertThat(
            Envelopes.parse(otherPrefix.toByteArray())
                .getPayload()
                .unpack(UserDeleted.class)
                .getUserId())
        .isEqualTo("user-1");
  }

  @Test
  void legalTopic_followsKafkasRule() {
    assertThat(Envelopes.legalTopic("billing.payments")).isTrue();
    assertThat(Envelopes.legalTopic("a_b-C.9")).isTrue();
    assertThat(Envelopes.legalTopic("x".repeat(249))).isTrue();
    assertThat(Envelopes.legalTopic("x".repeat(250))).isFalse();
    assertThat(Envelopes.legalTopic("")).isFalse();
    assertThat(Envelopes.legalTopic("..")).isFalse();
    assertThat(Envelopes.legalTopic("has space")).isFalse();
    assertThat(Envelopes.legalTopic(null)).isFalse();
  }
}
