package io.squadron.billing.api;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentFailureDetail;

/** Reading the payment out of a PAYMENT_DECLINED error. */
final class ProviderFlowsTestSupport {
  private ProviderFlowsTestSupport() {}

  static Payment declinedPayment(StatusRuntimeException e) {
    for (Any detail : StatusProto.fromThrowable(e).getDetailsList()) {
      if (detail.is(PaymentFailureDetail.class)) {
        try {
          return detail.unpack(PaymentFailureDetail.class).getPayment();
        } catch (InvalidProtocolBufferException x) {
          throw new IllegalStateException(x);
        }
      }
    }
    throw new AssertionError("no PaymentFailureDetail in " + e);
  }
}
