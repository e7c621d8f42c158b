/**
 * Releases of a service: a snapshot of its build (the class path, jars copied, so a later rebuild
 * changes nothing) plus a config overlay, under {@code .squadron/releases/<service>/<version>/}, in
 * the format the local platform's supervisor starts ({@code classpath.txt}, {@code config.conf}).
 */
package io.squadron.deploy.release;
