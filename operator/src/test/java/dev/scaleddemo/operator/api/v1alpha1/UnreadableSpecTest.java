package dev.scaleddemo.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.validation.SpecValidator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Specs an older CRD admitted and the model cannot hold: they must still deserialize, naming the field. */
class UnreadableSpecTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  static List<Arguments> unreadable() {
    return List.of(
        Arguments.of("resources: {requests: {cpu: ''}}", "spec.resources.requests.cpu ('') cannot be read"),
        Arguments.of("scaling: {behavior: {scaleUp: {stabilizationWindowSeconds: 99999999999}}}",
            "spec.scaling.behavior.scaleUp.stabilizationWindowSeconds (99999999999) cannot be read"),
        Arguments.of("scaling: {behavior: {scaleDown: {policies: [{type: Pods, value: 1, periodSeconds: 4294967296}]}}}",
            "spec.scaling.behavior.scaleDown.policies[0].periodSeconds (4294967296) cannot be read"),
        Arguments.of("scaling: {behavior: {scaleDown: {tolerance: ''}}}",
            "spec.scaling.behavior.scaleDown.tolerance ('') cannot be read"),
        Arguments.of("port: not-a-number", "spec.port (\"not-a-number\") cannot be read"),
        Arguments.of("scaling: [1, 2]", "spec.scaling ([1,2]) cannot be read"));
  }

  @ParameterizedTest
  @MethodSource("unreadable")
  void anUnreadableSpecDeserializesAndTheValidatorNamesTheField(String spec, String expected) {
    String yaml = "apiVersion: scaleddemo.dev/v1alpha1\nkind: ScaledDemoApp\nmetadata: {name: bad, namespace: x}\n"
        + "spec: {" + spec.replace("''", "\"\"") + "}\nstatus: {conditions: 42}\n";
    ScaledDemoApp app = JSON.unmarshal(yaml, ScaledDemoApp.class);

    assertThat(app.getMetadata().getName()).isEqualTo("bad");
    assertThat(app.getSpec()).isInstanceOf(UnreadableSpec.class);
    assertThat(app.getStatus()).as("an unreadable status is dropped").isNull();
    assertThat(SpecValidator.validate(app)).singleElement().asString()
        .startsWith(expected.replace("''", "\"\"")).doesNotContain("io.fabric8", "java.");

    // JOSDK clones resources through JSON: the raw spec survives the round trip, and so does the verdict
    ScaledDemoApp clone = JSON.clone(app);
    assertThat(clone.getSpec()).isInstanceOf(UnreadableSpec.class);
    assertThat(SpecValidator.validate(clone)).isEqualTo(SpecValidator.validate(app));
  }
}
