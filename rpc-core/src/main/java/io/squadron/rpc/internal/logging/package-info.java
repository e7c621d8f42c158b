/**
 * Taming the logs of grpc-java and Netty (which log through java.util.logging) once they are routed
 * to SLF4J.
 */
package io.squadron.rpc.internal.logging;
