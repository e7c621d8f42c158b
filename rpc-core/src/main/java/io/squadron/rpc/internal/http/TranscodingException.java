package io.squadron.rpc.internal.http;

/**
 * A request that cannot become the method's protobuf request: names the field at fault (its path in
 * the request, {@code tracks[2].artist_id}, or {@code body} / {@code query} for the whole) and what
 * the caller must fix. It becomes INVALID_ARGUMENT with a {@code BadRequest} field violation, like
 * a bad gRPC request.
 */
final class TranscodingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String problem;

  TranscodingException(String field, String problem) {
    super(field + ": " + problem, null, false, false);
    this.field = field;
    this.problem = problem;
  }

  String field() {
    return field;
  }

  String problem() {
    return problem;
  }
}
