/**
 * The platform's services as their descriptors declare them: {@link
 * io.squadron.deploy.catalog.ServiceCatalog} finds every service module of the checkout and orders
 * them by the services they call.
 */
package io.squadron.deploy.catalog;
