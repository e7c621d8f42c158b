package io.squadron.padlock.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.infra.cassandra.CassandraServer;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.DeleteUserKeysRequest;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.Await;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Padlock on a real two-node Cassandra cluster, one node in each of two datacenters (a replica in
 * each, hinted handoff off), with Padlock instances in both: a node that is down during a shred
 * must not come back with the live row and serve it (through any instance, memory or memcached),
 * nor let its datacenter create the user again. The one cluster test of the module (a cluster takes
 * minutes to start on a small machine).
 */
class PadlockClusterEdgeTest {
  @RegisterExtension
  static final CassandraExtension CLUSTER = CassandraExtension.ownCluster("dc1", "dc2");

  @RegisterExtension
  static final ServiceExtension PADLOCK =
      ServiceExtension.forService("padlock")
          .cassandra(CLUSTER)
          // Two JVMs of Cassandra share two cores with this one: statements are slow, not failed.
          .config("squadron.stores { cassandra.request-timeout = 10s, memcached.op-timeout = 1s }")
          .clientDeadline(Duration.ofSeconds(90));

  private static DerivedKeyResult derive(
      PadlockServiceGrpc.PadlockServiceBlockingStub stub, String user) {
    return stub.getDerivedKeys(
            GetDerivedKeysRequest.newBuilder()
                .addItems(DerivedKeyItem.newBuilder().setUserId(user).setCategory("account"))
                .build())
        .getResults(0);
  }

  private static boolean deleted(DerivedKeyResult result) {
    return result.getKey().isEmpty()
        && result.getStatus().getCode() == Status.Code.NOT_FOUND.value()
        && result.getStatus().getMessage().contains("deleted");
  }

  /**
   * The row as one replica alone holds it (a session whose only coordinator is that node, reading
   * at ONE).
   */
  private static Row rowOn(CassandraServer node, String user) {
    try (CqlSession session =
        node.sessionBuilder()
            .withNodeFilter(n -> n.getEndPoint().resolve().equals(node.address()))
            .build()) {
      return session
          .execute(
              SimpleStatement.newInstance(
                      "SELECT shredded FROM " + CLUSTER.keyspace() + ".user_keys WHERE user_id = ?",
                      user)
                  .setConsistencyLevel(ConsistencyLevel.ONE))
          .one();
    }
  }

  /**
   * An instance in dc2: its own Cassandra datacenter and its own memcached (only Cassandra connects
   * datacenters).
   */
  private static SquadronServer startInDc2(String config) {
    return PADLOCK.startInstance(
        "squadron.stores.cassandra.endpoint = \""
            + CLUSTER.cluster().endpoint("dc2")
            + "\"\nsquadron.stores.memcached.key-prefix = \""
            + PADLOCK.memcached().prefix()
            + "dc2:\"\n"
            + config);
  }

  @Test
  void
      localOneReadAndLocalSerialShredMarkers_nodeDownDuringShred_noPathServesTheKeysNorCreatesThemAgain() {
    PadlockServiceGrpc.PadlockServiceBlockingStub inDc1 =
        PADLOCK.stub("userdb", PadlockServiceGrpc::newBlockingStub);
    String user = "user-" + UUID.randomUUID();
    try (SquadronServer dc2 = startInDc2("")) {
      PadlockServiceGrpc.PadlockServiceBlockingStub inDc2 =
          PADLOCK.stub("userdb", dc2, PadlockServiceGrpc::newBlockingStub);
      inDc1.createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build());
      // In both instances' memory and both memcached prefixes now.
      assertThat(derive(inDc1, user).hasStatus()).isFalse();
      assertThat(
              Await.value(
                      Duration.ofSeconds(60),
                      "the user readable in dc2",
                      () -> java.util.Optional.of(derive(inDc2, user)).filter(r -> !r.hasStatus()))
                  .hasStatus())
          .isFalse();

      // dc2's node is down while dc1 shreds. Before the fix dc1 acknowledged the shred alone
      // (LOCAL_SERIAL,
      // LOCAL_QUORUM) and dc2's node came back with the live row; now the shred is refused until
      // both have it.
      CassandraServer lagging = CLUSTER.cluster().node(1);
      DeleteUserKeysRequest shred = DeleteUserKeysRequest.newBuilder().setUserId(user).build();
      lagging.stop();
      boolean acknowledged;
      try {
        inDc1.deleteUserKeys(shred);
        acknowledged = true;
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        acknowledged = false;
      }
      lagging.restart();
      CLUSTER.cluster().awaitAllUp(Duration.ofMinutes(3));
      if (!acknowledged) {
        assertThat(rowOn(lagging, user).getBoolean("shredded"))
            .as("the node that was down")
            .isFalse();
        inDc1.deleteUserKeys(shred); // the caller calls again (it is idempotent) once both answer
      }

      // Every path: the shredding instance, dc2's instance that had the user in memory (it reads
      // the change log
      // about every second), and fresh dc2 instances without memory (dc2's memcached, then dc2's
      // node).
      List<String> leaks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        if (!deleted(derive(inDc1, user))) {
          leaks.add("dc1 instance, lookup " + i);
        }
      }
      Await.until(
          Duration.ofSeconds(30),
          "dc2's instance forgets the shredded user",
          () -> deleted(derive(inDc2, user)));
      try (SquadronServer noMemory = startInDc2("squadron.padlock.cache.max-users = 0")) {
        PadlockServiceGrpc.PadlockServiceBlockingStub fresh =
            PADLOCK.stub("userdb", noMemory, PadlockServiceGrpc::newBlockingStub);
        for (int i = 0; i < 20; i++) {
          if (!deleted(derive(inDc2, user))) {
            leaks.add("dc2 instance with memory, lookup " + i);
          }
          if (!deleted(derive(fresh, user))) {
            leaks.add("dc2 instance without memory, lookup " + i);
          }
        }
      }
      assertThat(leaks).as("lookups that did not answer KEYS_DELETED").isEmpty();

      try {
        inDc2.createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build());
        throw new AssertionError("a shredded user's keys were created again in dc2");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("never re-created");
      }
    }
  }
}
