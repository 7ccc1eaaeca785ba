package dev.scaleddemo.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator image recipe (operator/src/main/docker/Dockerfile.jvm) and its daemonless twin (quarkus.jib.* in
 * application.properties), checked statically against each other and against the pod the install files run it in.
 */
class OperatorImageTest {
  private static final Path DOCKERFILE = TestApps.root().resolve("operator/src/main/docker/Dockerfile.jvm");
  private static final String MIB = "Mi";
  /** Below this much heap the operator's informer caches of a busy cluster would not fit. */
  private static final long MIN_HEAP_MIB = 128;
  /**
   * Room outside the heap, measured: the packaged operator with these options under -XX:MaxRAM=384m, 30 apps
   * reconciled, had 233 MiB RSS with 57 MiB of heap committed (NMT: metaspace 49, code 20, threads 15, symbols 11,
   * class space 9 MiB). The kernel kills the pod, not an OutOfMemoryError, when this outgrows the limit.
   */
  private static final long MIN_NON_HEAP_MIB = 176;

  private static DockerfileRecipe image;
  private static Properties config;
  private static Container container;

  @BeforeAll
  static void read() throws IOException {
    image = DockerfileRecipe.parse(DOCKERFILE).runtimeStage();
    config = new Properties();
    try (Reader r = Files.newBufferedReader(TestApps.root().resolve("operator/src/main/resources/application.properties"))) {
      config.load(r);
    }
    List<HasMetadata> install = Serialization.unmarshal(Files.readString(ShipArtifacts.installYamlFile()));
    Deployment deployment = install.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
        .findFirst().orElseThrow();
    container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static String jib(String key) {
    String value = config.getProperty("quarkus.jib." + key);
    assertThat(value).as("quarkus.jib." + key).isNotBlank();
    return value;
  }

  private static List<String> entrypoint() {
    return DockerfileRecipe.execForm(image.last("ENTRYPOINT"));
  }

  /** The JVM options: everything between {@code java} and {@code -jar}. */
  private static List<String> jvmOptions() {
    List<String> entry = entrypoint();
    return entry.subList(1, entry.indexOf("-jar"));
  }

  @Test
  void sameBaseFamilyAsTheDemoAppImageAndJib() throws IOException {
    String demoAppBase = DockerfileRecipe.parse(TestApps.root().resolve("Dockerfile")).runtimeStage().baseImage();
    assertThat(image.baseImage()).isEqualTo(demoAppBase).startsWith("gcr.io/distroless/java17");
    assertThat(jib("base-jvm-image")).isEqualTo(image.baseImage());
  }

  @Test
  void runsAsANumericNonRootUser() {
    String user = image.last("USER");
    assertThat(user).matches("\\d+(:\\d+)?");
    // runAsNonRoot in the install files can only be verified by the kubelet for a numeric UID
    assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
    assertThat(jib("user")).isEqualTo(user);
  }

  @Test
  void fastJarLayersLeastChangingFirst() {
    String workdir = image.last("WORKDIR");
    assertThat(jib("working-directory")).isEqualTo(workdir);
    List<List<String>> copies = image.copies();
    assertThat(copies).extracting(c -> c.get(0)).containsExactly("target/quarkus-app/lib/",
        "target/quarkus-app/quarkus-run.jar", "target/quarkus-app/quarkus/", "target/quarkus-app/app/");
    for (List<String> copy : copies) {
      String source = copy.get(0);
      String name = source.substring("target/quarkus-app/".length());
      assertThat(copy.get(1)).as("%s keeps the fast-jar layout under %s", source, workdir).isEqualTo(workdir + "/" + name);
    }
    // operator/ is the build context; .dockerignore must let the packaged application through
    assertThat(TestApps.root().resolve("operator/.dockerignore")).content().contains("!target/quarkus-app/*");
  }

  @Test
  void entrypointRunsTheFastJarWithJibsArguments() {
    List<String> entry = entrypoint();
    assertThat(entry.get(0)).isEqualTo("java");
    assertThat(entry).containsSubsequence("-jar", image.last("WORKDIR") + "/quarkus-run.jar")
        .endsWith(image.last("WORKDIR") + "/quarkus-run.jar");
    // Jib runs `java <jvm-arguments> -jar quarkus-run.jar` in the working directory: the same options
    assertThat(List.of(jib("jvm-arguments").split(","))).containsExactlyElementsOf(jvmOptions());
    // and the same environment: the malloc arenas bound what lives outside the heap
    assertThat(image.all("ENV")).containsExactly("MALLOC_ARENA_MAX=2");
    assertThat(jib("environment-variables.\"MALLOC_ARENA_MAX\"")).isEqualTo("2");
    assertThat(image.all("CMD")).isEmpty();
  }

  @Test
  void jvmFitsThePodOfTheInstallFiles() {
    List<String> options = jvmOptions();
    assertThat(options).as("no fixed heap: it follows the container limit").noneMatch(o -> o.startsWith("-Xmx"));
    long percent = options.stream().map(Pattern.compile("-XX:MaxRAMPercentage=(\\d+)")::matcher)
        .filter(Matcher::matches).map(m -> Long.parseLong(m.group(1))).findFirst()
        .orElseThrow(() -> new AssertionError("heap sized from the container limit (-XX:MaxRAMPercentage)"));
    Quantity limit = container.getResources().getLimits().get("memory");
    long limitMib = Quantity.getAmountInBytes(limit).divide(BigDecimal.valueOf(1024 * 1024)).longValueExact();
    long heapMib = limitMib * percent / 100;
    assertThat(heapMib).as("heap of a %s limit", limit).isGreaterThanOrEqualTo(MIN_HEAP_MIB);
    assertThat(limitMib - heapMib).as("memory outside the heap (%s limit)", limit)
        .isGreaterThanOrEqualTo(MIN_NON_HEAP_MIB);
    assertThat(options).contains("-XX:+ExitOnOutOfMemoryError");
    // the collector the measurement above used (and the JVM's own choice below 1792 MiB)
    assertThat(options).contains("-XX:+UseSerialGC");
    // C1 only: C2 cost 40 MiB of RSS at 300 apps (README "Scale")
    assertThat(options).contains("-XX:TieredStopAtLevel=1");
    // readOnlyRootFilesystem: no hsperfdata file (only /tmp is writable, and nothing needs it there)
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(options).contains("-XX:-UsePerfData");
    assertThat(options).contains("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
  }

  @Test
  void exposesThePortOfTheProbes() {
    int port = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow()
        .getContainerPort();
    for (var probe : List.of(container.getLivenessProbe(), container.getReadinessProbe(), container.getStartupProbe())) {
      assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(port);
    }
    assertThat(image.all("EXPOSE")).containsExactly(String.valueOf(port));
    assertThat(jib("ports")).isEqualTo(String.valueOf(port));
  }

  @Test
  void aPlainBuildBuildsNoImageAndJibTargetsTheReleasePlatforms() throws IOException {
    // only -Dquarkus.container-image.build=true builds one (no profile switches it on)
    assertThat(config.stringPropertyNames()).noneMatch(k -> k.matches("(%[^.]+\\.)?quarkus\\.container-image\\.(build|push)"));
    String release = Files.readString(TestApps.root().resolve(".github/workflows/release.yml"));
    Matcher platforms = Pattern.compile("PLATFORMS: (\\S+)").matcher(release);
    assertThat(platforms.find()).as("release.yml sets PLATFORMS").isTrue();
    assertThat(jib("platforms")).isEqualTo(platforms.group(1)).contains("linux/amd64", "linux/arm64");
  }
}
