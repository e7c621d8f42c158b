package io.squadron.rpc.platform;

import io.squadron.rpc.server.SquadronServer;

/**
 * What a service's {@code start(Config)} hands to {@link Platform#start}: it opens what the service
 * needs through the {@link ServiceContext} (stores, clients), registers each, adds its gRPC
 * services to {@link ServiceContext#server()} and returns that builder.
 */
@FunctionalInterface
public interface ServiceAssembly {
  /**
   * Assembles the service.
   *
   * @return {@code service.server()}, with the service's gRPC services, readiness checks and
   *     exception mappers added
   * @throws Exception anything that stops the service from starting; what was registered so far is
   *     closed
   */
  SquadronServer.Builder assemble(ServiceContext service) throws Exception;
}
