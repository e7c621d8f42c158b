/**
 * The admin HTTP endpoint every service exposes ({@code /metrics}, {@code /healthz}, {@code
 * /readyz}), and the {@link io.squadron.rpc.admin.AdminAction}s a service adds to it.
 */
package io.squadron.rpc.admin;
