package io.squadron.deploy.scaffold;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * One version of the new-service template, read from deploy's resources ({@code
 * templates/service/v<N>/}): an {@code INDEX} of files, each rendered with {@link
 * TemplateRenderer}. Every version ever released stays, so {@code upgrade-service} can render what
 * a module was generated from next to what the template gives today.
 */
public final class ServiceTemplate {
  /** The version {@code new-service} uses. */
  public static final int CURRENT_VERSION = 1;

  /** Where the released template versions are, on deploy's class path. */
  static final String ROOT = "/templates/service";

  private final String root;
  private final int version;
  private final List<String> index;
  private final String keyService;

  private ServiceTemplate(String root, int version, List<String> index, String keyService) {
    this.root = root;
    this.version = version;
    this.index = index;
    this.keyService = keyService;
  }

  /**
   * Loads a released version.
   *
   * @throws IllegalArgumentException when there is no such version
   */
  public static ServiceTemplate version(int version) {
    return load(ROOT, version);
  }

  /**
   * Loads {@code version} from the class-path directory {@code root} (tests keep versions of their
   * own).
   */
  static ServiceTemplate load(String root, int version) {
    String text = resource(root, version, "INDEX");
    List<String> index =
        text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(resource(root, version, "template.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String keyService = properties.getProperty("key-service");
    if (keyService == null || keyService.isBlank()) {
      throw new IllegalStateException(
          "template v" + version + ": template.properties names no key-service");
    }
    return new ServiceTemplate(root, version, index, keyService.strip());
  }

  /**
   * The service that gives out the encryption keys the template's {@code --encrypt} code calls (the
   * template's client code is written for it, so the template names it, not the tools).
   */
  public String keyService() {
    return keyService;
  }

  /** This template's version. */
  public int version() {
    return version;
  }

  /**
   * The files for {@code params}, by path relative to the repository root ({@code
   * <name>-service/...} and {@code proto/src/main/proto/...}).
   */
  public Map<Path, String> render(ServiceParams params) {
    requireNonNull(params, "params");
    TemplateRenderer renderer =
        new TemplateRenderer(params.variables(version, keyService), params.flags());
    Set<String> flags = params.flags();
    Map<Path, String> files = new LinkedHashMap<>();
    for (String entry : index) {
      String path = entry;
      if (path.startsWith("[")) {
        String flag = path.substring(1, path.indexOf(']'));
        path = path.substring(path.indexOf(']') + 1);
        if (!flags.contains(flag)) {
          continue;
        }
      }
      String content =
          renderer.render(
              resource(root, version, path + ".tmpl"), "template v" + version + " " + path);
      String target = renderer.render(path, "template v" + version + " path " + path);
      Path where =
          target.startsWith("module/")
              ? Path.of(params.name() + "-service").resolve(target.substring("module/".length()))
              : Path.of("proto", "src", "main", "proto")
                  .resolve(target.substring("proto/".length()));
      files.put(where, content);
    }
    return files;
  }

  private static String resource(String root, int version, String path) {
    String name = root + "/v" + version + "/" + path;
    try (InputStream in = ServiceTemplate.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no template file " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
