/**
 * rpc-core's implementation. Nothing under {@code io.squadron.rpc.internal} is API: it may change
 * in any release. Services use the public packages ({@code platform}, {@code server}, {@code
 * client}, {@code config}, {@code errors}, {@code health}, {@code identity}, {@code admin}, {@code
 * metrics}, {@code security}).
 */
package io.squadron.rpc.internal;
