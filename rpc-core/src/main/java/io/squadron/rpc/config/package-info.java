/**
 * Typed configuration: HOCON defaults from each module's {@code reference.conf}, a file named on
 * the command line, and environment overrides, validated at start with errors that name the bad
 * key.
 */
package io.squadron.rpc.config;
