package io.squadron.deploy.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses manifests with fabric8's Kubernetes model, strictly: a built-in kind becomes its model
 * class (a wrong type fails Jackson), and any field the model does not know, at any depth, fails
 * too (fabric8 would otherwise keep it quietly in {@code additionalProperties}). Kinds of custom
 * resources parse as {@link GenericKubernetesResource}.
 */
final class StrictKubernetes {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // apiVersion + kind -> the model's class (GenericKubernetesResource for kinds it does not
          // know).
          .registerModule(
              new SimpleModule()
                  .addDeserializer(KubernetesResource.class, new KubernetesDeserializer()));

  private StrictKubernetes() {}

  /** Every document of a YAML stream, as the model's objects. */
  static List<HasMetadata> parseAll(String yaml) throws IOException {
    List<HasMetadata> resources = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(yaml)) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        KubernetesResource resource = YAML.treeToValue(doc, KubernetesResource.class);
        if (!(resource instanceof HasMetadata object)) {
          throw new IllegalArgumentException("not a Kubernetes object: " + doc);
        }
        if (!(object instanceof GenericKubernetesResource)) {
          requireNoUnknownFields(
              object,
              object.getKind() + "/" + object.getMetadata().getName(),
              java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        }
        resources.add(object);
      }
    }
    return resources;
  }

  private static void requireNoUnknownFields(Object value, String path, Set<Object> seen) {
    if (value == null || !seen.add(value)) {
      return;
    }
    if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        requireNoUnknownFields(item, path + "[" + i++ + "]", seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        requireNoUnknownFields(e.getValue(), path + "." + e.getKey(), seen);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method m : value.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || Modifier.isStatic(m.getModifiers())
          || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object child;
      try {
        child = m.invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(path + ": cannot read " + m.getName(), e);
      }
      if (m.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          throw new IllegalArgumentException(
              path + ": fields unknown to the Kubernetes model: " + extra.keySet());
        }
        continue;
      }
      String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      requireNoUnknownFields(child, path + "." + name, seen);
    }
  }
}
