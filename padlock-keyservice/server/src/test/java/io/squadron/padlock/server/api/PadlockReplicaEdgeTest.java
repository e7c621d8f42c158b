package io.squadron.padlock.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.grpc.Status;
import io.squadron.infra.cassandra.CassandraServer;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.DeleteUserKeysRequest;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Padlock on a real three-node Cassandra cluster (replication factor 3, hinted handoff off): a replica that was down
 * during a shred comes back still holding the live row, and no lookup, through any instance or cache, may return
 * the user's keys. (Three nodes, not two: with two replicas the shred's lightweight transaction needs both, so a
 * replica cannot miss an acknowledged shred.)
 */
class PadlockReplicaEdgeTest {
  @RegisterExtension
  static final CassandraExtension CLUSTER = CassandraExtension.ownCluster(3);

  @RegisterExtension
  static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock")
      .cassandra(CLUSTER)
      // Three JVMs of Cassandra share two cores with this one: statements are slow, not failed.
      .config("squadron.stores.cassandra.request-timeout = 10s")
      .clientDeadline(Duration.ofSeconds(60));

  private static DerivedKeyResult derive(PadlockServiceGrpc.PadlockServiceBlockingStub stub, String user) {
    return stub.getDerivedKeys(GetDerivedKeysRequest.newBuilder()
        .addItems(DerivedKeyItem.newBuilder().setUserId(user).setCategory("account")).build()).getResults(0);
  }

  /** The row as one replica alone holds it (a session whose only coordinator is that node, reading at ONE). */
  private static Row rowOn(CassandraServer node, String user) {
    try (CqlSession session = node.sessionBuilder()
        .withNodeFilter(n -> n.getEndPoint().resolve().equals(node.address())).build()) {
      return session.execute(SimpleStatement.newInstance("SELECT shredded FROM " + CLUSTER.keyspace()
          + ".user_keys WHERE user_id = ?", user).setConsistencyLevel(ConsistencyLevel.ONE)).one();
    }
  }

  @Test
  void localOneRead_replicaThatMissedTheShred_neverBringsTheUserBack() {
    PadlockServiceGrpc.PadlockServiceBlockingStub userdb = PADLOCK.stub("userdb", PadlockServiceGrpc::newBlockingStub);
    String user = "user-" + UUID.randomUUID();
    userdb.createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build());
    assertThat(derive(userdb, user).hasStatus()).isFalse(); // in memory and memcached now

    CassandraServer lagging = CLUSTER.cluster().node(2);
    lagging.stop();
    userdb.deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build());
    lagging.restart();
    CLUSTER.cluster().awaitAllUp(Duration.ofMinutes(2));
    assertThat(rowOn(lagging, user).getBoolean("shredded")).as("the replica that was down missed the shred")
        .isFalse();
    assertThat(rowOn(CLUSTER.cluster().node(0), user).getBoolean("shredded")).isTrue();

    // Every path: the instance that shredded, instances with an empty memory (memcached, then Cassandra, from any
    // coordinator), and instances that keep what they read in memory.
    List<String> leaks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      DerivedKeyResult result = derive(userdb, user);
      if (!result.getKey().isEmpty() || result.getStatus().getCode() != Status.Code.NOT_FOUND.value()) {
        leaks.add("shredding instance, lookup " + i + ": " + result.getStatus().getMessage());
      }
    }
    try (SquadronServer noMemory = PADLOCK.startInstance("squadron.padlock.cache.max-users = 0");
        SquadronServer withMemory = PADLOCK.startInstance("")) {
      for (SquadronServer instance : List.of(noMemory, withMemory)) {
        PadlockServiceGrpc.PadlockServiceBlockingStub stub =
            PADLOCK.stub("userdb", instance, PadlockServiceGrpc::newBlockingStub);
        for (int i = 0; i < 40; i++) {
          DerivedKeyResult result = derive(stub, user);
          if (!result.getKey().isEmpty()
              || !result.getStatus().getMessage().contains("deleted")) {
            leaks.add("instance " + instance.port() + ", lookup " + i + ": "
                + (result.getKey().isEmpty() ? result.getStatus().getMessage() : "KEY RETURNED"));
          }
        }
      }
    }
    assertThat(leaks).as("lookups that did not answer KEYS_DELETED").isEmpty();
  }
}
