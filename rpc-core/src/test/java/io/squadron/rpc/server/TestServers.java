package io.squadron.rpc.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ServerInterceptor;
import io.squadron.rpc.identity.Caller;

/** Builders of servers whose tests are about something other than identity. */
public final class TestServers {
  /** The caller every call of {@link #anyCaller} is identified as. */
  public static final Caller TESTER = new Caller("tester");

  private TestServers() {}

  /**
   * Adds an identity stage that identifies every call as {@link #TESTER}: a server is never built
   * without one, and these tests are about the rest of the chain.
   */
  public static SquadronServer.Builder anyCaller(SquadronServer.Builder builder) {
    ServerInterceptor identity =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(
              io.grpc.ServerCall<ReqT, RespT> call,
              io.grpc.Metadata headers,
              io.grpc.ServerCallHandler<ReqT, RespT> next) {
            return Contexts.interceptCall(
                Context.current().withValue(Caller.contextKey(), TESTER), call, headers, next);
          }
        };
    return builder.interceptor(InterceptorStage.IDENTITY, identity);
  }
}
