/**
 * Deny-by-default permissions: a {@link io.squadron.rpc.permissions.PermissionPolicy} lists, per method or per service,
 * the callers allowed; {@link io.squadron.rpc.permissions.PermissionInterceptor} enforces it after the identity stage,
 * and the policy can be replaced at runtime ({@link io.squadron.rpc.permissions.PolicyFileWatcher}, or an admin call
 * to {@link io.squadron.rpc.permissions.PermissionInterceptor#update}).
 */
package io.squadron.rpc.permissions;
