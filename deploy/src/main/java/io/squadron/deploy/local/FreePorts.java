package io.squadron.deploy.local;

import io.squadron.infra.process.Ports;

/**
 * Picks free loopback ports for services the command starts (their configs must name ports before
 * they run): local-infra's {@link Ports}, below Linux's ephemeral range. A port the kernel picked
 * (binding port 0) is an ephemeral one, which any outgoing connection on the machine may take
 * before the service binds it: seen as "Address already in use" when two test suites ran side by
 * side.
 */
final class FreePorts {
  private FreePorts() {}

  static int next() {
    return Ports.random().next();
  }
}
