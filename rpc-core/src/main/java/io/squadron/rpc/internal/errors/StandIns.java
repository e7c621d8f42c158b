package io.squadron.rpc.internal.errors;

import io.grpc.StatusRuntimeException;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The stand-ins a marshaller handed on for requests that did not parse, each with its error, keyed
 * by identity and held weakly: a stand-in an earlier stage dropped (a call rejected before the
 * error-mapping stage) is forgotten when it is collected. Equality of content never matches: an
 * empty request a caller sent is never a stand-in.
 */
final class StandIns {
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final ConcurrentMap<IdentityRef, StatusRuntimeException> errors =
      new ConcurrentHashMap<>();

  void put(Object standIn, StatusRuntimeException error) {
    expungeCollected();
    errors.put(new IdentityRef(standIn, collected), error);
  }

  /**
   * The error {@code request} stands for, removed; empty for any request not made by {@link #put}.
   */
  Optional<StatusRuntimeException> take(Object request) {
    if (errors.isEmpty()) {
      return Optional.empty(); // the common case: every request parsed
    }
    return Optional.ofNullable(errors.remove(new IdentityRef(request, null)));
  }

  /** How many stand-ins are remembered (tests). */
  int size() {
    expungeCollected();
    return errors.size();
  }

  private void expungeCollected() {
    Reference<?> ref;
    while ((ref = collected.poll()) != null) {
      errors.remove(ref);
    }
  }

  /** A weak reference equal only to itself or to another reference to the very same object. */
  private static final class IdentityRef extends WeakReference<Object> {
    private final int hash;

    IdentityRef(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (this == other) {
        return true;
      }
      if (!(other instanceof IdentityRef ref) || ref.hash != hash) {
        return false;
      }
      Object mine = get();
      return mine != null && mine == ref.get();
    }
  }
}
