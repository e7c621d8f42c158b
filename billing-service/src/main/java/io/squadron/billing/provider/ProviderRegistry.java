package io.squadron.billing.provider;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.billing.provider.adapter.AcquireXProvider;
import io.squadron.billing.provider.adapter.BankRedirectProvider;
import io.squadron.billing.provider.adapter.BankTransferProvider;
import io.squadron.billing.provider.adapter.BoletoProvider;
import io.squadron.billing.provider.adapter.CardPayProvider;
import io.squadron.billing.provider.adapter.CarrierBillProvider;
import io.squadron.billing.provider.adapter.EWalletProvider;
import io.squadron.billing.provider.adapter.GWalletProvider;
import io.squadron.billing.provider.adapter.GiftCardProvider;
import io.squadron.billing.provider.adapter.MobileMoneyProvider;
import io.squadron.billing.provider.adapter.PayLaterProvider;
import io.squadron.billing.provider.adapter.PayWalletProvider;
import io.squadron.billing.provider.adapter.PixProvider;
import io.squadron.billing.provider.adapter.SepaDebitProvider;
import io.squadron.billing.provider.adapter.TapWalletProvider;
import io.squadron.billing.provider.adapter.UpiProvider;
import io.squadron.rpc.config.InvalidConfigException;
import java.net.http.HttpClient;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The adapters billing runs, by provider name, each with its settings. */
public final class ProviderRegistry {
  /** Every provider billing has an adapter for. */
  public static final List<String> KNOWN =
      List.of(
          "cardpay",
          "acquirex",
          "paywallet",
          "tapwallet",
          "gwallet",
          "carrierbill",
          "sepadebit",
          "bankredirect",
          "paylater",
          "boleto",
          "upi",
          "pix",
          "ewallet",
          "giftcard",
          "mobilemoney",
          "banktransfer");

  private final Map<String, PaymentProvider> providers;
  private final Map<String, ProviderSettings> settings;

  private ProviderRegistry(
      Map<String, PaymentProvider> providers, Map<String, ProviderSettings> settings) {
    this.providers = providers;
    this.settings = settings;
  }

  /**
   * The adapters of {@code names} with their settings from {@code config}, calling out through
   * {@code client}.
   *
   * @throws InvalidConfigException naming a missing or bad key, or an unknown provider
   */
  public static ProviderRegistry create(
      Config config, Collection<String> names, HttpClient client, ProviderMetrics metrics) {
    requireNonNull(config, "config");
    Map<String, PaymentProvider> providers = new LinkedHashMap<>();
    Map<String, ProviderSettings> settings = new LinkedHashMap<>();
    for (String name : names) {
      ProviderSettings s = ProviderSettings.from(config, name);
      ProviderHttp http = new ProviderHttp(client, s, metrics);
      Function<ProviderHttp, PaymentProvider> make =
          switch (name) {
            case "cardpay" -> CardPayProvider::new;
            case "acquirex" -> AcquireXProvider::new;
            case "paywallet" -> PayWalletProvider::new;
            case "tapwallet" -> TapWalletProvider::new;
            case "gwallet" -> GWalletProvider::new;
            case "carrierbill" -> CarrierBillProvider::new;
            case "sepadebit" -> SepaDebitProvider::new;
            case "bankredirect" -> BankRedirectProvider::new;
            case "paylater" -> PayLaterProvider::new;
            case "boleto" -> BoletoProvider::new;
            case "upi" -> UpiProvider::new;
            case "pix" ->
                h ->
                    new PixProvider(
                        h, config.getString(ProviderSettings.PATH + ".pix.receiving-key"));
            case "ewallet" -> EWalletProvider::new;
            case "giftcard" -> GiftCardProvider::new;
            case "mobilemoney" ->
                h ->
                    new MobileMoneyProvider(
                        h, config.getString(ProviderSettings.PATH + ".mobilemoney.short-code"));
            case "banktransfer" -> BankTransferProvider::new;
            default ->
                throw new InvalidConfigException(
                    "squadron.billing.providers.enabled",
                    "'" + name + "' has no adapter (expected one of: " + KNOWN + ")");
          };
      providers.put(name, make.apply(http));
      settings.put(name, s);
    }
    return new ProviderRegistry(Map.copyOf(providers), Map.copyOf(settings));
  }

  /** The adapter of {@code name}, if billing runs it. */
  public Optional<PaymentProvider> get(String name) {
    return Optional.ofNullable(providers.get(name));
  }

  /** The adapter of {@code name}; it must exist. */
  public PaymentProvider require(String name) {
    PaymentProvider p = providers.get(name);
    if (p == null) {
      throw new IllegalStateException("no adapter for provider " + name);
    }
    return p;
  }

  /** The settings of {@code name}'s adapter, if billing runs it. */
  public Optional<ProviderSettings> settings(String name) {
    return Optional.ofNullable(settings.get(name));
  }

  /** The provider names, in configuration order. */
  public Collection<String> names() {
    return providers.keySet();
  }
}
