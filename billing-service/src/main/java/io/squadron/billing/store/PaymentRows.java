package io.squadron.billing.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.PaymentState;
import io.squadron.proto.billing.v1.CaptureMethod;
import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.NextAction;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Map;

/** Payment rows to records and back. */
final class PaymentRows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

  static final String COLUMNS =
      "id, caller, reference, customer_id, amount, currency, country, method, "
          + "capture_method, state, outcome_unknown, provider, attempt, provider_ref, provider_data, authorized, captured, "
          + "refunded, disputed, capture_requested, failure_reason, failure_code, next_action, instrument_summary, "
          + "return_url, description, expires_at, created_at, updated_at, version";

  private PaymentRows() {}

  static PaymentRecord read(ResultSet rs) throws SQLException {
    PaymentRecord.Builder b =
        new PaymentRecord.Builder()
            .id(rs.getString("id"))
            .caller(rs.getString("caller"))
            .reference(rs.getString("reference"))
            .customerId(rs.getString("customer_id"))
            .amount(rs.getLong("amount"))
            .currency(rs.getString("currency"))
            .country(rs.getString("country"))
            .method(PaymentMethodType.valueOf(rs.getString("method")))
            .captureMethod(CaptureMethod.valueOf(rs.getString("capture_method")))
            .state(PaymentState.valueOf(rs.getString("state")))
            .outcomeUnknown(rs.getBoolean("outcome_unknown"))
            .provider(rs.getString("provider"))
            .attempt(rs.getInt("attempt"))
            .providerRef(rs.getString("provider_ref"))
            .providerData(json(rs.getString("provider_data")))
            .authorized(rs.getLong("authorized"))
            .captured(rs.getLong("captured"))
            .refunded(rs.getLong("refunded"))
            .disputed(rs.getLong("disputed"))
            .captureRequested(rs.getLong("capture_requested"))
            .failure(
                rs.getString("failure_reason") == null
                    ? null
                    : FailureReason.valueOf(rs.getString("failure_reason")),
                rs.getString("failure_code"))
            .nextAction(nextAction(rs.getBytes("next_action")))
            .instrumentSummary(rs.getString("instrument_summary"))
            .returnUrl(rs.getString("return_url"))
            .description(rs.getString("description"))
            .expiresAt(instant(rs.getTimestamp("expires_at")))
            .createdAt(instant(rs.getTimestamp("created_at")))
            .updatedAt(instant(rs.getTimestamp("updated_at")))
            .version(rs.getLong("version"));
    return b.build();
  }

  /**
   * Binds the mutable columns, from {@code state} on, starting at parameter {@code i}; returns the
   * next index.
   */
  static int bindMutable(PreparedStatement s, int i, PaymentRecord p) throws SQLException {
    s.setString(i++, p.state().name());
    s.setBoolean(i++, p.outcomeUnknown());
    s.setString(i++, p.provider());
    s.setInt(i++, p.attempt());
    s.setString(i++, p.providerRef().orElse(null));
    s.setString(i++, json(p.providerData()));
    s.setLong(i++, p.authorized());
    s.setLong(i++, p.captured());
    s.setLong(i++, p.refunded());
    s.setLong(i++, p.disputed());
    s.setLong(i++, p.captureRequested());
    s.setString(i++, p.failureReason().map(Enum::name).orElse(null));
    s.setString(i++, p.failureCode().orElse(null));
    if (p.nextAction().isPresent()) {
      s.setBytes(i++, p.nextAction().get().toByteArray());
    } else {
      s.setNull(i++, Types.BINARY);
    }
    s.setTimestamp(i++, timestamp(p.expiresAt().orElse(null)));
    s.setTimestamp(i++, timestamp(p.updatedAt()));
    s.setLong(i++, p.version());
    return i;
  }

  static Timestamp timestamp(Instant at) {
    return at == null ? null : Timestamp.from(at);
  }

  static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static NextAction nextAction(byte[] bytes) throws SQLException {
    if (bytes == null) {
      return null;
    }
    try {
      return NextAction.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("next_action is not a NextAction", "XX000", e);
    }
  }

  static String json(Map<String, String> data) {
    try {
      return JSON.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("provider data", e);
    }
  }

  private static Map<String, String> json(String text) throws SQLException {
    try {
      return JSON.readValue(text, MAP);
    } catch (JsonProcessingException e) {
      throw new SQLException("provider_data is not a JSON object of strings", "XX000", e);
    }
  }
}
