/**
 * The payment provider simulator ({@code billing-service/providers-sim}) as a local server: a
 * forked JVM on a free loopback port with its state in a work directory.
 */
package io.squadron.infra.providers;
