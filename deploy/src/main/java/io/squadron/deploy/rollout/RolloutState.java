package io.squadron.deploy.rollout;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A rollout's record, {@code .squadron/rollouts/<id>/state.json}, written (atomically) before each
 * change it makes to the fleet: the plan, the release every instance ran before, the steps done,
 * the canary and baseline slots while they exist, and the phase. An interrupted rollout is finished
 * from it ({@code squadron rollout --resume} or {@code --rollback}).
 *
 * @param id the rollout's id (its directory's name)
 * @param plan the steps
 * @param from the release the service ran before
 * @param original every instance as it was before the rollout (the rollback's target)
 * @param stepsDone how many steps are complete
 * @param phase where it is
 * @param extra the canary and baseline instances while the canary step runs, else empty
 * @param started when it started
 * @param note the last decision's reason
 */
public record RolloutState(
    String id,
    RolloutPlan plan,
    String from,
    List<Fleet.Instance> original,
    int stepsDone,
    Phase phase,
    List<Fleet.Instance> extra,
    Instant started,
    String note) {
  /** Where a rollout is. */
  public enum Phase {
    /** Steps are being taken (or were, when the rollout was interrupted). */
    RUNNING,
    /** Every step is done: the service runs the new release everywhere. */
    COMPLETED,
    /** Going back to the old release (or was, when interrupted). */
    ROLLING_BACK,
    /** Back on the old release everywhere. */
    ROLLED_BACK;

    /** Whether the rollout has ended (nothing to resume). */
    public boolean finished() {
      return this == COMPLETED || this == ROLLED_BACK;
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public RolloutState {
    requireNonNull(id, "id");
    requireNonNull(plan, "plan");
    requireNonNull(from, "from");
    original = List.copyOf(original);
    requireNonNull(phase, "phase");
    extra = List.copyOf(extra);
    requireNonNull(started, "started");
    requireNonNull(note, "note");
    if (stepsDone < 0 || stepsDone > plan.steps().size()) {
      throw new IllegalArgumentException(
          "stepsDone: " + stepsDone + " (expected: 0.." + plan.steps().size() + ")");
    }
  }

  /** A copy at {@code newPhase}, with {@code newNote}. */
  public RolloutState with(Phase newPhase, String newNote) {
    return new RolloutState(id, plan, from, original, stepsDone, newPhase, extra, started, newNote);
  }

  /** A copy with {@code n} steps done. */
  public RolloutState withStepsDone(int n) {
    return new RolloutState(id, plan, from, original, n, phase, extra, started, note);
  }

  /** A copy with these canary/baseline instances. */
  public RolloutState withExtra(List<Fleet.Instance> instances) {
    return new RolloutState(id, plan, from, original, stepsDone, phase, instances, started, note);
  }

  /** The service. */
  public String service() {
    return plan.service();
  }

  /** The release rolled out. */
  public String to() {
    return plan.version();
  }

  /** Writes the state to {@code dir}/state.json (temp file renamed over it). */
  public void write(Path dir) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.put("id", id);
    root.put("service", service());
    root.put("from", from);
    root.put("to", to());
    root.put("phase", phase.name());
    root.put("stepsDone", stepsDone);
    root.put("started", started.toString());
    root.put("note", note);
    ArrayNode steps = root.putArray("steps");
    for (RolloutPlan.Step s : plan.steps()) {
      ObjectNode n = steps.addObject();
      n.put("number", s.number());
      n.put("region", s.region());
      n.put("group", s.group());
      n.put("scope", s.scope().name());
    }
    instances(root.putArray("original"), original);
    instances(root.putArray("extra"), extra);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "state", ".tmp");
      try {
        JSON.writeValue(tmp.toFile(), root);
        Files.move(
            tmp,
            dir.resolve("state.json"),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the rollout's state in " + dir, e);
    }
  }

  private static void instances(ArrayNode out, List<Fleet.Instance> list) {
    for (Fleet.Instance i : list) {
      ObjectNode n = out.addObject();
      n.put("region", i.region());
      n.put("group", i.group());
      n.put("index", i.index());
      n.put("release", i.release());
      n.put("port", i.port());
      n.put("adminPort", i.adminPort());
    }
  }

  /**
   * The state in {@code dir}, if there is one.
   *
   * @throws IllegalStateException when the file is not a rollout's state
   */
  public static Optional<RolloutState> read(Path dir) {
    Path file = dir.resolve("state.json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      List<RolloutPlan.Step> steps = new ArrayList<>();
      for (JsonNode n : root.path("steps")) {
        steps.add(
            new RolloutPlan.Step(
                n.path("number").asInt(),
                n.path("region").asText(),
                n.path("group").asText(),
                RolloutPlan.Scope.valueOf(n.path("scope").asText())));
      }
      return Optional.of(
          new RolloutState(
              root.path("id").asText(),
              new RolloutPlan(root.path("service").asText(), root.path("to").asText(), steps),
              root.path("from").asText(),
              instances(root.path("original")),
              root.path("stepsDone").asInt(),
              Phase.valueOf(root.path("phase").asText()),
              instances(root.path("extra")),
              Instant.parse(root.path("started").asText()),
              root.path("note").asText("")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(file + " is not a rollout's state: " + e.getMessage(), e);
    }
  }

  private static List<Fleet.Instance> instances(JsonNode list) {
    List<Fleet.Instance> out = new ArrayList<>();
    for (JsonNode n : list) {
      out.add(
          new Fleet.Instance(
              n.path("region").asText(),
              n.path("group").asText(),
              n.path("index").asInt(),
              n.path("release").asText(),
              n.path("port").asInt(),
              n.path("adminPort").asInt()));
    }
    return out;
  }
}
