package io.squadron.deploy.bench;

import io.squadron.deploy.scaffold.ModuleFormatter;
import io.squadron.deploy.scaffold.ScratchCheckout;
import io.squadron.deploy.scaffold.ServiceGenerator;
import io.squadron.deploy.scaffold.ServiceParams;
import io.squadron.deploy.scaffold.ServiceTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./squadron bench new-service}: a squad's first hour, timed. In a fresh copy of the
 * repository: generate a PostgreSQL-backed service, apply a scripted first feature (a GetItem RPC:
 * messages, a handler, a store method, an edge test), then build it and run its tests on a real
 * PostgreSQL. The squad's lines are the non-blank lines the feature adds, comments and imports
 * included.
 *
 * <p>Needs the platform's modules installed in the local Maven repository ({@code ./squadron build}
 * does it).
 */
public final class NewServiceBenchmark {
  private static final String FEATURE = "/new-service-bench/first-feature.patch";
  private static final Pattern TESTS =
      Pattern.compile(
          "Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+)\\s*$",
          Pattern.MULTILINE);

  private NewServiceBenchmark() {}

  public static void main(String[] args) throws Exception {
    try (ScratchCheckout scratch = ScratchCheckout.ofThisRepository()) {
      long t0 = System.nanoTime();
      List<Path> files =
          new ServiceGenerator(scratch.root())
              .generate(
                  new ServiceParams(
                      "playlist", "postgres", Optional.empty(), List.of(), List.of("checkout")),
                  ServiceTemplate.version(ServiceTemplate.CURRENT_VERSION));
      double generateS = (System.nanoTime() - t0) / 1e9;

      String patch = feature();
      Path patchFile = scratch.root().resolve("first-feature.patch");
      Files.writeString(patchFile, patch, StandardCharsets.UTF_8);
      ScratchCheckout.Result applied =
          scratch.run(Duration.ofMinutes(1), "git", "apply", "first-feature.patch");
      if (applied.exit() != 0) {
        throw new IllegalStateException(
            "the first feature no longer applies to the template:\n" + applied.output());
      }
      Files.delete(patchFile);
      LineCount lines = LineCount.of(patch);

      long t1 = System.nanoTime();
      // new-service formats the module it writes; here after the feature, whose patch is against
      // the template.
      new ModuleFormatter(scratch.root()).format("playlist-service");
      ScratchCheckout.Result build =
          scratch.maven(Duration.ofMinutes(10), "-pl", "proto,playlist-service", "verify");
      double buildTestS = (System.nanoTime() - t1) / 1e9;
      Matcher totals = TESTS.matcher(build.output());
      String tests = "none";
      while (totals.find()) {
        tests =
            totals.group(1)
                + " run, "
                + totals.group(2)
                + " failed, "
                + totals.group(3)
                + " errors";
      }
      boolean passed = build.exit() == 0;

      System.out.println();
      System.out.println("| step | result |");
      System.out.println("| --- | --- |");
      System.out.printf(
          "| generate playlist-service (postgres) | %.2f s, %d files |%n", generateS, files.size());
      System.out.printf(
          "| squad's first feature (GetItem) | %d lines: %d code, %d comment, %d import |%n",
          lines.total(), lines.code(), lines.comments(), lines.imports());
      System.out.printf(
          "| spotless:apply + mvn -pl proto,playlist-service verify | %.1f s, %s, %s |%n",
          buildTestS,
          passed ? "BUILD SUCCESS" : build.timedOut() ? "TIMED OUT" : "BUILD FAILURE",
          tests);
      System.out.printf(
          "| generate + build + test | %.1f s (target < 300 s) |%n", generateS + buildTestS);
      if (!passed) {
        System.out.println(build.tail(60));
      }
      System.out.printf(
          "BENCH new-service generate_s=%.2f build_test_s=%.1f files_generated=%d "
              + "lines_written_by_squad=%d tests_passed=%b%n",
          generateS, buildTestS, files.size(), lines.total(), passed);
      if (!passed) {
        System.exit(1);
      }
    }
  }

  private static String feature() throws IOException {
    try (InputStream in = NewServiceBenchmark.class.getResourceAsStream(FEATURE)) {
      if (in == null) {
        throw new IllegalStateException(FEATURE + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The non-blank lines a patch adds, by kind. */
  record LineCount(int code, int comments, int imports) {
    int total() {
      return code + comments + imports;
    }

    static LineCount of(String patch) {
      int code = 0;
      int comments = 0;
      int imports = 0;
      for (String line : patch.lines().toList()) {
        if (!line.startsWith("+") || line.startsWith("+++")) {
          continue;
        }
        String text = line.substring(1).strip();
        if (text.isEmpty()) {
          continue;
        }
        if (text.startsWith("import ")) {
          imports++;
        } else if (text.startsWith("//") || text.startsWith("/*") || text.startsWith("*")) {
          comments++;
        } else {
          code++;
        }
      }
      return new LineCount(code, comments, imports);
    }
  }
}
