package io.squadron.billing.reconcile;

import static java.util.Objects.requireNonNull;

import io.squadron.billing.engine.PaymentIds;
import io.squadron.billing.ledger.EntryKind;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.store.PaymentStore;
import io.squadron.proto.billing.v1.ReconcileSettlementResponse;
import io.squadron.proto.billing.v1.SettlementDifference;
import io.squadron.proto.billing.v1.SettlementDifferenceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a provider's settlement report with the ledger, per payment: captured, refunded,
 * returned amounts and fees, and lists every difference (a reference the ledger does not know, one
 * the report lacks, amounts that differ, credits the provider matched to nothing). The report is
 * the provider's CSV ({@code date,provider,reference,
 * provider_reference,movement_id,type,status,amount,currency,fee,net}) covering the whole period.
 */
public final class SettlementReconciler {
  /** The report's header line. */
  public static final String HEADER =
      "date,provider,reference,provider_reference,movement_id,type,status,amount,currency,fee,net";

  private final PaymentStore store;

  /** Compares with {@code store}'s ledger. */
  public SettlementReconciler(PaymentStore store) {
    this.store = requireNonNull(store, "store");
  }

  /** A malformed report, naming the line. */
  public static final class MalformedReportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedReportException(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Totals {
    String reference;
    String currency;
    long captured;
    long refunded;
    long returned;
    long fees;
  }

  /** Compares {@code csv}, the report of {@code provider}, with the ledger. */
  public ReconcileSettlementResponse reconcile(String provider, String csv) {
    String[] lines = csv.split("\r?\n");
    if (lines.length == 0 || !lines[0].trim().equals(HEADER)) {
      throw new MalformedReportException("line 1: expected the header '" + HEADER + "'");
    }
    List<SettlementDifference> differences = new ArrayList<>();
    Map<String, Totals> byPayment = new LinkedHashMap<>();
    int read = 0;
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      List<String> f = fields(lines[i]);
      if (f.size() != 11) {
        throw new MalformedReportException(
            "line " + (i + 1) + ": " + f.size() + " fields (expected 11)");
      }
      if (!f.get(1).equals(provider)) {
        throw new MalformedReportException(
            "line " + (i + 1) + ": provider " + f.get(1) + " (expected " + provider + ")");
      }
      long amount;
      long fee;
      try {
        amount = Long.parseLong(f.get(7));
        fee = Long.parseLong(f.get(9));
      } catch (NumberFormatException e) {
        throw new MalformedReportException(
            "line " + (i + 1) + ": amount or fee is not a whole number");
      }
      read++;
      String reference = f.get(2);
      String type = f.get(5);
      if (type.equals("unmatched_credit")) {
        differences.add(
            SettlementDifference.newBuilder()
                .setReference(reference)
                .setKind(SettlementDifferenceKind.UNMATCHED_CREDIT)
                .setProviderAmount(amount)
                .setCurrency(f.get(8))
                .setDescription("a credit the provider matched to no payment (" + f.get(4) + ")")
                .build());
        continue;
      }
      Totals t = byPayment.computeIfAbsent(PaymentIds.paymentOf(reference), k -> new Totals());
      t.reference = reference;
      t.currency = f.get(8);
      t.fees += fee;
      switch (type) {
        case "payment" -> t.captured += amount;
        case "refund", "reversal" -> t.refunded -= amount;
        case "return", "chargeback" -> t.returned -= amount;
        default ->
            throw new MalformedReportException(
                "line " + (i + 1) + ": unknown movement type '" + type + "'");
      }
    }
    Map<String, Map<String, Long>> ledger = store.ledgerTotals(provider);
    for (Map.Entry<String, Totals> e : byPayment.entrySet()) {
      String paymentId = e.getKey();
      Totals t = e.getValue();
      Map<String, Long> l = ledger.get(paymentId);
      if (l == null) {
        if (store.find(paymentId).isEmpty()) {
          differences.add(
              diff(
                  t,
                  paymentId,
                  SettlementDifferenceKind.UNKNOWN_REFERENCE,
                  t.captured,
                  0,
                  "the ledger has no payment with this reference"));
          continue;
        }
        l = Map.of();
      }
      compare(
          differences,
          t,
          paymentId,
          SettlementDifferenceKind.CAPTURED_MISMATCH,
          t.captured,
          sum(l, EntryKind.CAPTURE),
          "captured");
      compare(
          differences,
          t,
          paymentId,
          SettlementDifferenceKind.REFUNDED_MISMATCH,
          t.refunded,
          -sum(l, EntryKind.REFUND),
          "refunded");
      compare(
          differences,
          t,
          paymentId,
          SettlementDifferenceKind.RETURNED_MISMATCH,
          t.returned,
          -sum(l, EntryKind.RETURN) - sum(l, EntryKind.CHARGEBACK),
          "returned");
      compare(
          differences,
          t,
          paymentId,
          SettlementDifferenceKind.FEE_MISMATCH,
          t.fees,
          -sum(l, EntryKind.FEE),
          "fees");
    }
    for (PaymentRecord p : store.paymentsAt(provider)) {
      Map<String, Long> l = ledger.get(p.id());
      if (l != null && sum(l, EntryKind.CAPTURE) != 0 && !byPayment.containsKey(p.id())) {
        differences.add(
            SettlementDifference.newBuilder()
                .setReference(p.attemptReference())
                .setPaymentId(p.id())
                .setKind(SettlementDifferenceKind.MISSING_AT_PROVIDER)
                .setLedgerAmount(sum(l, EntryKind.CAPTURE))
                .setCurrency(p.currency())
                .setDescription("the ledger has a capture the report does not list")
                .build());
      }
    }
    return ReconcileSettlementResponse.newBuilder()
        .setLines(read)
        .setReferences(byPayment.size())
        .addAllDifferences(differences)
        .build();
  }

  private static long sum(Map<String, Long> ledger, EntryKind kind) {
    return ledger.getOrDefault(kind.name(), 0L);
  }

  private static void compare(
      List<SettlementDifference> out,
      Totals t,
      String paymentId,
      SettlementDifferenceKind kind,
      long provider,
      long ledger,
      String what) {
    if (provider != ledger) {
      out.add(
          diff(
              t,
              paymentId,
              kind,
              provider,
              ledger,
              what + ": provider " + provider + ", ledger " + ledger));
    }
  }

  private static SettlementDifference diff(
      Totals t,
      String paymentId,
      SettlementDifferenceKind kind,
      long provider,
      long ledger,
      String description) {
    return SettlementDifference.newBuilder()
        .setReference(t.reference)
        .setPaymentId(paymentId)
        .setKind(kind)
        .setProviderAmount(provider)
        .setLedgerAmount(ledger)
        .setCurrency(t.currency)
        .setDescription(description)
        .build();
  }

  /** The fields of one CSV line (double quotes around a field, doubled inside it). */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    out.add(field.toString());
    return out;
  }
}
