package io.squadron.rpc.errors;

import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * Maps a service's own exception types to statuses (a store's "unavailable" to UNAVAILABLE, ...).
 * Mappers are asked in order; an exception none maps becomes INTERNAL with an error id, and its
 * details stay in the server log.
 */
@FunctionalInterface
public interface ExceptionMapper {
  /** The status for {@code error}, or empty when this mapper does not know it. */
  Optional<StatusRuntimeException> map(Throwable error);
}
