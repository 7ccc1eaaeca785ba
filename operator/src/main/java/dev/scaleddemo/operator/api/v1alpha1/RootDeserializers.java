package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TreeTraversingParser;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Root value deserializers looked up once per class. Jackson's {@code DeserializationContext.readValue} and
 * {@code readTreeAsValue} look one up on every call and introspect the class's annotations each time: 3.7 % of the
 * operator's CPU samples in a burst of 300 apps, as every watch event and every app's spec and status is read so.
 * One instance per deserializer, which Jackson holds per mapper: what it keeps comes from one mapper's configuration.
 */
public final class RootDeserializers {
  private final Map<Class<?>, JsonDeserializer<Object>> byClass = new ConcurrentHashMap<>();

  /** As {@code ctxt.readValue(p, type)}: p at the value's first token. */
  public <T> T read(JsonParser p, DeserializationContext ctxt, Class<T> type) throws IOException {
    JsonDeserializer<Object> deserializer = byClass.get(type);
    if (deserializer == null) {
      deserializer = ctxt.findRootValueDeserializer(ctxt.constructType(type));
      byClass.put(type, deserializer);
    }
    return type.cast(deserializer.deserialize(p, ctxt));
  }

  /** As {@code ctxt.readTreeAsValue(node, type)}. */
  public <T> T readTree(JsonNode node, DeserializationContext ctxt, Class<T> type) throws IOException {
    if (node == null || node.isMissingNode()) {
      return null;
    }
    try (JsonParser tokens = new TreeTraversingParser(node,
        ctxt.getParser() == null ? null : ctxt.getParser().getCodec())) {
      tokens.nextToken();
      return read(tokens, ctxt, type);
    }
  }
}
