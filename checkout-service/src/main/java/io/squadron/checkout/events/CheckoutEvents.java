package io.squadron.checkout.events;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.events.EventTopics;
import io.squadron.events.EventsSchema;
import io.squadron.events.consumer.EventConsumer;
import io.squadron.proto.billing.events.v1.PaymentDisputed;
import io.squadron.proto.billing.events.v1.PaymentFailed;
import io.squadron.proto.billing.events.v1.PaymentRefunded;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.proto.userdb.events.v1.UserDeleted;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.store.kafka.KafkaSettings;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;

/**
 * Starts checkout's consumer (group {@code checkout}, after the Kafka store's prefix) of billing's
 * payment events and userdb's user events ({@code squadron.checkout.events}).
 */
public final class CheckoutEvents {
  /**
   * {@code squadron.checkout.events}.
   *
   * @param paymentsTopic billing's topic
   * @param usersTopic userdb's topic
   * @param partitions the partitions a topic gets if checkout starts before its producer created it
   *     (the producers' own count, so whichever creates it, it is the same)
   * @param concurrency consumer threads per instance
   */
  public record Settings(String paymentsTopic, String usersTopic, int partitions, int concurrency) {
    public Settings {
      requireNonNull(paymentsTopic, "paymentsTopic");
      requireNonNull(usersTopic, "usersTopic");
    }

    /** Reads {@code squadron.checkout.events}. */
    public static Settings from(Config config) {
      ConfigReader r = ConfigReader.at(config, "squadron.checkout.events");
      return new Settings(
          r.nonEmptyString("payments-topic"),
          r.nonEmptyString("users-topic"),
          r.intInRange("partitions", 1, 10_000),
          r.intInRange("concurrency", 1, 64));
    }
  }

  private CheckoutEvents() {}

  /**
   * Creates the events schema beside checkout's tables and the topics if missing, and starts the
   * consumer (the caller closes it at shutdown).
   */
  public static EventConsumer start(
      Settings settings,
      KafkaSettings kafka,
      String serviceName,
      DataSource dataSource,
      MeterRegistry registry,
      Clock clock) {
    EventsSchema.migrate(dataSource);
    String payments = kafka.name(settings.paymentsTopic());
    String users = kafka.name(settings.usersTopic());
    // The consumer needs its topics to exist; checkout may start before billing or userdb.
    try (Admin admin = EventTopics.admin(kafka.bootstrapServers(), Map.of())) {
      EventTopics.ensure(admin, payments, settings.partitions());
      EventTopics.ensure(admin, users, settings.partitions());
    }
    PaymentEventHandlers paymentHandlers = new PaymentEventHandlers(clock);
    UserDeletedHandler userHandler = new UserDeletedHandler();
    return EventConsumer.builder(kafka.name(serviceName), dataSource, kafka.bootstrapServers())
        .topic(payments)
        .topic(users)
        .on(PaymentSucceeded.class, paymentHandlers::succeeded)
        .on(PaymentFailed.class, paymentHandlers::failed)
        .on(PaymentRefunded.class, paymentHandlers::refunded)
        .on(PaymentDisputed.class, paymentHandlers::disputed)
        .on(UserDeleted.class, userHandler::deleted)
        .concurrency(settings.concurrency())
        .meterRegistry(registry)
        .build()
        .start();
  }
}
