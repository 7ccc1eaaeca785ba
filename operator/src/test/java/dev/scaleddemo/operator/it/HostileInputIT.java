package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import dev.scaleddemo.operator.health.InformerLiveness;
import dev.scaleddemo.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.ReconcilerUtils;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant with create rights on ScaledDemoApp in one namespace, trying to hurt the operator or its neighbours.
 * Admission refuses every input class naming the field; what an older, looser CRD let in (created here under a
 * permissive copy of the CRD before the operator starts) is reported on that app while other apps are served and
 * the probes stay truthful; a child the API server refuses becomes status and nothing running is deleted. The
 * packaged operator runs as a process, so the bad objects exist before it starts.
 */
@NeedsCluster(Capability.FAKE_NODES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
  static final String NS_BAD = "sdo-hostile-" + SUFFIX;
  static final String NS_GOOD = "sdo-neighbour-" + SUFFIX;
  private static final String POLICY = "sdo-hostile-no-ingress-" + SUFFIX;

  @RegisterExtension
  static final OperatorUnderTest sdo = OperatorUnderTest.startedByTests().namespaces(NS_BAD, NS_GOOD);

  /** Runs before the fixture stops the operator. */
  @AfterAll
  static void cleanUp() {
    if (sdo.cluster() != null) {
      liftPolicy();
      sdo.cluster().applyCrd(); // whatever happened, leave the real CRD behind
    }
  }

  static Apps bad() {
    return sdo.apps(NS_BAD);
  }

  static Apps good() {
    return sdo.apps(NS_GOOD);
  }

  /** Input class, the spec (YAML under the ScaledDemoApp's metadata.name) and the field the refusal must name. */
  record Hostile(String name, String spec, String field) {}

  static final List<Hostile> REFUSED = List.of(
      // quantities the model cannot read, and what the Pod spec refuses
      new Hostile("empty-cpu", "spec: {resources: {requests: {cpu: ''}}}", "spec.resources.requests"),
      new Hostile("junk-cpu", "spec: {resources: {requests: {cpu: abc}}}", "spec.resources.requests"),
      new Hostile("negative-memory", "spec: {resources: {limits: {memory: -1Mi}}}", "spec.resources.limits"),
      new Hostile("unknown-resource", "spec: {resources: {requests: {gpus: 1}}}", "spec.resources.requests"),
      new Hostile("request-over-limit", "spec: {resources: {requests: {memory: 1Gi}, limits: {memory: 1Mi}}}",
          "spec.resources.requests must not exceed spec.resources.limits"),
      new Hostile("claims", "spec: {resources: {claims: [{name: gpu}]}}", "spec.resources.claims"),
      // behavior: integers beyond int32 and the HPA API's bounds, quantities
      new Hostile("huge-window", "spec: {scaling: {behavior: {scaleUp: {stabilizationWindowSeconds: 99999999999}}}}",
          "spec.scaling.behavior.scaleUp.stabilizationWindowSeconds"),
      new Hostile("huge-period", "spec: {scaling: {behavior: {scaleDown: {policies: [{type: Pods, value: 1,"
          + " periodSeconds: 4294967296}]}}}}", "spec.scaling.behavior.scaleDown.policies"),
      new Hostile("huge-value", "spec: {scaling: {behavior: {scaleUp: {policies: [{type: Percent, value: 2147483648,"
          + " periodSeconds: 15}]}}}}", "spec.scaling.behavior.scaleUp.policies"),
      new Hostile("empty-tolerance", "spec: {scaling: {behavior: {scaleUp: {tolerance: ''}}}}",
          "spec.scaling.behavior.scaleUp.tolerance"),
      new Hostile("junk-tolerance", "spec: {scaling: {behavior: {scaleDown: {tolerance: abc}}}}",
          "spec.scaling.behavior.scaleDown.tolerance"),
      new Hostile("bad-select-policy", "spec: {scaling: {behavior: {scaleDown: {selectPolicy: Sometimes}}}}",
          "spec.scaling.behavior.scaleDown.selectPolicy"),
      // durations: positive, sane, Prometheus' grammar, compared as durations
      new Hostile("zero-interval", "spec: {monitoring: {interval: 0s}}", "spec.monitoring.interval"),
      new Hostile("day-interval", "spec: {monitoring: {interval: 2d}}", "spec.monitoring.interval"),
      new Hostile("unordered-window", "spec: {scaling: {rateWindow: 30s1m}}", "spec.scaling.rateWindow"),
      new Hostile("repeated-unit", "spec: {scaling: {rateWindow: 1m1m}}", "spec.scaling.rateWindow"),
      new Hostile("tiny-window", "spec: {scaling: {rateWindow: 4ms}}", "spec.scaling.rateWindow"),
      new Hostile("huge-window-duration", "spec: {scaling: {rateWindow: 999999h}}", "spec.scaling.rateWindow"),
      new Hostile("long-window", "spec: {scaling: {rateWindow: 25h}, monitoring: {interval: 15s}}",
          "spec.scaling.rateWindow"),
      new Hostile("window-under-four-scrapes", "spec: {scaling: {rateWindow: 119s}, monitoring: {interval: 30s}}",
          "spec.scaling.rateWindow must be at least four times spec.monitoring.interval"),
      // Ingress
      new Hostile("ip-host", "spec: {ingress: {host: 10.1.2.3}}", "spec.ingress.host"),
      new Hostile("double-slash", "spec: {ingress: {host: a.example.com, path: /a//b}}", "spec.ingress.path"),
      new Hostile("dot-dot", "spec: {ingress: {host: a.example.com, path: /x/..}}", "spec.ingress.path"),
      new Hostile("dot-segment", "spec: {ingress: {host: a.example.com, path: /x/./y}}", "spec.ingress.path"),
      new Hostile("encoded-slash", "spec: {ingress: {host: a.example.com, path: /a%2Fb}}", "spec.ingress.path"),
      // ServiceMonitor labels
      new Hostile("label-key-space", "spec: {monitoring: {serviceMonitorLabels: {'bad key': x}}}",
          "spec.monitoring.serviceMonitorLabels keys"),
      new Hostile("label-value-space", "spec: {monitoring: {serviceMonitorLabels: {release: 'has space'}}}",
          "spec.monitoring.serviceMonitorLabels values"),
      new Hostile("label-value-long", "spec: {monitoring: {serviceMonitorLabels: {release: " + "v".repeat(64) + "}}}",
          "spec.monitoring.serviceMonitorLabels.release"),
      new Hostile("label-flood", "spec: {monitoring: {serviceMonitorLabels: {"
          + IntStream.range(0, 65).mapToObj(i -> "k" + i + ": v").collect(Collectors.joining(", ")) + "}}}",
          "spec.monitoring.serviceMonitorLabels"),
      // counters the Prometheus client refuses
      new Hostile("created-counter", "spec: {metric: {counter: clicks_created_total}}", "spec.metric.counter"),
      new Hostile("info-counter", "spec: {metric: {counter: clicks_info_total}}", "spec.metric.counter"),
      new Hostile("total-total-counter", "spec: {metric: {counter: clicks_total_total}}", "spec.metric.counter"),
      new Hostile("bucket-counter", "spec: {metric: {counter: clicks_bucket_total}}", "spec.metric.counter"),
      new Hostile("reserved-counter", "spec: {metric: {counter: __clicks_total}}", "spec.metric.counter"),
      // image references
      new Hostile("image-spaces", "spec: {image: 'demo app:latest'}", "spec.image"),
      new Hostile("image-upper-case-path", "spec: {image: ghcr.io/Scaled/Demo}", "spec.image"));

  @Test
  @Order(1)
  void admissionRefusesEveryHostileInputNamingTheField() {
    for (Hostile h : REFUSED) {
      KubernetesClientException e = bad().refusal(h.name(), h.spec());
      assertThat(e.getCode()).as(h.name() + ": " + e.getMessage()).isEqualTo(422);
      assertThat(e.getStatus().getMessage()).as(h.name()).contains(h.field());
    }
    // names no child can carry: the Service name is a DNS-1035 label, the instance label at most 63 characters
    for (String name : List.of("demo.app", "a".repeat(64), "9lives")) {
      KubernetesClientException e = bad().refusal(name, "spec: {}");
      assertThat(e.getCode()).as(name + ": " + e.getMessage()).isEqualTo(422);
      assertThat(e.getStatus().getMessage()).as(name).contains("metadata.name");
    }
    assertThat(bad().all().inNamespace(NS_BAD).list().getItems()).isEmpty();
  }

  /**
   * JOSDK adds its finalizer with a server-side apply of the bare name and finalizer. When the app was deleted
   * before that (a user's quick delete, a burst's queue), the apply would create it again, spec-less, and the
   * operator would deploy what its owner just removed: a create without a spec is refused.
   */
  @Test
  @Order(1)
  void aFinalizerApplyToADeletedAppDoesNotCreateIt() {
    ScaledDemoApp finalizerOnly = new ScaledDemoApp();
    finalizerOnly.setMetadata(new ObjectMetaBuilder().withName("deleted-meanwhile").withNamespace(NS_BAD).build());
    finalizerOnly.addFinalizer(ReconcilerUtils.getDefaultFinalizerName(ScaledDemoApp.class));
    KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> sdo.client().resource(finalizerOnly)
        .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager("finalizer-test")
            .withForce(true).build()));
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
    assertThat(e.getStatus().getMessage()).contains("spec");
    assertThat(bad().app("deleted-meanwhile").get()).isNull();
  }

  /** The edges of what is allowed stay allowed: admission parity, not a stricter guess. */
  @Test
  @Order(1)
  void admissionAcceptsTheEdgesOfWhatIsValid() {
    String name = "a" + "-".repeat(61) + "z";
    bad().create(name, """
        spec:
          image: localhost:5000/team/demo-app:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          resources: {requests: {cpu: 1, memory: 64Mi, hugepages-2Mi: 0, example.com/dongle: "2"}, limits: {memory: 64Mi}}
          scaling:
            rateWindow: 1h2m3s500ms
            behavior:
              scaleUp: {stabilizationWindowSeconds: 3600, tolerance: 50m, selectPolicy: Max,
                        policies: [{type: Percent, value: 2147483647, periodSeconds: 1800}]}
          monitoring:
            interval: 1m30s
            serviceMonitorLabels: {example.com/team: a-b_c.d, release: prometheus, empty: ""}
          metric: {counter: "app:clicks_total"}
          ingress: {host: "*.example.com", path: /a/b.c/..d}
        """);
    bad().app(name).delete();
  }

  @Test
  @Order(2)
  void objectsStoredUnderALooserCrdNeitherStopTheOperatorNorHideFromTheirOwner() throws IOException {
    Map<String, String> stored = Map.of(
        "empty-cpu", "spec: {resources: {requests: {cpu: ''}}}",
        "huge-window", "spec: {scaling: {behavior: {scaleUp: {stabilizationWindowSeconds: 99999999999}}}}",
        "empty-tolerance", "spec: {scaling: {behavior: {scaleDown: {tolerance: ''}}}}",
        // its own counter: AdapterRules.claims still counts apps with an invalid spec (reported, not fixed here)
        "unordered-window", "spec: {scaling: {rateWindow: 30s1m}, metric: {counter: hostile_window_total}}");
    Map<String, String> field = Map.of(
        "empty-cpu", "spec.resources.requests.cpu",
        "huge-window", "spec.scaling.behavior.scaleUp.stabilizationWindowSeconds",
        "empty-tolerance", "spec.scaling.behavior.scaleDown.tolerance",
        "unordered-window", "spec.scaling.rateWindow");

    sdo.cluster().applyPermissiveCrd();
    stored.forEach(bad()::create);
    // These two cannot even get the SDK's finalizer: server-side apply cannot type a wrong JSON type in the live
    // object (HTTP 500), and the root rule on metadata.name refuses every write to an app stored before it. The
    // operator must survive them and serve everyone else.
    bad().create("wrong-type", "spec: {port: not-a-number}");
    bad().create("demo.app", "spec: {}");
    sdo.cluster().applyCrd();

    OperatorProcess operator = sdo.start("hostile");

    good().create("neighbour", "spec: {}");
    good().awaitConverged("neighbour");
    for (String name : stored.keySet()) {
      Wait.await(name + " reports InvalidSpec").untilAsserted(() -> {
        Map<String, Object> ready = bad().condition(name, Conditions.READY);
        assertThat(ready).as(name + ", operator log:\n" + operator.log().lines().filter(l -> l.contains(name))
            .collect(Collectors.joining("\n"))).isNotNull();
        assertThat(ready.get("status")).isEqualTo(Conditions.FALSE);
        assertThat(ready.get("reason")).isEqualTo(Conditions.INVALID_SPEC);
        assertThat((String) ready.get("message")).contains(field.get(name)).doesNotContain("java.", "io.fabric8");
        assertThat(((Number) ready.get("observedGeneration")).longValue()).isEqualTo(bad().generation(name));
      });
      Wait.await(name + " has a Warning event").untilAsserted(() ->
          assertThat(sdo.client().events().v1().events().inNamespace(NS_BAD).list().getItems())
              .anySatisfy(ev -> {
                assertThat(ev.getRegarding().getName()).isEqualTo(name);
                assertThat(ev.getType()).isEqualTo("Warning");
                assertThat(ev.getNote()).contains(field.get(name));
              }));
      assertThat(sdo.client().apps().deployments().inNamespace(NS_BAD).withName(name).get()).as(name).isNull();
    }

    // the probes tell the truth: every informer runs, so the operator is live and ready
    LocalCluster.Result live = operator.http("/q/health/live");
    assertThat(live.code()).as(live.stdout()).isEqualTo(200);
    assertThat(live.stdout()).contains(InformerLiveness.NAME);
    LocalCluster.Result ready = operator.http("/q/health/ready");
    assertThat(ready.code()).as(ready.stdout()).isEqualTo(200);
    assertThat(operator.log()).doesNotContain("will stop", "Informer startup error");

    // the owner can still delete them: the cleanup does not need a readable spec
    bad().all().inNamespace(NS_BAD).delete();
    Wait.await("bad apps deleted").untilAsserted(() -> {
      var left = bad().all().inNamespace(NS_BAD).list().getItems();
      assertThat(left).as(() -> "still there: " + left.stream().map(a -> a.getMetadata().getName() + " "
          + a.getMetadata().getFinalizers()).toList() + ", operator log:\n" + operator.log().lines()
          .filter(l -> l.contains(NS_BAD) || l.contains("ERROR")).collect(Collectors.joining("\n"))).isEmpty();
    });
    assertThat(good().condition("neighbour", Conditions.READY).get("status")).isEqualTo(Conditions.TRUE);
  }

  /**
   * An admission policy of the cluster admin refuses the app's Ingress update: the app says so (Ready=False,
   * ReconcileError, the API server's message, the current generation), and the running Ingress and Deployment stay.
   */
  @Test
  @Order(3)
  void aChildTheApiServerRefusesBecomesStatusAndNothingRunningIsDeleted() {
    String name = "policed";
    good().create(name, "spec: {ingress: {host: policed.example.com}}");
    good().awaitConverged(name);

    sdo.cluster().kubectlStdin(policyYaml(), "apply", "--server-side", "-f", "-");
    Ingress probe = new IngressBuilder().withNewMetadata().withName("policy-probe").endMetadata().withNewSpec()
        .withNewDefaultBackend().withNewService().withName("x").withNewPort().withNumber(80).endPort().endService()
        .endDefaultBackend().endSpec().build();
    Wait.await("admission policy active").until(() -> {
      try {
        sdo.client().network().v1().ingresses().inNamespace(NS_GOOD).resource(probe).dryRun().create();
        return false;
      } catch (KubernetesClientException e) {
        return e.getCode() == 422 || e.getCode() == 403;
      }
    });

    good().app(name).edit(a -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) a.getAdditionalProperties().get("spec");
      spec.put("ingress", Map.of("host", "moved.example.com"));
      return a;
    });
    long generation = good().generation(name);
    Wait.await(name + " reports the refused Ingress").untilAsserted(() -> {
      Map<String, Object> ready = good().condition(name, Conditions.READY);
      assertThat(ready.get("status")).isEqualTo(Conditions.FALSE);
      assertThat(ready.get("reason")).isEqualTo(Conditions.RECONCILE_ERROR);
      assertThat((String) ready.get("message")).startsWith("ingress: ").contains(POLICY_MESSAGE)
          .doesNotContain("IngressDependent", "Exception");
      assertThat(((Number) ready.get("observedGeneration")).longValue()).isEqualTo(generation);
    });
    Ingress running = sdo.client().network().v1().ingresses().inNamespace(NS_GOOD).withName(name).get();
    assertThat(running).as("the running Ingress is kept").isNotNull();
    assertThat(running.getSpec().getRules().get(0).getHost()).isEqualTo("policed.example.com");
    assertThat(sdo.client().apps().deployments().inNamespace(NS_GOOD).withName(name).get()).isNotNull();
    assertThat(sdo.client().services().inNamespace(NS_GOOD).withName(name).get()).isNotNull();

    // the admin lifts the policy: the app converges without anyone touching it
    liftPolicy();
    good().awaitConverged(name);
    assertThat(sdo.client().network().v1().ingresses().inNamespace(NS_GOOD).withName(name).get().getSpec().getRules()
        .get(0).getHost()).isEqualTo("moved.example.com");
  }

  /**
   * An admin tightens the CRD (an upgrade) under apps that already carry the operator's finalizer and what the new
   * schema refuses (a wrong type, no spec): their owner can still delete them, and the operator's cleanup runs.
   */
  @Test
  @Order(4)
  void appsStoredBeforeTheCrdTightenedCanStillBeDeleted() {
    Map<String, String> stored = Map.of("tightened", "spec: {port: not-a-number}", "stored-without-spec", "");
    sdo.cluster().applyPermissiveCrd();
    stored.forEach(bad()::create);
    for (String name : stored.keySet()) {
      Wait.await(name + " has the operator's finalizer").until(() ->
          !bad().app(name).get().getMetadata().getFinalizers().isEmpty());
    }
    sdo.cluster().applyCrd();

    stored.keySet().forEach(name -> bad().app(name).delete());
    for (String name : stored.keySet()) {
      Wait.await(name + " deleted").untilAsserted(() -> assertThat(bad().app(name).get()).as(() -> "operator log:\n"
          + sdo.operator().log().lines().filter(l -> l.contains(name) || l.contains("ERROR"))
          .collect(Collectors.joining("\n"))).isNull());
    }
    assertThat(good().condition("neighbour", Conditions.READY).get("status")).isEqualTo(Conditions.TRUE);
  }

  private static final String POLICY_MESSAGE = "Ingresses are frozen in this namespace";

  /** A cluster admin's ValidatingAdmissionPolicy (and its binding) that freezes Ingresses in NS_GOOD. */
  private static String policyYaml() {
    return """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: %s}
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
            - {apiGroups: [networking.k8s.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [ingresses]}
          validations:
          - {expression: "false", message: "%s"}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: %s}
        spec:
          policyName: %s
          validationActions: [Deny]
          matchResources:
            namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %s}}
        """.formatted(POLICY, POLICY_MESSAGE, POLICY, POLICY, NS_GOOD);
  }

  private static void liftPolicy() {
    sdo.cluster().kubectl("delete", "--ignore-not-found", "validatingadmissionpolicybinding/" + POLICY,
        "validatingadmissionpolicy/" + POLICY);
  }
}
