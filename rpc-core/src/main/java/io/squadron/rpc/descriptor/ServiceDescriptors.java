package io.squadron.rpc.descriptor;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.config.InvalidConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Finds service descriptors: the one beside a main class, or every one on a class path. */
public final class ServiceDescriptors {
  private ServiceDescriptors() {}

  /**
   * The descriptor in the same class-path root as {@code mainClass} (its module's {@code
   * target/classes} or jar).
   *
   * @throws InvalidConfigException when there is none or it does not name {@code mainClass}
   */
  public static DescriptorSource of(Class<?> mainClass) {
    requireNonNull(mainClass, "mainClass");
    URL file;
    try {
      file = new URL(classPathRoot(mainClass), ServiceDescriptor.FILE);
    } catch (MalformedURLException e) {
      throw new InvalidConfigException(
          ServiceDescriptor.FILE, "no descriptor beside " + mainClass.getName());
    }
    DescriptorSource found;
    try {
      found = DescriptorSource.read(file);
    } catch (InvalidConfigException e) {
      if (e.getMessage().contains("java.io.FileNotFoundException")
          || e.getMessage().contains("No such file")) {
        throw new InvalidConfigException(
            ServiceDescriptor.FILE,
            "missing beside "
                + mainClass.getName()
                + " (expected: src/main/resources/"
                + ServiceDescriptor.FILE
                + " in its module)");
      }
      throw e;
    }
    if (!found.descriptor().mainClass().equals(mainClass.getName())) {
      throw new InvalidConfigException(
          file + ": service.main-class",
          found.descriptor().mainClass()
              + " (expected: "
              + mainClass.getName()
              + ", the class starting it)");
    }
    return found;
  }

  /**
   * The class-path root {@code mainClass} was loaded from, as a URL ending in {@code /}: its
   * module's {@code target/classes/} or {@code jar:file:...!/}; resources relative to it belong to
   * that module only.
   *
   * @throws InvalidConfigException when the root cannot be located
   */
  public static URL classPathRoot(Class<?> mainClass) {
    requireNonNull(mainClass, "mainClass");
    CodeSource source = mainClass.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new InvalidConfigException(
          ServiceDescriptor.FILE, "cannot locate the class-path root of " + mainClass.getName());
    }
    URL root = source.getLocation();
    try {
      return root.getPath().endsWith(".jar") ? new URL("jar:" + root + "!/") : root;
    } catch (MalformedURLException e) {
      throw new InvalidConfigException(
          ServiceDescriptor.FILE, "cannot locate the class-path root of " + mainClass.getName());
    }
  }

  /**
   * Every descriptor on {@code loader}'s class path, by service name (a test class path may hold
   * several services).
   *
   * @throws InvalidConfigException when two descriptors name the same service
   */
  public static Map<String, DescriptorSource> onClassPath(ClassLoader loader) {
    requireNonNull(loader, "loader");
    Map<String, DescriptorSource> found = new LinkedHashMap<>();
    Enumeration<URL> urls;
    try {
      urls = loader.getResources(ServiceDescriptor.FILE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + ServiceDescriptor.FILE + " resources", e);
    }
    for (URL url : Collections.list(urls)) {
      DescriptorSource source = DescriptorSource.read(url);
      DescriptorSource previous = found.putIfAbsent(source.descriptor().name(), source);
      if (previous != null && !previous.url().equals(url)) {
        throw new InvalidConfigException(
            url + ": service.name",
            source.descriptor().name() + " is also declared by " + previous.url());
      }
    }
    return Collections.unmodifiableMap(found);
  }
}
