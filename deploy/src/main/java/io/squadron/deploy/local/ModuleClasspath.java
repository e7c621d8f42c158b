package io.squadron.deploy.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a module's class in its own JVM from the build output: {@code target/classes} plus the
 * {@code target/classpath.txt} every module's build writes.
 */
public final class ModuleClasspath {
  private ModuleClasspath() {}

  /** The run-time class path of {@code moduleDir}. */
  public static String of(Workspace workspace, String moduleDir) {
    Path module = workspace.module(moduleDir);
    Path deps = module.resolve("target").resolve("classpath.txt");
    if (!Files.isRegularFile(deps)) {
      throw new IllegalStateException(
          moduleDir + " is not built (no " + deps + "); run ./squadron build");
    }
    try {
      return module.resolve("target").resolve("classes")
          + File.pathSeparator
          + Files.readString(deps, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + deps, e);
    }
  }

  /** {@code java -Xmx.. -cp <module> mainClass --config configFile}. */
  static List<String> javaCommand(
      Workspace workspace, String moduleDir, String mainClass, Path configFile, String heap) {
    return javaCommand(of(workspace, moduleDir), mainClass, configFile, heap);
  }

  /** {@code java -Xmx.. -cp classPath mainClass --config configFile}. */
  static List<String> javaCommand(
      String classPath, String mainClass, Path configFile, String heap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.add("--config");
    command.add(configFile.toString());
    return command;
  }

  /**
   * Writes a config file readable by this user only (it may hold store passwords or a local master
   * key).
   */
  static Path writeConfig(Path file, String hocon) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, hocon, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
