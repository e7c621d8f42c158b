/** Client plumbing behind {@code ChannelFactory}: the {@code static:///} name resolver. */
package io.squadron.rpc.internal.client;
