package dev.scaleddemo.operator.it;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.manifest.AdapterRules;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One real Kubernetes cluster per test JVM, from the selected {@link ClusterProvider} (the local control plane of
 * {@code hack/cluster.sh} in {@code operator/target/sdo-cluster}, or k3s in a container), stopped at the end. A user's {@code $KUBECONFIG} cluster is never touched implicitly: it is reused only with
 * {@code -Dsdo.it.reuse-kubeconfig=true} (or {@code SDO_IT_REUSE_KUBECONFIG=true}), and only when it has none of
 * what the tests install or change (a throwaway cluster). Then installs the CRDs and a stand-in prometheus-adapter
 * (namespace, ConfigMap with one foreign rule, Deployment). Fails (throws) when anything of that does not work:
 * these tests must never silently skip.
 */
public final class LocalCluster {
  private static final Logger LOG = Logger.getLogger(LocalCluster.class);

  public static final String ADAPTER_NAMESPACE = "monitoring";
  public static final String ADAPTER_CONFIG_MAP = "prometheus-adapter";
  public static final String ADAPTER_DEPLOYMENT = "prometheus-adapter";
  public static final String CRD_NAME = HasMetadata.getFullResourceName(ScaledDemoApp.class);
  /** The file QOSDK generates the CRD into (target/kubernetes/, checked in under crds/). */
  public static final String CRD_FILE = CRD_NAME + "-v1.yml";
  public static final String SERVICE_MONITOR_CRD = "servicemonitors.monitoring.coreos.com";
  /** prometheus-adapter chart's default container_* rule: the test checks the operator keeps it. */
  public static final String FOREIGN_RULE_MATCHES = "^container_(.*)_seconds_total$";
  public static final String FOREIGN_CONFIG = """
      rules:
      - seriesQuery: '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}'
        seriesFilters: []
        resources:
          overrides:
            namespace:
              resource: namespace
            pod:
              resource: pod
        name:
          matches: ^container_(.*)_seconds_total$
          as: ""
        metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>,container!="POD"}[5m])) by (<<.GroupBy>>)
      """;

  private static final String SCHEMALESS_SERVICE_MONITOR_CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: servicemonitors.monitoring.coreos.com
      spec:
        group: monitoring.coreos.com
        scope: Namespaced
        names: {kind: ServiceMonitor, listKind: ServiceMonitorList, plural: servicemonitors, singular: servicemonitor}
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
      """;

  private static LocalCluster instance;

  private final Path root;
  private final Path binDir;
  private final Path kubeconfig;
  private final Path stateDir; // null when reusing an existing cluster
  private final ClusterProvider provider; // null when reusing an existing cluster or another JVM's
  private final String serverUrl;
  private volatile boolean stopped;

  private LocalCluster(Path root, Path binDir, Path kubeconfig, Path stateDir, ClusterProvider provider) {
    this.root = root;
    this.binDir = binDir;
    this.kubeconfig = kubeconfig;
    this.stateDir = stateDir;
    this.provider = provider;
    this.serverUrl = kubectl("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}").trim();
  }

  /** The cluster of this JVM, started (and prepared) on first use. */
  public static synchronized LocalCluster get() {
    if (instance == null) {
      // Quarkus loads test classes in more than one class loader: the JVM-wide handle lives in system properties
      String kc = System.getProperty(PROP_KUBECONFIG);
      if (kc != null) {
        instance = new LocalCluster(TestApps.root(), Path.of(System.getProperty(PROP_BIN)), Path.of(kc), null,
            null);
      } else {
        instance = start();
        System.setProperty(PROP_BIN, instance.binDir.toString());
        System.setProperty(PROP_KUBECONFIG, instance.kubeconfig.toString());
      }
    }
    return instance;
  }

  private static final String PROP_KUBECONFIG = "sdo.it.kubeconfig";
  private static final String PROP_BIN = "sdo.it.bin";
  private static final String PROP_KIND = "sdo.it.cluster.selected";

  /**
   * The kind of cluster this JVM's tests run on ({@link ClusterProvider#PROPERTY}), decided once and without starting
   * anything; reusing {@code $KUBECONFIG} counts as local (its tests fail, not skip, where it lacks something).
   */
  public static synchronized ClusterProvider.Kind selectedKind() {
    String kind = System.getProperty(PROP_KIND);
    if (kind == null) {
      kind = (reuseRequested() ? ClusterProvider.Kind.LOCAL
          : ClusterProvider.choose(ClusterProvider.requested(), K3sCluster::dockerAvailable)).name();
      System.setProperty(PROP_KIND, kind);
    }
    return ClusterProvider.Kind.valueOf(kind);
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public String serverUrl() {
    return serverUrl;
  }

  public Path kubectlBinary() {
    return binDir.resolve("kubectl");
  }

  public boolean startedHere() {
    return stateDir != null;
  }

  public Path root() {
    return root;
  }

  /** A directory for this run's files (operator logs, kubeconfigs). */
  public Path workDir() {
    Path dir = stateDir != null ? stateDir : root.resolve("operator/target/it-work");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return dir;
  }

  /**
   * The API server's audit log of write requests ({@code hack/cluster.sh} writes it next to its kubeconfig). A
   * reused cluster that was not started by {@code hack/cluster.sh} has none: tests that need it fail then.
   */
  public Path auditLog() {
    Path log = kubeconfig.toAbsolutePath().getParent().resolve("audit.log");
    if (!Files.isRegularFile(log)) {
      throw new IllegalStateException("no audit log at " + log + ": start the cluster with hack/cluster.sh");
    }
    return log;
  }

  private static LocalCluster start() {
    long t0 = System.nanoTime();
    Path root = TestApps.root();
    ClusterProvider.Kind kind = selectedKind();
    // k3s needs no Kubernetes build: a kubectl on the PATH will do
    Path binDir = kind == ClusterProvider.Kind.K3S ? kubectlOnPath().orElseGet(() -> buildBinaries(root))
        : buildBinaries(root);
    Path kubectl = binDir.resolve("kubectl");
    if (!Files.isExecutable(kubectl)) {
      throw new IllegalStateException("kubectl missing in " + binDir + " (hack/build-k8s.sh)");
    }
    LocalCluster cluster;
    String env = System.getenv("KUBECONFIG");
    if (reuseRequested()) {
      if (env == null || env.isBlank() || env.contains(java.io.File.pathSeparator) || !Files.isRegularFile(Path.of(env))) {
        throw new IllegalStateException(REUSE_PROPERTY + ": KUBECONFIG must name one kubeconfig file, not '" + env + "'");
      }
      if (!answers(kubectl, Path.of(env))) {
        throw new IllegalStateException(REUSE_PROPERTY + ": the API server of KUBECONFIG=" + env + " does not answer");
      }
      LOG.warnf("Reusing the cluster of KUBECONFIG=%s (%s)", env, REUSE_PROPERTY);
      cluster = new LocalCluster(root, binDir, Path.of(env), null, null);
      cluster.refuseToOverwrite();
    } else {
      ClusterProvider provider = kind == ClusterProvider.Kind.K3S ? new K3sCluster() : new LocalControlPlane();
      ClusterProvider.Started started = provider.start(root);
      cluster = new LocalCluster(root, binDir, started.kubeconfig(), started.stateDir(), provider);
      LocalCluster c = cluster;
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "local-cluster-down"));
    }
    try {
      cluster.prepare();
    } catch (RuntimeException e) {
      cluster.stop();
      throw e;
    }
    LOG.infof("Cluster %s ready in %d ms (kubeconfig %s)", cluster.serverUrl, 
        Duration.ofNanos(System.nanoTime() - t0).toMillis(), cluster.kubeconfig);
    return cluster;
  }

  /** Stops the cluster if this JVM started it (idempotent). */
  public synchronized void stop() {
    if (provider == null || stopped) {
      return;
    }
    stopped = true;
    provider.stop();
  }

  private static java.util.Optional<Path> kubectlOnPath() {
    String path = System.getenv("PATH");
    return path == null ? java.util.Optional.empty() : java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .map(Path::of).filter(dir -> Files.isExecutable(dir.resolve("kubectl"))).findFirst();
  }

  /** The opt-in to run the tests on the cluster of {@code $KUBECONFIG} instead of a local control plane. */
  public static final String REUSE_PROPERTY = "sdo.it.reuse-kubeconfig";
  static final String REUSE_ENV = "SDO_IT_REUSE_KUBECONFIG";

  static boolean reuseRequested() {
    return Boolean.getBoolean(REUSE_PROPERTY) || "true".equalsIgnoreCase(System.getenv(REUSE_ENV));
  }

  /**
   * Fails, naming them, when this cluster already has objects that the tests create, overwrite or delete (the CRDs,
   * the adapter's namespace with its ConfigMap and Deployment, the operator's namespace): a reused cluster must be a
   * throwaway one.
   */
  public void refuseToOverwrite() {
    List<String> existing = new ArrayList<>();
    for (String object : List.of("crd/" + CRD_NAME, "crd/" + SERVICE_MONITOR_CRD, "namespace/" + ADAPTER_NAMESPACE,
        "namespace/" + OperatorProcess.NAMESPACE)) {
      if (!kubectl("get", object, "--ignore-not-found", "-o", "name").isBlank()) {
        existing.add(object);
      }
    }
    if (!existing.isEmpty()) {
      throw new IllegalStateException("the cluster of " + kubeconfig + " already has " + existing + ", which the"
          + " tests would overwrite or delete; reuse (" + REUSE_PROPERTY + ") only a throwaway cluster without them,"
          + " or leave it off to start a local control plane");
    }
  }

  private static Path buildBinaries(Path root) {
    return build(root, "hack/build-k8s.sh", Duration.ofMinutes(30));
  }

  /** Runs a {@code hack/build-*.sh} script (cached builds) and returns the directory it prints last. */
  public static Path build(Path root, String script, Duration timeout) {
    Result r = run(root, Map.of(), timeout, "bash", script);
    if (r.code != 0) {
      throw new IllegalStateException(script + " failed (exit " + r.code + "):\n" + r.output());
    }
    String[] lines = r.stdout.strip().split("\n");
    return Path.of(lines[lines.length - 1].strip());
  }

  private static boolean answers(Path kubectl, Path kubeconfig) {
    Result r = run(Path.of("."), Map.of(), Duration.ofSeconds(15), kubectl.toString(), "--kubeconfig",
        kubeconfig.toString(), "--request-timeout=5s", "get", "--raw", "/readyz");
    return r.code == 0;
  }

  /** The ScaledDemoApp CRD of this build (the checked-in copy when the build has not generated one). */
  public Path crdFile() {
    Path generated = root.resolve("operator/target/kubernetes/" + CRD_FILE);
    return Files.isRegularFile(generated) ? generated : root.resolve("crds/" + CRD_FILE);
  }

  /** (Re)applies the CRD of this build and waits until it is established. */
  public void applyCrd() {
    kubectl("apply", "--server-side", "--force-conflicts", "-f", crdFile().toString());
    awaitEstablished(CRD_NAME);
    awaitSchema(true);
  }

  /**
   * Waits until each named CRD is Established. (`kubectl wait --for condition=Established` fails outright, instead
   * of waiting, while a CRD just applied has no status yet.)
   */
  public void awaitEstablished(String... crdNames) {
    for (String name : crdNames) {
      Wait.await("CRD " + name + " established").until(() -> "True".equals(kubectl("get", "crd", name, "-o",
          "jsonpath={.status.conditions[?(@.type==\"Established\")].status}").strip()));
    }
  }

  /**
   * A CRD that was Established before stays Established while the API server swaps in a new schema, so right after
   * an apply the next writes may still be checked against the old one: wait until a dry run of a wrong type is
   * refused (strict) or accepted (permissive).
   */
  private void awaitSchema(boolean strict) {
    String wrongType = "apiVersion: " + HasMetadata.getApiVersion(ScaledDemoApp.class) + "\nkind: "
        + HasMetadata.getKind(ScaledDemoApp.class) + "\nmetadata: {name: schema-probe, namespace: default}\n"
        + "spec: {port: not-a-number}\n";
    Wait.await((strict ? "the CRD's" : "the permissive") + " schema in force").until(() -> {
      Result r = kubectlResult(wrongType, "create", "--dry-run=server", "-f", "-");
      return strict ? r.code() != 0 && r.stderr().contains("spec.port") : r.code() == 0;
    });
  }

  /**
   * The CRD with every schema and rule removed, as a much older version of it might have been: lets a test store
   * what today's CRD refuses. {@link #applyCrd()} puts the real one back.
   */
  public void applyPermissiveCrd() {
    CustomResourceDefinition crd;
    try {
      crd = Serialization.unmarshal(Files.readString(crdFile()), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    crd.getSpec().getVersions().forEach(v -> v.getSchema().setOpenAPIV3Schema(new JSONSchemaPropsBuilder()
        .withType("object").withXKubernetesPreserveUnknownFields(true).build()));
    crd.getMetadata().setManagedFields(null);
    kubectlStdin(Serialization.asYaml(crd), "apply", "--server-side", "--force-conflicts", "-f", "-");
    awaitEstablished(CRD_NAME);
    awaitSchema(false);
  }

  /** CRDs and the stand-in prometheus-adapter. */
  private void prepare() {
    Path crd = crdFile();
    Path smCrd = binDir.getParent().resolve("crds/monitoring.coreos.com_servicemonitors.yaml");
    if (!Files.isRegularFile(crd)) {
      throw new IllegalStateException("CRD file missing: " + crd);
    }
    kubectl("apply", "--server-side", "--force-conflicts", "-f", crd.toString());
    if (Files.isRegularFile(smCrd)) {
      kubectl("apply", "--server-side", "--force-conflicts", "-f", smCrd.toString());
    } else if (provider instanceof K3sCluster) {
      // without hack/build-k8s.sh's copy of Prometheus Operator's CRD: one that serves the kind without a schema
      LOG.warnf("%s missing: a schema-less ServiceMonitor CRD stands in", smCrd);
      kubectlStdin(SCHEMALESS_SERVICE_MONITOR_CRD, "apply", "--server-side", "-f", "-");
    } else {
      throw new IllegalStateException("CRD file missing: " + smCrd);
    }
    awaitEstablished(CRD_NAME, SERVICE_MONITOR_CRD);
    kubectlStdin(namespaceYaml(ADAPTER_NAMESPACE), "apply", "-f", "-");
    // (re)set the adapter ConfigMap to just the foreign rule, as prometheus-adapter's chart installs it
    resetAdapterConfig(FOREIGN_CONFIG);
    kubectlStdin(adapterDeploymentYaml(), "apply", "-f", "-");
  }

  /** Sets the adapter config to an admin's text, with no record of the operator's rules (as a fresh install). */
  public void resetAdapterConfig(String config) {
    kubectlStdin(adapterConfigMapYaml(config), "apply", "--server-side", "--force-conflicts", "-f", "-");
    kubectl("-n", ADAPTER_NAMESPACE, "annotate", "configmap", ADAPTER_CONFIG_MAP, AdapterRules.LEGACY_ANNOTATION + "-",
        AdapterRules.RECORD_ANNOTATION + "-");
  }

  /** {@code kubectl apply} of {@code samples/<file>} in {@code namespace}, as the README's tutorial does. */
  public void applySample(String namespace, String file) {
    kubectl("-n", namespace, "apply", "-f", root.resolve("samples").resolve(file).toString());
  }

  /** Creates namespace {@code name} and waits for its default ServiceAccount, which pods need. */
  public void createNamespace(String name) {
    kubectlStdin(namespaceYaml(name), "apply", "-f", "-");
    Wait.await("default ServiceAccount in " + name)
        .until(() -> kubectlResult(null, "-n", name, "get", "serviceaccount", "default").code() == 0);
  }

  public static String namespaceYaml(String name) {
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n";
  }

  private static String adapterConfigMapYaml(String config) {
    // JSON-quoted: a block scalar cannot carry every text byte for byte (a missing final newline, say)
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + ADAPTER_CONFIG_MAP + "\n  namespace: "
        + ADAPTER_NAMESPACE + "\ndata:\n  config.yaml: " + io.fabric8.kubernetes.client.utils.Serialization
        .asJson(config) + "\n";
  }

  private static String adapterDeploymentYaml() {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          namespace: %s
        spec:
          replicas: 1
          selector:
            matchLabels:
              app.kubernetes.io/name: prometheus-adapter
          template:
            metadata:
              labels:
                app.kubernetes.io/name: prometheus-adapter
            spec:
              containers:
              - name: prometheus-adapter
                image: registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0
        """.formatted(ADAPTER_DEPLOYMENT, ADAPTER_NAMESPACE);
  }

  /**
   * Writes a kubeconfig that authenticates as ServiceAccount {@code namespace/serviceAccount} (a TokenRequest
   * token) on this cluster, to {@code file}.
   */
  public Path serviceAccountKubeconfig(String namespace, String serviceAccount, Path file) {
    String token = kubectl("-n", namespace, "create", "token", serviceAccount, "--duration=2h").strip();
    String ca = kubectl("config", "view", "--raw", "--minify",
        "-o", "jsonpath={.clusters[0].cluster.certificate-authority-data}").strip();
    String kubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: local
          context: {cluster: local, user: %s, namespace: %s}
        current-context: local
        """.formatted(serverUrl, ca, serviceAccount, token, serviceAccount, namespace);
    try {
      Files.writeString(file, kubeconfig, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return file;
  }

  /** A fabric8 client with this cluster's admin kubeconfig (the caller closes it). */
  public io.fabric8.kubernetes.client.KubernetesClient newClient() {
    try {
      return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
          .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs the v1.36 kubectl against this cluster; throws on a non-zero exit. */
  public String kubectl(String... args) {
    return kubectlStdin(null, args);
  }

  /** Runs kubectl with {@code stdin} (may be null) as its input; throws on a non-zero exit. */
  public String kubectlStdin(String stdin, String... args) {
    Result r = kubectlResult(stdin, args);
    if (r.code != 0) {
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed (exit " + r.code + "):\n"
          + r.output());
    }
    return r.stdout;
  }

  /** Runs kubectl and returns exit code and output without throwing. */
  public Result kubectlResult(String stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(kubectlBinary().toString());
    cmd.add("--kubeconfig");
    cmd.add(kubeconfig.toString());
    cmd.addAll(List.of(args));
    return exec(root, Map.of("KUBECONFIG", kubeconfig.toString()), Duration.ofSeconds(90), stdin,
        cmd.toArray(String[]::new));
  }

  public record Result(int code, String stdout, String stderr) {
    public String output() {
      return stdout + (stderr.isEmpty() ? "" : "\n[stderr]\n" + stderr);
    }
  }

  static Result run(Path dir, Map<String, String> env, Duration timeout, String... cmd) {
    return exec(dir, env, timeout, null, cmd);
  }

  /** Runs {@code cmd} in {@code dir} with {@code stdin} (may be null) and returns its exit code and output. */
  public static Result exec(Path dir, Map<String, String> env, Duration timeout, String stdin, String... cmd) {
    try {
      Path out = Files.createTempFile("sdo-it-", ".out");
      Path err = Files.createTempFile("sdo-it-", ".err");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        if (stdin == null) {
          pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
          try (var os = p.getOutputStream()) {
            os.write(stdin.getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
    }
  }
}
