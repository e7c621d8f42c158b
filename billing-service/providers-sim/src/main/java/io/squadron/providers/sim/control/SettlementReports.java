package io.squadron.providers.sim.control;

import io.squadron.providers.sim.core.Movement;
import io.squadron.providers.sim.core.Payment;
import io.squadron.providers.sim.core.Record;
import io.squadron.providers.sim.engine.Simulator;
import io.squadron.providers.sim.provider.BankTransfer;
import io.squadron.providers.sim.provider.Provider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a provider's settlement report: one CSV line per money movement whose simulated UTC date
 * is within the range, sorted by time:
 *
 * <pre>
 * date,provider,reference,provider_reference,movement_id,type,status,amount,currency,fee,net
 * 2026-01-01,cardpay,order-17,pi_3kq...,ch_...,payment,succeeded,1999,EUR,53,1946
 * </pre>
 *
 * {@code reference} is the merchant's reference given at creation, {@code provider_reference} the
 * provider's id of the payment, {@code type} one of {@code payment}, {@code refund}, {@code
 * return}, {@code reversal}, {@code unmatched_credit} (a bank transfer no invoice matched), {@code
 * status} the payment's status at the time of the report, amounts in minor units (refunds and
 * returns negative), {@code net = amount - fee}.
 */
public final class SettlementReports {
  /** The CSV header line. */
  public static final String HEADER =
      "date,provider,reference,provider_reference,movement_id,type,status,amount,currency,fee,net";

  private SettlementReports() {}

  /** A written report. */
  public record Written(String provider, Path file, int rows) {}

  /** Writes {@code <dir>/<provider>-settlement-<from>_<to>.csv} (atomically) and returns it. */
  public static Written write(
      Simulator sim, Provider provider, LocalDate from, LocalDate to, Path dir) {
    record Line(long atMs, String csv) {}
    List<Line> lines = new ArrayList<>();
    for (Payment p : sim.paymentsSnapshot(provider.name())) {
      for (Movement m : p.movements) {
        LocalDate date = Instant.ofEpochMilli(m.atMs).atZone(ZoneOffset.UTC).toLocalDate();
        if (date.isBefore(from) || date.isAfter(to)) {
          continue;
        }
        lines.add(
            new Line(
                m.atMs,
                String.join(
                    ",",
                    date.toString(),
                    provider.name(),
                    csv(p.reference),
                    csv(p.id),
                    csv(m.id),
                    m.type,
                    csv(p.status),
                    Long.toString(m.amount),
                    p.currency,
                    Long.toString(m.fee),
                    Long.toString(m.amount - m.fee))));
      }
    }
    if (provider instanceof BankTransfer) {
      for (Record r : sim.recordsSnapshot(provider.name(), BankTransfer.UNMATCHED)) {
        long at = Long.parseLong(r.get("at_ms"));
        LocalDate date = Instant.ofEpochMilli(at).atZone(ZoneOffset.UTC).toLocalDate();
        if (date.isBefore(from) || date.isAfter(to)) {
          continue;
        }
        lines.add(
            new Line(
                at,
                String.join(
                    ",",
                    date.toString(),
                    provider.name(),
                    csv(r.get("reference")),
                    "",
                    csv(r.id),
                    "unmatched_credit",
                    "unmatched",
                    r.get("amount"),
                    r.get("currency"),
                    "0",
                    r.get("amount"))));
      }
    }
    lines.sort(Comparator.comparingLong(Line::atMs));
    Path file = dir.resolve(provider.name() + "-settlement-" + from + "_" + to + ".csv");
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        out.write(HEADER);
        out.write('\n');
        for (Line line : lines) {
          out.write(line.csv);
          out.write('\n');
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write settlement report " + file, e);
    }
    return new Written(provider.name(), file, lines.size());
  }

  /** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
  static String csv(String value) {
    if (value == null) {
      return "";
    }
    if (value.indexOf(',') < 0
        && value.indexOf('"') < 0
        && value.indexOf('\n') < 0
        && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }
}
