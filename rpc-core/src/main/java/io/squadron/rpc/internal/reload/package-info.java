/**
 * Settings that change at runtime without a restart: a file polled and re-read when its bytes
 * change.
 */
package io.squadron.rpc.internal.reload;
