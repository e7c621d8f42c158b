package io.squadron.events;

/**
 * Kafka record headers of event records: the relay adds the event's id and type (so tools can see
 * them without parsing the envelope); a consumer adds the {@code squadron.dlt.*} headers to what it
 * sends to a dead-letter topic. Values are UTF-8 strings.
 */
public final class EventHeaders {
  /** The event id. */
  public static final String EVENT_ID = "squadron.event.id";

  /** The event's full protobuf type name. */
  public static final String EVENT_TYPE = "squadron.event.type";

  /**
   * Why the record was dead-lettered: {@code MALFORMED}, {@code NON_RETRYABLE} or {@code
   * HANDLER_FAILED}.
   */
  public static final String DLT_REASON = "squadron.dlt.reason";

  /** The last error: exception class and message (at most 1000 characters). */
  public static final String DLT_ERROR = "squadron.dlt.error";

  /** The topic the record was read from. */
  public static final String DLT_ORIGINAL_TOPIC = "squadron.dlt.original.topic";

  /** Its partition there. */
  public static final String DLT_ORIGINAL_PARTITION = "squadron.dlt.original.partition";

  /** Its offset there. */
  public static final String DLT_ORIGINAL_OFFSET = "squadron.dlt.original.offset";

  /** The consumer group that gave up on it. */
  public static final String DLT_CONSUMER_GROUP = "squadron.dlt.consumer.group";

  /** How many times the handler was tried (0 for a malformed record). */
  public static final String DLT_ATTEMPTS = "squadron.dlt.attempts";

  /** When it was dead-lettered (ISO-8601). */
  public static final String DLT_FAILED_AT = "squadron.dlt.failed.at";

  private EventHeaders() {}
}
