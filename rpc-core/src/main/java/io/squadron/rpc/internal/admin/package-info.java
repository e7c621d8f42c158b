/**
 * The admin HTTP server: {@code /metrics}, {@code /healthz}, {@code /readyz} and {@code POST
 * /admin/<action>}.
 */
package io.squadron.rpc.internal.admin;
