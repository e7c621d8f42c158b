package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The desired state's file, {@code <runDir>/desired.json}, shared by the supervisor (which reads it
 * every reconcile) and commands that change it (a rollout): every write is a temp file renamed over
 * it (a reader never sees half a file), and {@link #update} holds an exclusive lock on {@code
 * desired.json.lock} across read-modify-write (so two writers never lose each other's change).
 *
 * <pre>{@code
 * {"version": 1, "instances": [
 *   {"service": "x", "region": "region-1", "group": "a", "index": 0,
 *    "release": "current", "port": 40123, "adminPort": 40124}, ...]}
 * }</pre>
 */
public final class DesiredStateFile {
  /** The file's format version. */
  public static final int VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  // A FileLock is per process: threads of one JVM are kept apart by this lock first.
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private final Path file;

  /** The desired state at {@code file}. */
  public DesiredStateFile(Path file) {
    this.file = requireNonNull(file, "file").toAbsolutePath().normalize();
  }

  /** The desired state file of {@code workspace}'s run directory. */
  public static DesiredStateFile of(Workspace workspace) {
    return new DesiredStateFile(workspace.runDir().resolve("desired.json"));
  }

  /** The file. */
  public Path path() {
    return file;
  }

  /**
   * The state, if the file exists.
   *
   * @throws IllegalStateException when the file does not hold a valid state (naming what is wrong)
   */
  public Optional<DesiredState> read() {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(JSON.readTree(file.toFile())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalStateException(file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the state, under the lock. */
  public void write(DesiredState state) {
    requireNonNull(state, "state");
    update(old -> state);
  }

  /**
   * Reads the state (empty when there is no file), applies {@code change} and writes the result,
   * all under the lock; returns what was written.
   */
  public DesiredState update(UnaryOperator<DesiredState> change) {
    requireNonNull(change, "change");
    ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
    local.lock();
    try (FileChannel channel =
            FileChannel.open(
                file.resolveSibling(file.getFileName() + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      DesiredState next =
          requireNonNull(
              change.apply(read().orElse(new DesiredState(List.of()))), "the changed state");
      writeAtomically(next);
      return next;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    } finally {
      local.unlock();
    }
  }

  private void writeAtomically(DesiredState state) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    ArrayNode instances = root.putArray("instances");
    for (DesiredInstance i : state.instances()) {
      ObjectNode n = instances.addObject();
      n.put("service", i.slot().service());
      n.put("region", i.slot().region());
      n.put("group", i.slot().group());
      n.put("index", i.slot().index());
      n.put("release", i.release());
      n.put("port", i.port());
      n.put("adminPort", i.adminPort());
    }
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), root);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static DesiredState parse(JsonNode root) {
    int version = root.path("version").asInt(-1);
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "version: " + root.path("version") + " (expected: " + VERSION + ")");
    }
    JsonNode list = root.path("instances");
    if (!list.isArray()) {
      throw new IllegalArgumentException("instances: missing (expected: an array)");
    }
    List<DesiredInstance> instances = new ArrayList<>();
    for (int k = 0; k < list.size(); k++) {
      JsonNode n = list.get(k);
      try {
        instances.add(
            new DesiredInstance(
                new InstanceSlot(
                    text(n, "service"), text(n, "region"), text(n, "group"), number(n, "index")),
                text(n, "release"),
                number(n, "port"),
                number(n, "adminPort")));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("instances[" + k + "]." + e.getMessage(), e);
      }
    }
    return new DesiredState(instances);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(field + ": missing (expected: a string)");
    }
    return v.asText();
  }

  private static int number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(field + ": missing (expected: an integer)");
    }
    return v.intValue();
  }
}
