package io.squadron.userdb.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import com.typesafe.config.ConfigFactory;
import io.squadron.testkit.CassandraExtension;
import io.squadron.userdb.store.PendingCreate;
import io.squadron.userdb.store.StoredUser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, medium finding "multi-datacenter" (userdb part): username claims, and every other
 * lightweight transaction of the Cassandra store, run at SERIAL, so a name is unique across
 * datacenters (LOCAL_SERIAL runs Paxos among one datacenter's replicas only: two datacenters could
 * each hand out the same name). Observed on a real node, as sent: a request tracker registered in
 * the store's own driver session records each statement with the serial consistency the driver sent
 * it at (its own, or the session default).
 *
 * <p>A behavioural test (two datacenters, one cut off: a claim must fail rather than succeed
 * locally) needs a two-datacenter cluster from local-infra; see the module README.
 */
class CassandraSerialConsistencyTest {
  private static final String TRACKER_KEY =
      "datastax-java-driver.advanced.request-tracker.classes.0";

  @RegisterExtension static final CassandraExtension CASSANDRA = CassandraExtension.perClass();

  private static CassandraUserStore store;

  /** One statement as the driver sent it. */
  record Sent(String cql, ConsistencyLevel serial) {}

  /**
   * Records what the session sends (registered through the driver's configuration, as any tracker
   * is).
   */
  public static final class RecordingTracker implements RequestTracker {
    static final List<Sent> SENT = new CopyOnWriteArrayList<>();

    public RecordingTracker(DriverContext context) {}

    @Override
    public void onSuccess(
        Request request,
        long latencyNanos,
        DriverExecutionProfile profile,
        Node node,
        String logPrefix) {
      if (request instanceof BoundStatement b) {
        ConsistencyLevel serial =
            b.getSerialConsistencyLevel() != null
                ? b.getSerialConsistencyLevel()
                : DefaultConsistencyLevel.valueOf(
                    profile.getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
        SENT.add(new Sent(b.getPreparedStatement().getQuery(), serial));
      }
    }

    @Override
    public void close() {}
  }

  @BeforeAll
  static void start() {
    // Only the session opened here gets the tracker: the property is gone again before any other
    // session starts.
    System.setProperty(TRACKER_KEY, RecordingTracker.class.getName());
    ConfigFactory.invalidateCaches();
    try {
      store =
          CassandraUserStore.start(
              CassandraUserStoreTest.settings(CASSANDRA), CassandraUserStoreTest::micros);
    } finally {
      System.clearProperty(TRACKER_KEY);
      ConfigFactory.invalidateCaches();
    }
  }

  @AfterAll
  static void stop() {
    if (store != null) {
      store.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void multiDatacenter_usernameClaimsAndEveryCompareAndSet_runAtSerial() throws Exception {
    RecordingTracker.SENT.clear();
    long now = System.currentTimeMillis() * 1000;
    StoredUser u =
        new StoredUser(
            UUID.randomUUID(),
            "Serial",
            "serial",
            "sk-serial",
            bytes("e"),
            "SE",
            Optional.empty(),
            1,
            now);
    store.reserve(new PendingCreate(u.id(), u.canonicalUsername(), u.usernameSkeleton(), now));
    store.create(u);
    store.update(u.withChanges(bytes("e2"), "NO", 2, now + 1));
    store.copy(u.withChanges(bytes("e3"), "DE", 3, now + 2));
    StoredUser orphan =
        new StoredUser(
            UUID.randomUUID(),
            "Orphan",
            "orphan",
            "sk-orphan",
            bytes("e"),
            "SE",
            Optional.empty(),
            1,
            now);
    PendingCreate pending =
        new PendingCreate(orphan.id(), "orphan", "sk-orphan", now - 3_600_000_000L);
    store.reserve(pending);
    store.abandon(pending);
    store.forget(orphan.id());
    store.delete(u.id());

    List<Sent> compareAndSets =
        RecordingTracker.SENT.stream().filter(s -> s.cql().contains(" IF ")).toList();
    assertThat(compareAndSets)
        .extracting(Sent::cql)
        .anyMatch(cql -> cql.contains(".usernames ") && cql.contains("IF NOT EXISTS"))
        .anyMatch(cql -> cql.contains(".username_skeletons ") && cql.contains("IF NOT EXISTS"))
        .anyMatch(cql -> cql.contains(".usernames ") && cql.startsWith("DELETE"))
        .anyMatch(cql -> cql.contains(".users ") && cql.contains("IF version = ?"));
    assertThat(compareAndSets)
        .allSatisfy(
            s -> assertThat(s.serial()).as(s.cql()).isEqualTo(DefaultConsistencyLevel.SERIAL));
  }
}
