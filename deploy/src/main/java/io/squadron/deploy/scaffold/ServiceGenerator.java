package io.squadron.deploy.scaffold;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a new service module into a checkout: validates the name and its calls against the
 * services the checkout's descriptors declare, renders the template, and either writes everything
 * (the module, its {@code .proto}, its line in the parent pom) or nothing: a failure part way
 * undoes what was written.
 */
public final class ServiceGenerator {
  private final Path home;

  /** A generator for the checkout at {@code home}. */
  public ServiceGenerator(Path home) {
    this.home = requireNonNull(home, "home");
  }

  /**
   * Generates the service.
   *
   * @return the files written, relative to the checkout
   * @throws IllegalArgumentException when the name is taken or a called service does not exist
   *     (nothing written)
   */
  public List<Path> generate(ServiceParams params, ServiceTemplate template) {
    ServiceCatalog catalog = ServiceCatalog.discover(home);
    if (catalog.find(params.name()).isPresent()) {
      throw new IllegalArgumentException(
          "name '" + params.name() + "' is taken: a service with that name exists");
    }
    for (String callee : params.allCalls(template.keyService())) {
      if (catalog.find(callee).isEmpty()) {
        throw new IllegalArgumentException(
            "'"
                + callee
                + "' is not a service of this checkout (services: "
                + catalog.names()
                + ")");
      }
    }
    params
        .encryptCategory()
        .ifPresent(category -> requireKeyCategory(catalog, template.keyService(), category));
    Map<Path, String> files = template.render(params);
    Path module = home.resolve(params.name() + "-service");
    for (Path file : files.keySet()) {
      if (Files.exists(home.resolve(file))) {
        throw new IllegalArgumentException(
            file + " exists already: the name '" + params.name() + "' is taken");
      }
    }
    Path pom = home.resolve("pom.xml");
    List<Path> written = new ArrayList<>();
    String pomBefore = read(pom);
    try {
      for (Map.Entry<Path, String> file : files.entrySet()) {
        Path target = home.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Path staged = target.resolveSibling(target.getFileName() + ".new");
        Files.writeString(staged, file.getValue(), StandardCharsets.UTF_8);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        written.add(file.getKey());
      }
      write(pom, withModule(pomBefore, params.name() + "-service"));
      return written;
    } catch (IOException | RuntimeException e) {
      undo(written, module, pom, pomBefore);
      if (e instanceof IOException io) {
        throw new UncheckedIOException(
            "generating " + params.name() + " failed; nothing was left behind", io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Padlock derives keys only for the categories its config lists (a category is a key-rotation and
   * shredding unit the key service's owners agree to), so an unknown one would fail on the first
   * write: refuse it now.
   */
  private void requireKeyCategory(ServiceCatalog catalog, String keyService, String category) {
    ServiceModule keyModule =
        catalog
            .find(keyService)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--encrypt needs the key service '"
                            + keyService
                            + "', which this checkout does not have"));
    Path reference =
        home.resolve(keyModule.moduleDir()).resolve("src/main/resources/reference.conf");
    if (!Files.isRegularFile(reference)) {
      return; // a key service without a categories list in its defaults: nothing to check against
    }
    Config categories = ConfigFactory.parseFile(reference.toFile()).resolve();
    String path = "squadron." + keyService + ".categories";
    Set<String> known = categories.hasPath(path) ? categories.getObject(path).keySet() : Set.of();
    if (!known.isEmpty() && !known.contains(category)) {
      throw new IllegalArgumentException(
          "--encrypt "
              + category
              + ": not a category of "
              + keyService
              + " (categories: "
              + new TreeSet<>(known)
              + "); add it under "
              + path
              + " in "
              + home.relativize(reference)
              + " first");
    }
  }

  /**
   * The parent pom with {@code <module>module</module>} before deploy's (deploy stays last: it runs
   * the tools).
   */
  static String withModule(String pom, String module) {
    String line = "    <module>" + module + "</module>\n";
    if (pom.contains("<module>" + module + "</module>")) {
      throw new IllegalArgumentException("the parent pom lists " + module + " already");
    }
    int deploy = pom.indexOf("    <module>deploy</module>");
    int end = deploy >= 0 ? deploy : pom.indexOf("  </modules>");
    if (end < 0) {
      throw new IllegalStateException("the parent pom has no <modules> section");
    }
    return pom.substring(0, end) + line + pom.substring(end);
  }

  private void undo(List<Path> written, Path module, Path pom, String pomBefore) {
    for (Path file : written) {
      try {
        Files.deleteIfExists(home.resolve(file));
        // Directories made for it (proto/src/main/proto/squadron/<pkg>/v1) go too when left empty.
        for (Path dir = home.resolve(file).getParent();
            dir != null && !dir.equals(home);
            dir = dir.getParent()) {
          if (!Files.isDirectory(dir) || Files.list(dir).findAny().isPresent()) {
            break;
          }
          Files.delete(dir);
        }
      } catch (IOException ignored) {
        // best effort; the module directory goes below
      }
    }
    if (Files.isDirectory(module)) {
      try (Stream<Path> tree = Files.walk(module)) {
        tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // best effort
      }
    }
    try {
      write(pom, pomBefore);
    } catch (IOException ignored) {
      // the pom was not changed yet, or is restored
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void write(Path file, String content) throws IOException {
    Path staged = file.resolveSibling(file.getFileName() + ".new");
    Files.writeString(staged, content, StandardCharsets.UTF_8);
    Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
