/**
 * Deny-by-default permissions: a {@link io.squadron.rpc.internal.permissions.PermissionPolicy}
 * lists, per method or per service, the callers allowed; {@link
 * io.squadron.rpc.internal.permissions.PermissionInterceptor} enforces it after the identity stage,
 * and the policy can be replaced at runtime ({@link
 * io.squadron.rpc.internal.permissions.PolicyFileWatcher}, or an admin call to {@link
 * io.squadron.rpc.internal.permissions.PermissionInterceptor#update}).
 */
package io.squadron.rpc.internal.permissions;
