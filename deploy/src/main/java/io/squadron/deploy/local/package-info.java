/**
 * The platform on one machine: which services exist ({@link
 * io.squadron.deploy.local.ServiceCatalog}), starting each as its own JVM, the run state that
 * {@code down} and {@code status} read, and the demo calls {@code up} makes.
 */
package io.squadron.deploy.local;
