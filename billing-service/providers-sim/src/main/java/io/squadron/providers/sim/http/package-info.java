/**
 * The HTTP front end (JDK HTTP server), request and response values, errors and JSON field readers.
 */
package io.squadron.providers.sim.http;
