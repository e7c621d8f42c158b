package io.squadron.infra.cassandra;

import io.squadron.infra.InfraStartException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Cassandra server's classpath, written at build time by the {@code cassandra-runtime} module (Maven resolves
 * {@code cassandra-all} there) into the resource {@value #RESOURCE}: absolute paths of jars in the local Maven
 * repository.
 */
final class CassandraClasspath {
    static final String RESOURCE = "io/squadron/infra/cassandra/cassandra-server.classpath";

    private CassandraClasspath() {}

    /** The classpath string, after checking every jar is still there. */
    static String load() {
        String classpath;
        try (InputStream in = CassandraClasspath.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new InfraStartException("resource " + RESOURCE + " is missing: build the cassandra-runtime "
                        + "module (mvn -pl local-infra/cassandra-runtime install)");
            }
            classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new InfraStartException("cannot read resource " + RESOURCE, e);
        }
        List<String> missing = Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(jar -> !Files.isRegularFile(Path.of(jar)))
                .collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw new InfraStartException(missing.size() + " jars of the Cassandra classpath are missing (first: "
                    + missing.get(0) + "): rebuild the cassandra-runtime module so Maven resolves them again");
        }
        return classpath;
    }
}
