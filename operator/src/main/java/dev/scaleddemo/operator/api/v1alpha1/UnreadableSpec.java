package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * A stored spec that the Java model cannot hold, e.g. {@code resources.requests.cpu: ""} or an integer beyond int32
 * admitted by an older CRD. It keeps the raw JSON (and writes it back unchanged when JOSDK clones the resource),
 * so the app reports {@code InvalidSpec} naming the field while every other app is served as usual.
 */
public final class UnreadableSpec extends ScaledDemoAppSpec {
  private final JsonNode raw;
  private final String problem;

  UnreadableSpec(JsonNode raw, String problem) {
    this.raw = raw;
    this.problem = problem;
  }

  /** The stored JSON, as read. */
  @JsonValue
  public JsonNode raw() {
    return raw;
  }

  /** What cannot be read, naming the field, e.g. {@code spec.resources.requests.cpu ('') cannot be read: ...}. */
  public String problem() {
    return problem;
  }

  /** Reads a spec; anything the model cannot hold becomes an {@link UnreadableSpec}. Never throws on content. */
  public static final class Reader extends JsonDeserializer<ScaledDemoAppSpec> {
    private final RootDeserializers roots = new RootDeserializers();

    @Override
    public ScaledDemoAppSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode node = p.readValueAsTree();
      try {
        return roots.readTree(node, ctxt, ScaledDemoAppSpec.class);
      } catch (JsonMappingException e) {
        return new UnreadableSpec(node, describe("spec", node, e));
      } catch (RuntimeException e) {
        return new UnreadableSpec(node, "spec cannot be read: " + e.getMessage());
      }
    }
  }

  /** Reads a status; one the model cannot hold is dropped (null) and recomputed by the operator. */
  public static final class StatusReader extends JsonDeserializer<ScaledDemoAppStatus> {
    private final RootDeserializers roots = new RootDeserializers();

    @Override
    public ScaledDemoAppStatus deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode node = p.readValueAsTree();
      try {
        return roots.readTree(node, ctxt, ScaledDemoAppStatus.class);
      } catch (JsonMappingException | RuntimeException e) {
        return null;
      }
    }
  }

  /** "spec.a.b[0].c ('raw value') cannot be read: reason", from Jackson's reference chain. */
  static String describe(String root, JsonNode node, JsonMappingException e) {
    StringBuilder field = new StringBuilder(root);
    JsonNode value = node;
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        field.append('.').append(ref.getFieldName());
        value = value == null ? null : value.get(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        field.append('[').append(ref.getIndex()).append(']');
        value = value == null ? null : value.get(ref.getIndex());
      }
    }
    String shown = value == null ? "" : " (" + abbreviate(value.toString()) + ")";
    return field + shown + " cannot be read: " + reason(e);
  }

  private static String reason(JsonMappingException e) {
    Throwable cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
    String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
    // Jackson's messages name Java types after the first line; the first line says what is wrong
    return message == null ? cause.getClass().getSimpleName()
        : message.lines().findFirst().map(l -> l.replaceAll("`[^`]*`", "the field's type")).orElse(message);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.codePoints().limit(77).mapToObj(Character::toString)
        .collect(Collectors.joining()) + "...";
  }
}
