package io.squadron.checkout.api;

import com.google.protobuf.Timestamp;
import com.typesafe.config.Config;
import io.squadron.proto.checkout.v1.CancelCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.CheckoutServiceGrpc;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.CreateOfferCodeRequest;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.DisableOfferCodeRequest;
import io.squadron.proto.checkout.v1.ListPlansRequest;
import io.squadron.proto.checkout.v1.ListPlansResponse;
import io.squadron.proto.checkout.v1.OfferCode;
import io.squadron.proto.checkout.v1.PricedPlan;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Shows checkout working: the plans priced for a web client in Sweden (VAT included in the price)
 * and in the United States (sales tax added on top), as the caller named in {@code
 * squadron.security.service-name}. Exits non-zero if a country has no plans or a quote's total does
 * not follow its tax mode; an offer code created by the operator (CreateOfferCode), applied to a
 * session, released when it is cancelled, then disabled.
 *
 * <p>{@code java ... CheckoutDemo [--config FILE]} with {@code squadron.clients.checkout.addresses}
 * set.
 */
public final class CheckoutDemo {
  private CheckoutDemo() {}

  public static void main(String[] args) {
    Config config = ConfigLoader.fromArgs(args, System.getenv());
    try (ChannelFactory channels = Platform.clients(config, Platform.newMeterRegistry()).build()) {
      CheckoutServiceGrpc.CheckoutServiceBlockingStub checkout =
          CheckoutServiceGrpc.newBlockingStub(channels.channel("checkout"));
      for (String country : new String[] {"SE", "US"}) {
        ListPlansResponse plans =
            checkout.listPlans(
                ListPlansRequest.newBuilder().setCountry(country).setDevice(Device.WEB).build());
        if (plans.getPlansCount() == 0) {
          throw new IllegalStateException("no plans for " + country);
        }
        System.out.println("ListPlans(" + country + ", WEB) ->");
        for (PricedPlan plan : plans.getPlansList()) {
          var q = plan.getPrice();
          System.out.printf(
              "  %-24s %s %d.%02d total (%s, tax %d.%02d)%n",
              plan.getName(),
              q.getCurrency(),
              q.getTotal() / 100,
              q.getTotal() % 100,
              q.getTaxMode(),
              q.getTax() / 100,
              q.getTax() % 100);
          if (q.getTotal() <= 0 || q.getTax() < 0) {
            throw new IllegalStateException("a quote with a total of " + q.getTotal());
          }
        }
      }
      // The operator adds a one-use code (the demo calls as the operator identity).
      String code =
          "DEMO-" + Long.toString(System.nanoTime() & 0xffffff, 36).toUpperCase(Locale.ROOT);
      OfferCode offer =
          checkout.createOfferCode(
              CreateOfferCodeRequest.newBuilder()
                  .setCode(code)
                  .setPercentOff(20)
                  .setMaxRedemptions(1)
                  .setExpiresAt(
                      Timestamp.newBuilder()
                          .setSeconds(Instant.now().plus(Duration.ofDays(30)).getEpochSecond()))
                  .build());
      System.out.println(
          "CreateOfferCode(" + code + ", 20 % off, 1 use) -> used " + offer.getUsed());
      // A session in Sweden with it, up to the payment methods, which checkout asks billing for.
      CheckoutSession session =
          checkout.createCheckoutSession(
              CreateCheckoutSessionRequest.newBuilder()
                  .setUserId("demo-" + UUID.randomUUID())
                  .setPlanId("individual")
                  .setCountry("SE")
                  .setDevice(Device.WEB)
                  .setOfferCode(code)
                  .build());
      if (session.getQuote().getDiscount() <= 0) {
        throw new IllegalStateException("the offer code gave no discount");
      }
      System.out.println(
          "CreateCheckoutSession(individual, SE, "
              + code
              + ") -> discount "
              + session.getQuote().getDiscount()
              + ", next step "
              + session.getNextStep().getKindCase());
      CheckoutSession methods =
          checkout.submitStep(
              SubmitStepRequest.newBuilder()
                  .setSessionId(session.getSessionId())
                  .setStepId(session.getNextStep().getStepId())
                  .putValues("postal_code", "123 45")
                  .build());
      System.out.println(
          "SubmitStep(postal code) -> next step " + methods.getNextStep().getKindCase());
      checkout.cancelCheckoutSession(
          CancelCheckoutSessionRequest.newBuilder().setSessionId(session.getSessionId()).build());
      OfferCode disabled =
          checkout.disableOfferCode(DisableOfferCodeRequest.newBuilder().setCode(code).build());
      System.out.println(
          "CancelCheckoutSession, DisableOfferCode("
              + code
              + ") -> used "
              + disabled.getUsed()
              + ", disabled "
              + disabled.getDisabled());
    }
  }
}
