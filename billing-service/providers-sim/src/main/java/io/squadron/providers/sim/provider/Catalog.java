package io.squadron.providers.sim.provider;

import java.util.List;

/** The 16 simulated providers, in the order of the README's table. */
public final class Catalog {
  private Catalog() {}

  /** New instances of every provider. */
  public static List<Provider> all() {
    return List.of(
        new CardPay(),
        new AcquireX(),
        new PayWallet(),
        new TapWallet(),
        new GWallet(),
        new CarrierBill(),
        new SepaDebit(),
        new BankRedirect(),
        new PayLater(),
        new Boleto(),
        new Upi(),
        new Pix(),
        new EWallet(),
        new GiftCard(),
        new MobileMoney(),
        new BankTransfer());
  }
}
