package io.squadron.rpc.internal.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;

/**
 * What the handler keeps of a request: Netty's buffers are released when the event loop moves on,
 * and a call runs on another thread, so the parts needed later are copied out first.
 *
 * @param method the HTTP method, as sent
 * @param uri the request target, still percent-encoded
 * @param headers a copy of the headers
 * @param body the body's bytes (empty when none)
 * @param keepAlive whether the client keeps the connection open
 * @param decoderFailure why the request could not be decoded, or null
 */
record HttpRequestData(
    String method,
    String uri,
    HttpHeaders headers,
    byte[] body,
    boolean keepAlive,
    Throwable decoderFailure) {

  static HttpRequestData copyOf(FullHttpRequest request) {
    return new HttpRequestData(
        request.method().name(),
        request.uri(),
        request.headers().copy(),
        ByteBufUtil.getBytes(request.content()),
        HttpUtil.isKeepAlive(request),
        request.decoderResult().isFailure() ? request.decoderResult().cause() : null);
  }

  String header(CharSequence name) {
    return headers.get(name);
  }
}
