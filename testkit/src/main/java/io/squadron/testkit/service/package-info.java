/**
 * Edge tests of a service: {@link io.squadron.testkit.service.ServiceExtension} starts the
 * service's real server (its rpc-core server builder) on a free loopback port, waits until it is
 * ready, and hands the test a channel and stubs.
 */
package io.squadron.testkit.service;
