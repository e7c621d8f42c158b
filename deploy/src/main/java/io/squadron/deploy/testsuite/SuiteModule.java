package io.squadron.deploy.testsuite;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * A reactor module that has tests.
 *
 * @param dir its directory relative to the checkout ({@code rpc-core}, {@code
 *     padlock-keyservice/server}), what {@code mvn -pl} takes
 * @param lastSeconds the summed time of its test classes in its last surefire reports; empty when
 *     it has none (a fresh checkout, or after {@code mvn clean})
 */
public record SuiteModule(String dir, OptionalDouble lastSeconds) {
  public SuiteModule {
    requireNonNull(dir, "dir");
    requireNonNull(lastSeconds, "lastSeconds");
    if (dir.isBlank()) {
      throw new IllegalArgumentException("dir: blank (expected: a module directory)");
    }
  }
}
