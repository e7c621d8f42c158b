package io.squadron.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import io.squadron.store.cassandra.CassandraEndpoint;

/**
 * A Cassandra keyspace of the test class's own, on a real node, with a session bound to it.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final CassandraExtension CASSANDRA = CassandraExtension.perClass();
 * ...
 * CASSANDRA.session().execute("CREATE TABLE users (id uuid PRIMARY KEY, name text)");
 * </pre>
 *
 * <p>{@link #perClass()} shares the test JVM's node ({@code SQUADRON_CASSANDRA} if set, else one started on first
 * use, ~15 s) and creates a keyspace (replication factor 1) named after the class with a random suffix;
 * {@link #ownServer()} starts a private node for fault tests ({@link #server()}).
 */
public final class CassandraExtension extends StoreExtension<CassandraStore> {
    private CqlSession session;

    private CassandraExtension(boolean ownServer) {
        super(CassandraStore.class, ownServer);
    }

    /** A keyspace of the class's own on the test JVM's shared node. */
    public static CassandraExtension perClass() {
        return new CassandraExtension(false);
    }

    /** A keyspace on a private local node, stopped after the class; its fault controls are {@link #server()}. */
    public static CassandraExtension ownServer() {
        return new CassandraExtension(true);
    }

    @Override
    CassandraStore startShared() {
        return CassandraStore.shared(System.getenv());
    }

    @Override
    CassandraStore startOwn() {
        return CassandraStore.localProcess();
    }

    @Override
    void setUp(CassandraStore store, String keyspace) {
        store.createKeyspace(keyspace);
        session = store.sessionBuilder().withKeyspace(keyspace).build();
    }

    @Override
    void tearDown() {
        session.close();
    }

    /** The class's keyspace. */
    public String keyspace() {
        return name();
    }

    /** A session whose default keyspace is the class's, closed after the class. */
    public CqlSession session() {
        store();
        return session;
    }

    /** Where the cluster is; its {@code toString()} is the {@code SQUADRON_CASSANDRA} format. */
    public CassandraEndpoint endpoint() {
        return store().endpoint();
    }

    /**
     * A builder for another session (contact points, local datacenter and generous timeouts set, no keyspace); the
     * caller closes the session.
     */
    public CqlSessionBuilder sessionBuilder() {
        return store().sessionBuilder();
    }
}
