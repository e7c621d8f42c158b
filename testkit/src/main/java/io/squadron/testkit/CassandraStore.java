package io.squadron.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import io.squadron.infra.LocalInfra;
import io.squadron.infra.cassandra.CassandraLauncher;
import io.squadron.infra.cassandra.CassandraServer;
import io.squadron.store.cassandra.CassandraEndpoint;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;

/** A Cassandra cluster for tests, with one admin session that creates and drops keyspaces. */
final class CassandraStore extends StoreServer {
    private final CassandraEndpoint endpoint;
    private final CqlSession admin;

    private CassandraStore(Source source, CassandraEndpoint endpoint, CassandraServer local, AutoCloseable owned) {
        super(source, local, owned);
        this.endpoint = endpoint;
        this.admin = sessionBuilder().build();
    }

    /** The cluster named by {@code SQUADRON_CASSANDRA}, else a container, else a local process. */
    static CassandraStore shared(Map<String, String> environment) {
        switch (Source.choose(environment, LocalInfra.CASSANDRA_ENV)) {
            case ENVIRONMENT:
                return new CassandraStore(Source.ENVIRONMENT,
                        CassandraEndpoint.parse(environment.get(LocalInfra.CASSANDRA_ENV)), null, null);
            case CONTAINER:
                return containerOrLocal("cassandra", CassandraStore::container, CassandraStore::localProcess);
            default:
                return localProcess();
        }
    }

    /** A new local Cassandra node. */
    static CassandraStore localProcess() {
        CassandraServer server = CassandraLauncher.builder().start();
        try {
            return new CassandraStore(Source.LOCAL_PROCESS, CassandraEndpoint.parse(server.endpoint()), server, server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static CassandraStore container() {
        GenericContainer<?> container = Containers.cassandra();
        container.start();
        CassandraEndpoint endpoint = new CassandraEndpoint(List.of(InetSocketAddress.createUnresolved(
                container.getHost(), container.getMappedPort(Containers.CASSANDRA_PORT))),
                CassandraServer.DATACENTER);
        return new CassandraStore(Source.CONTAINER, endpoint, null, container);
    }

    CassandraEndpoint endpoint() {
        return endpoint;
    }

    /**
     * A session builder with the cluster's contact points and local datacenter, and the generous timeouts of
     * {@link CassandraServer#localTimeouts()} (test machines are small and busy).
     */
    CqlSessionBuilder sessionBuilder() {
        CqlSessionBuilder builder = CqlSession.builder().withLocalDatacenter(endpoint.localDatacenter())
                .withConfigLoader(CassandraServer.localTimeouts().build());
        for (InetSocketAddress point : endpoint.contactPoints()) {
            builder.addContactPoint(new InetSocketAddress(point.getHostString(), point.getPort()));
        }
        return builder;
    }

    /** Creates {@code keyspace} with replication factor 1. */
    void createKeyspace(String keyspace) {
        admin.execute("CREATE KEYSPACE " + keyspace
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        created(keyspace);
    }

    @Override
    void drop(String keyspace) {
        admin.execute("DROP KEYSPACE IF EXISTS " + keyspace);
    }

    @Override
    void closeClients() {
        admin.close();
    }
}
