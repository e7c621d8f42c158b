package io.squadron.rpc.internal.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorInfo;
import java.util.Collection;

/**
 * Protobuf messages to proto3 JSON, with every message type of the served APIs and of {@code
 * google.rpc}'s error details known, so {@code Any} values (error details, per-item statuses) print
 * with their {@code @type}. Field names are lowerCamelCase; fields at their default value are
 * printed too (grpc-gateway's default), so a browser client never meets a missing field; 64-bit
 * integers are strings, enums their names.
 */
final class JsonCodec {
  private final JsonFormat.TypeRegistry registry;
  private final JsonFormat.Printer printer;

  JsonCodec(Collection<Descriptor> apiTypes) {
    JsonFormat.TypeRegistry.Builder types =
        JsonFormat.TypeRegistry.newBuilder().add(ErrorInfo.getDescriptor());
    apiTypes.forEach(types::add); // adds each type's whole file and its imports
    this.registry = types.build();
    this.printer =
        JsonFormat.printer()
            .usingTypeRegistry(registry)
            .includingDefaultValueFields()
            .omittingInsignificantWhitespace();
  }

  /** {@code message} as JSON. */
  String print(Message message) throws InvalidProtocolBufferException {
    return printer.print(message);
  }

  /** The field {@code field} of {@code message}, as JSON (a {@code response_body} rule). */
  String printField(Message message, String field) throws InvalidProtocolBufferException {
    JsonElement whole = JsonParser.parseString(printer.print(message));
    JsonElement value =
        whole
            .getAsJsonObject()
            .get(message.getDescriptorForType().findFieldByName(field).getJsonName());
    return value == null ? "null" : value.toString();
  }

  /**
   * {@code status} as JSON; details of a type no served API declares are left out rather than
   * failing the answer.
   */
  String printStatus(com.google.rpc.Status status) {
    com.google.rpc.Status.Builder known = status.toBuilder().clearDetails();
    for (Any detail : status.getDetailsList()) {
      String url = detail.getTypeUrl();
      if (registry.find(url.substring(url.lastIndexOf('/') + 1)) != null) {
        known.addDetails(detail);
      }
    }
    try {
      return printer.print(known);
    } catch (InvalidProtocolBufferException e) {
      // A detail that does not parse as its declared type: say only what the code and message say.
      return "{\"code\":"
          + status.getCode()
          + ",\"message\":"
          + new com.google.gson.JsonPrimitive(status.getMessage())
          + ",\"details\":[]}";
    }
  }
}
