package io.squadron.padlock.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.DeleteUserKeysRequest;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Padlock on a real two-datacenter Cassandra cluster (one node in dc1, one in dc2, a replica in each, hinted handoff
 * off), with an instance in each datacenter: a shred marker must stop a create in the other datacenter even when
 * that datacenter is on its own.
 */
class PadlockMultiDatacenterEdgeTest {
  @RegisterExtension
  static final CassandraExtension CLUSTER = CassandraExtension.ownCluster("dc1", "dc2");

  @RegisterExtension
  static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock")
      .cassandra(CLUSTER)
      .config("squadron.stores { cassandra.request-timeout = 10s, memcached.op-timeout = 1s }")
      .clientDeadline(Duration.ofSeconds(90));

  @Test
  void multiDatacenter_shredMarkers_neverRecreatedByTheOtherDatacenterAlone() {
    // Its own memcached prefix: datacenters do not share a memcached; only Cassandra connects them.
    try (SquadronServer dc2 = PADLOCK.startInstance("squadron.stores.cassandra.endpoint = \""
        + CLUSTER.cluster().endpoint("dc2") + "\"\nsquadron.stores.memcached.key-prefix = \""
        + PADLOCK.memcached().prefix() + "dc2:\"")) {
      PadlockServiceGrpc.PadlockServiceBlockingStub inDc1 = PADLOCK.stub("userdb", PadlockServiceGrpc::newBlockingStub);
      PadlockServiceGrpc.PadlockServiceBlockingStub inDc2 =
          PADLOCK.stub("userdb", dc2, PadlockServiceGrpc::newBlockingStub);
      String user = "never-" + UUID.randomUUID();
      DeleteUserKeysRequest shred = DeleteUserKeysRequest.newBuilder().setUserId(user).build();
      CreateUserKeysRequest create = CreateUserKeysRequest.newBuilder().setUserId(user).build();

      // dc2 is cut off while dc1 shreds: the shred must not be acknowledged by dc1 alone.
      CLUSTER.cluster().node(1).stop();
      boolean acknowledged;
      try {
        inDc1.deleteUserKeys(shred);
        acknowledged = true;
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        acknowledged = false;
      }
      CLUSTER.cluster().node(1).restart();
      CLUSTER.cluster().awaitAllUp(Duration.ofMinutes(3));
      if (!acknowledged) {
        inDc1.deleteUserKeys(shred); // the caller calls again (it is idempotent) once both answer
      }
      assertThat(inDc2.getDerivedKeys(GetDerivedKeysRequest.newBuilder().addItems(DerivedKeyItem.newBuilder()
          .setUserId(user).setCategory("account")).build()).getResults(0).getStatus().getMessage())
          .contains("deleted");

      // Now dc1 is gone and dc2 is on its own: a create there must not bring the keys back.
      CLUSTER.cluster().node(0).stop();
      try {
        boolean created = inDc2.createUserKeys(create).getCreated();
        assertThat(created).as("keys re-created in dc2 after a shred dc1 acknowledged").isFalse();
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.NOT_FOUND);
      }
      CLUSTER.cluster().node(0).restart();
      CLUSTER.cluster().awaitAllUp(Duration.ofMinutes(3));
      try {
        inDc2.createUserKeys(create);
        throw new AssertionError("a shredded user's keys were created again");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("never re-created");
      }
    }
  }
}
