/**
 * Reaching the running platform as a client: where it is ({@link
 * io.squadron.journeys.platform.PlatformAccess}), channels as the client app and as the operator
 * ({@link io.squadron.journeys.platform.PlatformClients}), checkout's HTTP/JSON face ({@link
 * io.squadron.journeys.platform.CheckoutHttp}) and the payment provider simulator's payer side
 * ({@link io.squadron.journeys.platform.ProviderSim}).
 */
package io.squadron.journeys.platform;
