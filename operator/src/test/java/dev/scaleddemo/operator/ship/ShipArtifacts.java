package dev.scaleddemo.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.scaleddemo.operator.Regeneration;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.it.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The checked-in install artifacts under deploy/, computed from what this build generated (run after package):
 * <ul>
 *   <li>{@code deploy/install.yaml}: the operator's Namespace (restricted Pod Security), the CRD and
 *       target/kubernetes/kubernetes.yml (ServiceAccount, RBAC, Service, Deployment), in apply order;</li>
 *   <li>{@code deploy/helm/scaled-demo-operator/}: the chart quarkus-helm + QOSDK generate, as is;</li>
 *   <li>{@code deploy/bundle/scaled-demo-operator/}: QOSDK's OLM bundle; its CSV gets {@code alm-examples} from
 *       samples/ and the owned CRD's spec and status descriptors from the CRD schema (the generator has no
 *       mechanism for either), everything else is the generator's.</li>
 * </ul>
 * Plus helpers to run the tools (kubectl, helm, operator-verify) the tests use.
 */
public final class ShipArtifacts {
  public static final String NAME = "scaled-demo-operator";
  public static final String NAMESPACE = "scaled-demo-system";
  public static final String CRD_FILE = LocalCluster.CRD_FILE;
  public static final String CSV_FILE = "manifests/" + NAME + ".clusterserviceversion.yaml";
  public static final String NAMESPACES_ENV = "QUARKUS_OPERATOR_SDK_CONTROLLERS_SCALEDDEMOAPPRECONCILER_NAMESPACES";
  /** failsafe runs in operator/: this build's output */
  static final Path TARGET = Path.of("target").toAbsolutePath();

  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ShipArtifacts() {}

  public static Path deploy() {
    return TestApps.root().resolve("deploy");
  }

  public static Path installYamlFile() {
    return deploy().resolve("install.yaml");
  }

  public static Path helmChartDir() {
    return deploy().resolve("helm").resolve(NAME);
  }

  public static Path bundleDir() {
    return deploy().resolve("bundle").resolve(NAME);
  }

  // ------------------------------------------------------------------------------------------------ install.yaml

  public static String installYaml() throws IOException {
    String crd = Files.readString(TARGET.resolve("kubernetes").resolve(CRD_FILE));
    String resources = sortEnv(Files.readString(TARGET.resolve("kubernetes/kubernetes.yml")));
    StringBuilder sb = new StringBuilder();
    sb.append("""
        # scaled-demo-operator: everything `kubectl apply -f` needs (namespace, CRD, service account, RBAC,
        # Deployment). Generated from the build (target/kubernetes/); do not edit: change
        # operator/src/main/resources/application.properties or operator/src/main/kubernetes/, then run
        #   ./mvnw verify -Dinstall.update=true
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels:
            app.kubernetes.io/name: %s
            pod-security.kubernetes.io/enforce: restricted
            pod-security.kubernetes.io/warn: restricted
        """.formatted(NAMESPACE, NAME));
    sb.append("---\n").append(stripLeadingComments(crd).replaceFirst("^---\n", "")).append(crd.endsWith("\n") ? "" : "\n");
    sb.append("---\n").append(resources.replaceFirst("^---\n", "")).append(resources.endsWith("\n") ? "" : "\n");
    return sb.toString();
  }

  private static String stripLeadingComments(String yaml) {
    StringBuilder out = new StringBuilder();
    boolean header = true;
    for (String line : yaml.split("\n", -1)) {
      if (header && line.startsWith("#")) continue;
      header = false;
      out.append(line).append('\n');
    }
    return out.substring(0, out.length() - 1);
  }

  // ------------------------------------------------------------------------------------------------ Helm chart

  public static Map<String, String> helmChart() throws IOException {
    Map<String, String> files = readTree(TARGET.resolve("helm/kubernetes").resolve(NAME));
    files.replaceAll((file, content) -> file.startsWith("templates/") ? sortEnv(content) : content);
    return files;
  }

  // ------------------------------------------------------------------------------------------------ OLM bundle

  public static Map<String, String> bundle() throws IOException {
    Map<String, String> files = readTree(TARGET.resolve("bundle").resolve(NAME));
    assertThat(files).as("QOSDK bundle output").containsKey(CSV_FILE);
    files.put(CSV_FILE, completeCsv(sortEnv(files.get(CSV_FILE)),
        Files.readString(TARGET.resolve("kubernetes").resolve(CRD_FILE)), samples()));
    // the CSV only holds the operator's own permissions; OLM applies other ClusterRoles found in manifests/
    for (JsonNode role : userClusterRoles(Files.readString(TARGET.resolve("kubernetes/kubernetes.yml")))) {
      files.put("manifests/" + role.at("/metadata/name").asText() + "_rbac.authorization.k8s.io_v1_clusterrole.yaml",
          YAML.writeValueAsString(role));
    }
    return files;
  }

  /** Kubernetes' admin, edit and view ClusterRoles take in the rules of ClusterRoles with these labels. */
  public static final List<String> AGGREGATE_LABELS = List.of("rbac.authorization.k8s.io/aggregate-to-admin",
      "rbac.authorization.k8s.io/aggregate-to-edit", "rbac.authorization.k8s.io/aggregate-to-view");

  /** The ClusterRoles for users (aggregated into admin, edit, view) among the generated resources. */
  public static List<JsonNode> userClusterRoles(String kubernetesYml) throws IOException {
    List<JsonNode> roles = new ArrayList<>();
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(kubernetesYml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && "ClusterRole".equals(doc.path("kind").asText())
            && AGGREGATE_LABELS.stream().anyMatch(l -> doc.at("/metadata/labels").has(l))) {
          roles.add(doc);
        }
      }
    }
    return roles;
  }

  // ------------------------------------------------------------------------------------------------ OLM catalog

  public static Path catalogFile() {
    return deploy().resolve("catalog").resolve(NAME).resolve("catalog.yaml");
  }

  /** The last release: {@code hack/previous-release}'s first data line is "commit version description". */
  static String previousReleaseVersion() throws IOException {
    String line = Files.readAllLines(TestApps.root().resolve("hack/previous-release")).stream()
        .filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow();
    return Semver.parse(line.split("\\s+")[1]).toString();
  }

  /** ghcr.io/scaled-demo/scaled-demo-operator:0.2.0 -> ghcr.io/scaled-demo/scaled-demo-operator-bundle:v0.2.0 */
  static String bundleImage(String operatorImage, String version) {
    return operatorImage.substring(0, operatorImage.lastIndexOf(':')) + "-bundle:v" + version;
  }

  /**
   * deploy/catalog/: the checked-in catalog with this build's bundle as the head of the default channel (its
   * replaces and skipRange from the CSV), the released bundles before it, and the previous release of
   * hack/previous-release when the catalog does not have it yet.
   */
  public static String catalog() throws IOException {
    Map<String, String> bundle = bundle();
    JsonNode csv = YAML.readTree(bundle.get(CSV_FILE));
    JsonNode annotations = YAML.readTree(bundle.get("metadata/annotations.yaml")).path("annotations");
    String pkg = annotations.path("operators.operatorframework.io.bundle.package.v1").asText();
    String channel = annotations.path("operators.operatorframework.io.bundle.channel.default.v1").asText();
    List<JsonNode> gvks = new ArrayList<>();
    csv.at("/spec/customresourcedefinitions/owned").forEach(crd -> gvks.add(JsonNodeFactory.instance.objectNode()
        .put("group", crd.path("name").asText().substring(crd.path("name").asText().indexOf('.') + 1))
        .put("kind", crd.path("kind").asText()).put("version", crd.path("version").asText())));
    String version = csv.at("/spec/version").asText();
    String operatorImage = csv.at("/metadata/annotations/containerImage").asText();
    String name = csv.at("/metadata/name").asText();
    var release = new OlmCatalog.Bundle(name, version, bundleImage(operatorImage, version), gvks);
    var entry = new OlmCatalog.Entry(name, csv.at("/spec/replaces").asText(null), List.of(),
        csv.at("/metadata/annotations/olm.skipRange").asText(null));
    // the previous release served the same API (v1alpha1 since the first release)
    String previousVersion = previousReleaseVersion();
    var previous = new OlmCatalog.Bundle(NAME + ".v" + previousVersion, previousVersion,
        bundleImage(operatorImage, previousVersion), gvks);
    OlmCatalog existing = Files.exists(catalogFile()) ? OlmCatalog.parse(Files.readString(catalogFile()))
        : OlmCatalog.empty(pkg, channel);
    return existing.withRelease(channel, previous, release, entry).toYaml();
  }

  public static List<Path> samples() throws IOException {
    try (Stream<Path> s = Files.list(TestApps.root().resolve("samples"))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** The generator's CSV plus alm-examples (samples, in file name order) and spec/status descriptors. */
  static String completeCsv(String generatedCsv, String crdYaml, List<Path> samples) throws IOException {
    ObjectNode csv = (ObjectNode) YAML.readTree(generatedCsv);
    ArrayNode examples = JSON.createArrayNode();
    for (Path sample : samples) {
      examples.add(YAML.readTree(Files.readString(sample)));
    }
    ((ObjectNode) csv.with("metadata").with("annotations"))
        .put("alm-examples", JSON.writeValueAsString(examples).replace("\r\n", "\n"));
    JsonNode crd = YAML.readTree(crdYaml);
    JsonNode version = crd.path("spec").path("versions").get(0);
    JsonNode schema = version.path("schema").path("openAPIV3Schema").path("properties");
    for (JsonNode owned : csv.path("spec").path("customresourcedefinitions").path("owned")) {
      if (!crd.path("metadata").path("name").asText().equals(owned.path("name").asText())) continue;
      ArrayNode spec = ((ObjectNode) owned).putArray("specDescriptors");
      specDescriptors("", null, schema.path("spec").path("properties"), spec);
      ArrayNode status = ((ObjectNode) owned).putArray("statusDescriptors");
      statusDescriptors(schema.path("status").path("properties"), status);
    }
    return YAML.writeValueAsString(csv);
  }

  /** Kubernetes types embedded in the spec: described as one field each. */
  static final Set<String> OPAQUE = Set.of("resources", "scaling.behavior");

  private static void specDescriptors(String prefix, String group, JsonNode props, ArrayNode out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      var e = it.next();
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode field = e.getValue();
      if (field.has("properties") && !OPAQUE.contains(path)) {
        specDescriptors(path, group == null ? e.getKey() : group, field.path("properties"), out);
        continue;
      }
      List<String> x = new ArrayList<>();
      if (path.equals("resources")) x.add("urn:alm:descriptor:com.tectonic.ui:resourceRequirements");
      else if (OPAQUE.contains(path)) x.add("urn:alm:descriptor:com.tectonic.ui:advanced");
      else switch (field.path("type").asText()) {
        case "boolean" -> x.add("urn:alm:descriptor:com.tectonic.ui:booleanSwitch");
        case "integer", "number" -> x.add("urn:alm:descriptor:com.tectonic.ui:number");
        case "string" -> x.add("urn:alm:descriptor:com.tectonic.ui:text");
        default -> { } // maps (labels): no widget
      }
      if (group != null) x.add("urn:alm:descriptor:com.tectonic.ui:fieldGroup:" + group);
      out.add(descriptor(path, field, x));
    }
  }

  private static void statusDescriptors(JsonNode props, ArrayNode out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      var e = it.next();
      String x = switch (e.getKey()) {
        case "conditions" -> "urn:alm:descriptor:io.kubernetes.conditions";
        case "replicas", "desiredReplicas" -> "urn:alm:descriptor:com.tectonic.ui:podCount";
        default -> "urn:alm:descriptor:text";
      };
      out.add(descriptor(e.getKey(), e.getValue(), List.of(x)));
    }
  }

  private static ObjectNode descriptor(String path, JsonNode field, List<String> xDescriptors) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    d.put("path", path);
    d.put("displayName", displayName(path.substring(path.lastIndexOf('.') + 1)));
    if (field.hasNonNull("description")) d.put("description", field.get("description").asText());
    if (!xDescriptors.isEmpty()) {
      ArrayNode x = d.putArray("x-descriptors");
      xDescriptors.forEach(x::add);
    }
    return d;
  }

  static String displayName(String camel) {
    String spaced = camel.replaceAll("([a-z0-9])([A-Z])", "$1 $2");
    return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
  }

  // ------------------------------------------------------------------------------------------------ drift

  /** Blocks whose entries the Kubernetes extension writes in a different order from build to build. */
  static final java.util.regex.Pattern BUILD_PROVENANCE =
      java.util.regex.Pattern.compile("^\\s*\"?app\\.quarkus\\.io/(commit-id|vcs-uri)\"?\\s*:");
  static final Set<String> UNORDERED = Set.of("env:", "labels:", "annotations:", "matchLabels:");

  /**
   * The Kubernetes extension writes the container's environment variables and the labels and annotations maps in
   * a different order from build to build (they come from unordered collections): sorted here (env by name, maps
   * by key), so that the checked-in copies only change when their content does. Works on the text, since the Helm
   * templates are not YAML, for block style sequences and maps, whichever way they are indented.
   */
  public static String sortEnv(String yaml) {
    // where and from which commit the build ran (a clone's git remote and HEAD) is no part of what we ship
    List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)).stream()
        .filter(l -> !BUILD_PROVENANCE.matcher(l).find()).toList());
    for (int i = 0; i < lines.size(); i++) {
      String key = lines.get(i).trim();
      if (key.startsWith("- ")) key = key.substring(2);
      if (!UNORDERED.contains(key)) continue;
      int first = i + 1;
      if (first >= lines.size() || lines.get(first).isBlank()) continue;
      int keyIndent = lines.get(i).indexOf(key);
      int itemIndent = indent(lines.get(first));
      boolean sequence = lines.get(first).trim().startsWith("- ");
      if (!sequence && itemIndent <= keyIndent) continue; // empty map
      List<List<String>> entries = new ArrayList<>();
      int j = first;
      while (j < lines.size()) {
        String l = lines.get(j);
        int ind = indent(l);
        if (l.isBlank() || ind < itemIndent || (sequence && ind == itemIndent && !l.trim().startsWith("- "))) break;
        if (ind == itemIndent) entries.add(new ArrayList<>());
        entries.get(entries.size() - 1).add(l);
        j++;
      }
      entries.sort(java.util.Comparator.comparing(e -> e.get(0).trim()));
      List<String> sorted = entries.stream().flatMap(List::stream).toList();
      for (int k = 0; k < sorted.size(); k++) lines.set(first + k, sorted.get(k));
    }
    return String.join("\n", lines);
  }

  private static int indent(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') n++;
    return n;
  }

  /** Relative path -> content of every regular file under {@code dir}. */
  static Map<String, String> readTree(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) return files;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p));
      }
    }
    return files;
  }

  /**
   * {@code dir} must equal {@code expected}; with {@code -D<updateProperty>=true} (or {@code -Dship.update=true})
   * rewrites it and fails (see {@link Regeneration}).
   */
  static void syncTree(Map<String, String> expected, Path dir, String updateProperty) throws IOException {
    if (Regeneration.requested(updateProperty, "ship.update")) {
      for (String stale : readTree(dir).keySet()) {
        if (!expected.containsKey(stale)) Files.delete(dir.resolve(stale));
      }
      for (var e : expected.entrySet()) {
        Path p = dir.resolve(e.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, e.getValue());
      }
      throw Regeneration.regenerated(TestApps.root().relativize(dir).toString());
    }
    String hint = TestApps.root().relativize(dir) + " is stale: run ./mvnw verify -D" + updateProperty
        + "=true and commit it";
    Map<String, String> actual = readTree(dir);
    assertThat(actual.keySet()).as(hint).containsExactlyElementsOf(expected.keySet());
    expected.forEach((file, content) -> assertThat(actual.get(file)).as(hint + " (" + file + ")").isEqualTo(content));
  }

  static void syncFile(String expected, Path file, String updateProperty) throws IOException {
    if (Regeneration.requested(updateProperty, "ship.update")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, expected);
      throw Regeneration.regenerated(TestApps.root().relativize(file).toString());
    }
    assertThat(file).as(TestApps.root().relativize(file) + " is stale: run ./mvnw verify -D" + updateProperty
        + "=true and commit it").exists();
    assertThat(Files.readString(file)).as(TestApps.root().relativize(file) + " is stale: run ./mvnw verify -D"
        + updateProperty + "=true and commit it").isEqualTo(expected);
  }

  // ------------------------------------------------------------------------------------------------ tools

  /** Runs a hack/build-*.sh script (cached after the first build) and returns the tool it printed last. */
  public static Path buildTool(String script) {
    return LocalCluster.build(TestApps.root(), "hack/" + script, Duration.ofMinutes(30));
  }

  public static LocalCluster.Result exec(Path dir, Map<String, String> env, Duration timeout, String stdin,
      String... cmd) {
    return LocalCluster.exec(dir, env, timeout, stdin, cmd);
  }
}
