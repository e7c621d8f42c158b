/**
 * Apache Kafka: a real single-node broker in KRaft combined mode (broker and controller in one
 * process) from {@code org.apache.kafka:kafka_2.13}, resolved by Maven into the separate {@code
 * kafka-runtime} classpath, in a forked JVM; storage formatted with Kafka's own {@code
 * StorageTool}; ready when an admin client sees the broker in the cluster's metadata. {@code
 * SQUADRON_KAFKA} carries its bootstrap servers.
 */
package io.squadron.infra.kafka;
