package io.squadron.infra.kafka;

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
 * The Kafka broker's classpath, written at build time by the {@code kafka-runtime} module (Maven resolves
 * {@code kafka_2.13} there) into the resource {@value #RESOURCE}: absolute paths of jars in the local Maven
 * repository.
 */
final class KafkaClasspath {
    static final String RESOURCE = "io/squadron/infra/kafka/kafka-server.classpath";

    private KafkaClasspath() {}

    /** The classpath string, after checking every jar is still there. */
    static String load() {
        String classpath;
        try (InputStream in = KafkaClasspath.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new InfraStartException("resource " + RESOURCE + " is missing: build the kafka-runtime module "
                        + "(mvn -pl local-infra/kafka-runtime install)");
            }
            classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new InfraStartException("cannot read resource " + RESOURCE, e);
        }
        List<String> missing = Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(jar -> !Files.isRegularFile(Path.of(jar)))
                .collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw new InfraStartException(missing.size() + " jars of the Kafka classpath are missing (first: "
                    + missing.get(0) + "): rebuild the kafka-runtime module so Maven resolves them again");
        }
        return classpath;
    }
}
