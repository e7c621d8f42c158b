package io.squadron.rpc.admin;

/** An operation an operator triggers with {@code POST /admin/<name>} on the admin endpoint. */
@FunctionalInterface
public interface AdminAction {
  /** Runs the action; the returned line is the HTTP response body. Must not return secrets. */
  String run() throws Exception;
}
