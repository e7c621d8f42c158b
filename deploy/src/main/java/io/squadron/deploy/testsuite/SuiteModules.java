package io.squadron.deploy.testsuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The modules of a checkout's reactor that have tests, and the order lanes should take them in. */
public final class SuiteModules {
  private SuiteModules() {}

  /**
   * Every module under {@code home}'s root {@code pom.xml} (its {@code <modules>}, recursively;
   * profiles' modules are not followed) that has a {@code src/test/java}, in the order the poms
   * list them.
   */
  public static List<SuiteModule> discover(Path home) {
    List<SuiteModule> found = new ArrayList<>();
    collect(home, home, found);
    return List.copyOf(found);
  }

  /**
   * The order to hand modules to lanes: longest first by their last run (the classic schedule that
   * keeps lanes finishing together). When some module has no timing (a fresh checkout, a new
   * module), timings cannot be compared and the order is the reactor's reversed, which puts the
   * platform-wide tests (the last modules, usually the longest) first.
   */
  public static List<SuiteModule> longestFirst(List<SuiteModule> modules) {
    List<SuiteModule> order = new ArrayList<>(modules);
    if (modules.stream().allMatch(m -> m.lastSeconds().isPresent())) {
      order.sort(
          Comparator.comparingDouble((SuiteModule m) -> m.lastSeconds().getAsDouble()).reversed());
    } else {
      java.util.Collections.reverse(order);
    }
    return List.copyOf(order);
  }

  private static void collect(Path home, Path moduleDir, List<SuiteModule> found) {
    Path pom = moduleDir.resolve("pom.xml");
    if (!Files.isRegularFile(pom)) {
      throw new IllegalArgumentException("module " + home.relativize(moduleDir) + ": no pom.xml");
    }
    if (!moduleDir.equals(home) && Files.isDirectory(moduleDir.resolve("src/test/java"))) {
      found.add(
          new SuiteModule(
              home.relativize(moduleDir).toString(), lastSeconds(moduleDir.resolve("target"))));
    }
    for (String child : childModules(pom)) {
      collect(home, moduleDir.resolve(child).normalize(), found);
    }
  }

  private static List<String> childModules(Path pom) {
    Document doc = parse(pom);
    List<String> children = new ArrayList<>();
    for (Node n = doc.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals("modules")) {
        NodeList modules = e.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
          children.add(modules.item(i).getTextContent().trim());
        }
      }
    }
    return children;
  }

  /** The summed {@code time} of the module's surefire reports (every execution's). */
  static OptionalDouble lastSeconds(Path target) {
    Path reportDir = target.resolve("surefire-reports");
    if (!Files.isDirectory(reportDir)) {
      return OptionalDouble.empty();
    }
    List<Path> reports;
    try (Stream<Path> files = Files.list(reportDir)) {
      reports = files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (reports.isEmpty()) {
      return OptionalDouble.empty();
    }
    double total = 0;
    for (Path report : reports) {
      try {
        total +=
            Double.parseDouble(
                parse(report).getDocumentElement().getAttribute("time").replace(",", ""));
      } catch (IllegalArgumentException e) {
        // A report a crashed fork left half written (or without a time) does not count.
      }
    }
    return OptionalDouble.of(total);
  }

  private static Document parse(Path xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      DocumentBuilder builder = factory.newDocumentBuilder();
      return builder.parse(xml.toFile());
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalArgumentException(xml + ": not readable XML: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
