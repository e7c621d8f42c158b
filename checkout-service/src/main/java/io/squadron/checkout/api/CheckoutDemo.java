package io.squadron.checkout.api;

import com.typesafe.config.Config;
import io.squadron.proto.checkout.v1.CancelCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.CheckoutServiceGrpc;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.ListPlansRequest;
import io.squadron.proto.checkout.v1.ListPlansResponse;
import io.squadron.proto.checkout.v1.PricedPlan;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import java.util.UUID;

/**
 * Shows checkout working: the plans priced for a web client in Sweden (VAT included in the price)
 * and in the United States (sales tax added on top), as the caller named in {@code
 * squadron.security.service-name}. Exits non-zero if a country has no plans or a quote's total does
 * not follow its tax mode.
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
      // A session in Sweden up to the payment methods, which checkout asks billing for.
      CheckoutSession session =
          checkout.createCheckoutSession(
              CreateCheckoutSessionRequest.newBuilder()
                  .setUserId("demo-" + UUID.randomUUID())
                  .setPlanId("individual")
                  .setCountry("SE")
                  .setDevice(Device.WEB)
                  .build());
      System.out.println(
          "CreateCheckoutSession(individual, SE) -> next step "
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
    }
  }
}
