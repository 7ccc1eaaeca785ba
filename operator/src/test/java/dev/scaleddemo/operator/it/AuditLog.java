package dev.scaleddemo.operator.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API server's audit log (see hack/cluster.sh): every write, and the reads of ServiceAccounts; the writes of a
 * ScaledDemoApp's status with their body.
 */
final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch", "delete", "deletecollection");
  /** Created, but stored nowhere: a question to the authorizer (the SDK's permission check at startup). */
  static final Set<String> REVIEWS = Set.of("selfsubjectrulesreviews", "selfsubjectaccessreviews",
      "subjectaccessreviews", "tokenreviews");

  private AuditLog() {}

  /** Completed write requests of {@code user} received at or after {@code since}, oldest first. */
  static List<JsonNode> writes(Path auditLog, String user, Instant since) throws IOException {
    return requests(auditLog, user, since).stream().filter(AuditLog::isWrite).toList();
  }

  /** A request that changes what the API server stores. */
  static boolean isWrite(JsonNode event) {
    return WRITE_VERBS.contains(event.path("verb").asText())
        && !REVIEWS.contains(event.path("objectRef").path("resource").asText());
  }

  /**
   * Requests of {@code user} (reads only when it is a ServiceAccount) received at or after {@code since}, oldest
   * first, each once: a watch when its response started, anything else when it completed. Lease requests (leader
   * election's heartbeat, not reconciliation) are left out.
   */
  static List<JsonNode> requests(Path auditLog, String user, Instant since) throws IOException {
    List<JsonNode> writes = new ArrayList<>();
    String text = Files.readString(auditLog);
    // up to the last complete line: the API server may be writing the next one
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode event = JSON.readTree(line);
      if (!user.equals(event.path("user").path("username").asText())
          || !("watch".equals(event.path("verb").asText()) ? "ResponseStarted" : "ResponseComplete")
              .equals(event.path("stage").asText())
          // lease renewals are leader election's heartbeat, not reconciliation
          || "leases".equals(event.path("objectRef").path("resource").asText())) {
        continue;
      }
      if (!Instant.parse(event.path("requestReceivedTimestamp").asText()).isBefore(since)) {
        writes.add(event);
      }
    }
    return writes;
  }

  static Instant lastWrite(Path auditLog, String user) throws IOException {
    List<JsonNode> all = writes(auditLog, user, Instant.EPOCH);
    return all.isEmpty() ? Instant.EPOCH
        : Instant.parse(all.get(all.size() - 1).path("requestReceivedTimestamp").asText());
  }

  /**
   * The status writes among {@code writes} that repeat the app's previous one, condition transition times aside: a
   * reconcile that read a copy of the app older than its own last write, and wrote the same status again.
   */
  static List<String> repeatedStatusWrites(List<JsonNode> writes) {
    Map<String, JsonNode> previous = new HashMap<>();
    List<String> repeated = new ArrayList<>();
    for (JsonNode write : writes) {
      JsonNode ref = write.path("objectRef");
      JsonNode status = write.path("requestObject").path("status");
      if (!"status".equals(ref.path("subresource").asText()) || status.isMissingNode()) {
        continue;
      }
      JsonNode content = status.deepCopy();
      content.path("conditions").forEach(c -> ((ObjectNode) c).remove("lastTransitionTime"));
      if (content.equals(previous.put(ref.path("namespace").asText() + "/" + ref.path("name").asText(), content))) {
        repeated.add(describe(write));
      }
    }
    return repeated;
  }

  static String describe(JsonNode event) {
    JsonNode ref = event.path("objectRef");
    return event.path("verb").asText() + " " + ref.path("resource").asText()
        + (ref.has("subresource") ? "/" + ref.path("subresource").asText() : "") + " "
        + ref.path("namespace").asText() + "/" + ref.path("name").asText() + " at "
        + event.path("requestReceivedTimestamp").asText();
  }
}
