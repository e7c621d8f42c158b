package io.squadron.rpc.http;

import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.transcoding.v1.CancelCartRequest;
import io.squadron.proto.transcoding.v1.Cart;
import io.squadron.proto.transcoding.v1.CartServiceGrpc;
import io.squadron.proto.transcoding.v1.CreateCartRequest;
import io.squadron.proto.transcoding.v1.FailRequest;
import io.squadron.proto.transcoding.v1.FailResponse;
import io.squadron.proto.transcoding.v1.GetCartByNameRequest;
import io.squadron.proto.transcoding.v1.GetCartRequest;
import io.squadron.proto.transcoding.v1.Item;
import io.squadron.proto.transcoding.v1.UpdateCartRequest;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers with what it received (and who called), so tests see exactly what the transcoder built.
 */
final class CartTestService extends CartServiceGrpc.CartServiceImplBase {
  /** Calls of Fail("HANG") that saw their context cancelled. */
  final AtomicInteger cancelledHangs = new AtomicInteger();

  /** Calls of Fail("HANG") running. */
  final AtomicInteger hanging = new AtomicInteger();

  @Override
  public void getCart(GetCartRequest request, StreamObserver<Cart> response) {
    reply(
        response,
        Cart.newBuilder()
            .setCartId(request.getCartId())
            .setView(request.getView())
            .addAllTags(request.getTagsList())
            .setTotalCents(request.getLimit())
            .setGift(request.getIncludeItems())
            .setShopId(request.getFilter().getSkuPrefix())
            .setCreated(request.getFilter().getCreatedAfter())
            .build());
  }

  @Override
  public void createCart(CreateCartRequest request, StreamObserver<Cart> response) {
    reply(
        response,
        Cart.newBuilder()
            .setCartId("c-1")
            .setShopId(request.getShopId())
            .addAllItems(request.getItemsList())
            .putAllLabels(request.getLabelsMap())
            .setGift(request.getGift())
            .setCreated(request.getCreated())
            .setTotalCents(request.getItemsList().stream().mapToLong(Item::getQuantity).sum() * 100)
            .build());
  }

  @Override
  public void updateCart(UpdateCartRequest request, StreamObserver<Cart> response) {
    reply(response, request.getCart().toBuilder().setNote(request.getReason()).build());
  }

  @Override
  public void cancelCart(CancelCartRequest request, StreamObserver<Cart> response) {
    reply(
        response,
        Cart.newBuilder().setCartId(request.getCartId()).setNote(request.getReason()).build());
  }

  @Override
  public void getCartByName(GetCartByNameRequest request, StreamObserver<Cart> response) {
    reply(response, Cart.newBuilder().setCartId(request.getName()).build());
  }

  @Override
  public void listItems(GetCartRequest request, StreamObserver<Cart> response) {
    reply(
        response,
        Cart.newBuilder()
            .setCartId(request.getCartId())
            .addItems(
                Item.newBuilder()
                    .setSku(request.getCartId() + "-sku")
                    .setQuantity(request.getLimit()))
            .build());
  }

  @Override
  public void internal(GetCartRequest request, StreamObserver<Cart> response) {
    reply(response, Cart.newBuilder().setCartId(request.getCartId()).build());
  }

  @Override
  public void fail(FailRequest request, StreamObserver<FailResponse> response) {
    switch (request.getCode()) {
      case "OK" -> {
        response.onNext(FailResponse.newBuilder().setCaller(Caller.current().name()).build());
        response.onCompleted();
      }
      case "THROW" ->
          throw new IllegalStateException("internal detail that must stay on the server");
      case "HANG" -> {
        CountDownLatch cancelled = new CountDownLatch(1);
        Context.current().addListener(c -> cancelled.countDown(), Runnable::run);
        hanging.incrementAndGet();
        try {
          if (cancelled.await(30, TimeUnit.SECONDS)) {
            cancelledHangs.incrementAndGet();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          hanging.decrementAndGet();
        }
        response.onError(Status.CANCELLED.asRuntimeException());
      }
      default -> {
        List<Message> details = new ArrayList<>();
        if (!request.getBadField().isEmpty()) {
          details.add(
              BadRequest.newBuilder()
                  .addFieldViolations(
                      BadRequest.FieldViolation.newBuilder()
                          .setField(request.getBadField())
                          .setDescription("bad"))
                  .build());
        }
        if (request.getRetryAfterMs() > 0) {
          details.add(RpcErrors.retryInfo(Duration.ofMillis(request.getRetryAfterMs())));
        }
        response.onError(
            RpcErrors.of(
                Status.Code.valueOf(request.getCode()),
                ErrorReason.DEPENDENCY_UNAVAILABLE,
                request.getMessage(),
                details.toArray(Message[]::new)));
      }
    }
  }

  private static void reply(StreamObserver<Cart> response, Cart cart) {
    response.onNext(cart.toBuilder().setCaller(Caller.current().name()).build());
    response.onCompleted();
  }
}
