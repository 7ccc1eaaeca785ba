// TEST-ONLY pod runner for the end-to-end stack (hack/e2e/stack.sh). Not part of the operator.
//
// kwok pods never run anything. This program makes every Running pod of a ScaledDemoApp's Deployment real enough
// for the autoscaling chain: it starts one demo-app process per pod on a free loopback port, stops it when the pod
// goes, writes Prometheus file_sd targets (with the labels Prometheus Operator attaches) for the operator's
// ServiceMonitors, one scrape job per ServiceMonitor endpoint with the interval/path taken from it (reloading
// Prometheus when the set of jobs changes), and supervises prometheus-adapter: it runs the adapter with the
// ConfigMap the operator wrote and restarts it when the operator rolls the adapter Deployment (pod-template
// annotation scaleddemo.dev/adapter-config-hash, or the Deployment's generation).
//
// Run: java hack/e2e/PodRunner.java --state DIR --kubectl BIN --kubeconfig FILE --jar demo-app.jar
//        --prometheus-url http://127.0.0.1:PORT --prometheus-config FILE
//        [--adapter BIN --adapter-port PORT --adapter-namespace monitoring --adapter-configmap prometheus-adapter
//         --adapter-key config.yaml --adapter-deployment prometheus-adapter --adapter-relist 2s --adapter-max-age 2m]
//        [--service-monitor-selector release=prometheus]  (Prometheus' serviceMonitorSelector, matchLabels; default:
//         every ServiceMonitor)
//
// State written to DIR (read by tests and scripts):
//   pods.tsv        one line per demo-app process: namespace, pod, app (instance label), port, pid, serving (0|1)
//   adapter.state   key=value: pid, port, restarts, key (what the running adapter was started for), config file
//   file_sd/*.json  Prometheus file_sd target groups, one file per scrape job
//   runner.pids     pids of every child process (for a last-resort cleanup by stack.sh)
// Control: DIR/adapter.paused exists -> the adapter is stopped and not restarted until the file is removed.
// SIGTERM stops every child process (demo apps, adapter) before exiting.

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class PodRunner {
  static final String SDA = "scaleddemoapps.scaleddemo.dev";
  static final String SM = "servicemonitors.monitoring.coreos.com";
  static final String LABEL_NAME = "app.kubernetes.io/name";
  static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
  static final String APP_NAME = "demo-app";
  static final String HASH_ANNOTATION = "scaleddemo.dev/adapter-config-hash";

  final Map<String, String> opts;
  final Path state;
  final String kubectl;
  final String kubeconfig;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  /** key namespace/pod -> running demo app. */
  final Map<String, DemoProcess> pods = new ConcurrentHashMap<>();
  String lastPodsTsv = "";
  String lastPromConfig = null;
  boolean reloadPending = false;
  final Map<String, String> lastFileSd = new HashMap<>();

  Process adapter;
  String adapterKey;
  int adapterRestarts;
  long adapterNextStart;
  volatile boolean stopping;

  record DemoProcess(String ns, String pod, String app, String container, int port, Process process,
      Map<String, Integer> containerPorts, boolean[] serving) {}

  PodRunner(Map<String, String> opts) {
    this.opts = opts;
    this.state = Path.of(req(opts, "state"));
    this.kubectl = req(opts, "kubectl");
    this.kubeconfig = req(opts, "kubeconfig");
  }

  static String req(Map<String, String> o, String k) {
    String v = o.get(k);
    if (v == null || v.isBlank()) throw new IllegalArgumentException("missing --" + k);
    return v;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("bad argument " + args[i]);
      o.put(args[i].substring(2), args[i + 1]);
    }
    PodRunner r = new PodRunner(o);
    Files.createDirectories(r.state.resolve("file_sd"));
    Files.createDirectories(r.state.resolve("logs/pods"));
    Runtime.getRuntime().addShutdownHook(new Thread(r::shutdown, "pod-runner-stop"));
    log("pod runner started (state %s)", r.state);
    r.loop();
  }

  void loop() throws InterruptedException {
    long period = Long.parseLong(opts.getOrDefault("period-ms", "1000"));
    while (!stopping) {
      long t0 = System.nanoTime();
      try {
        tick();
      } catch (Exception e) {
        log("tick failed: %s", e);
      }
      long spent = (System.nanoTime() - t0) / 1_000_000;
      Thread.sleep(Math.max(100, period - spent));
    }
  }

  // ------------------------------------------------------------------------------------------------ one pass

  record Obj(String kind, String ns, String name, Map<String, String> labels, Map<String, String> selector,
      String phase, String deletion, String extra1, String extra2) {}

  synchronized void tick() throws Exception {
    if (stopping) return;
    // one kubectl call for everything the runner looks at (jsonpath ignores fields a kind does not have)
    String tpl = "{range .items[*]}{.kind}{\"\\t\"}{.metadata.namespace}{\"\\t\"}{.metadata.name}{\"\\t\"}"
        + "{.metadata.labels}{\"\\t\"}{.spec.selector}{\"\\t\"}{.status.phase}{\"\\t\"}{.metadata.deletionTimestamp}"
        + "{\"\\t\"}"
        // pods: containers with their METRIC_NAME env and named ports; services: port name=targetPort
        + "{range .spec.containers[*]}{.name}|{.env[?(@.name==\"METRIC_NAME\")].value}|"
        + "{range .ports[*]}{.name}={.containerPort},{end};{end}"
        + "{range .spec.ports[*]}{.name}={.targetPort};{end}"
        + "{\"\\t\"}"
        // ServiceMonitors: endpoints port|path|interval|scrapeTimeout
        + "{range .spec.endpoints[*]}{.port}|{.path}|{.interval}|{.scrapeTimeout};{end}"
        + "{\"\\n\"}{end}";
    String kinds = SDA + ",pods,services," + SM;
    String adapterNs = opts.getOrDefault("adapter-namespace", "monitoring");
    List<Obj> objs = parse(kubectlOut("get", kinds, "-A", "-o", "jsonpath=" + tpl));
    syncPods(objs);
    syncScrape(objs);
    if (opts.containsKey("adapter")) {
      syncAdapter(adapterNs);
    }
  }

  static List<Obj> parse(String out) {
    List<Obj> objs = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.isBlank()) continue;
      String[] f = line.split("\t", -1);
      if (f.length < 9) continue;
      objs.add(new Obj(f[0], f[1], f[2], jsonMap(f[3]), jsonMap(f[4]), f[5], f[6], f[7], f[8]));
    }
    return objs;
  }

  static final Pattern KV = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** A flat JSON object of strings as kubectl prints a label map; nested objects (matchLabels) are flattened. */
  static Map<String, String> jsonMap(String s) {
    Map<String, String> m = new TreeMap<>();
    if (s == null || s.isBlank()) return m;
    Matcher x = KV.matcher(s);
    while (x.find()) m.put(x.group(1), x.group(2));
    return m;
  }

  /** "k=v,k2=v2" as a matchLabels map. */
  static Map<String, String> labelSelector(String s) {
    Map<String, String> m = new TreeMap<>();
    for (String kv : s.split(",")) {
      if (kv.isBlank()) continue;
      String[] p = kv.split("=", 2);
      if (p.length != 2) throw new IllegalArgumentException("not a label selector (k=v,...): " + s);
      m.put(p[0].trim(), p[1].trim());
    }
    return m;
  }

  static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  // ------------------------------------------------------------------------------------------------ demo apps

  void syncPods(List<Obj> objs) throws IOException {
    Set<String> apps = new TreeSet<>();
    for (Obj o : objs) if (o.kind.equals("ScaledDemoApp")) apps.add(o.ns + "/" + o.name);
    Map<String, Obj> wanted = new LinkedHashMap<>();
    for (Obj o : objs) {
      if (!o.kind.equals("Pod")) continue;
      String app = o.labels.get(LABEL_INSTANCE);
      // the selector of the operator's Deployment: app.kubernetes.io/name=demo-app, app.kubernetes.io/instance=<app>
      if (!APP_NAME.equals(o.labels.get(LABEL_NAME)) || app == null || !apps.contains(o.ns + "/" + app)) continue;
      if (!"Running".equals(o.phase) || !o.deletion.isEmpty()) continue;
      wanted.put(o.ns + "/" + o.name, o);
    }
    // stop processes of pods that went (or are terminating), and restart crashed ones
    for (var e : new ArrayList<>(pods.entrySet())) {
      if (!wanted.containsKey(e.getKey()) || !e.getValue().process.isAlive()) {
        DemoProcess p = e.getValue();
        if (!p.process.isAlive()) log("demo app of %s exited (%d)", e.getKey(), p.process.exitValue());
        else log("pod %s gone: stopping its demo app (pid %d, port %d)", e.getKey(), p.process.pid(), p.port);
        stopProcess(p.process, 5);
        pods.remove(e.getKey());
      }
    }
    for (var e : wanted.entrySet()) {
      if (pods.containsKey(e.getKey())) continue;
      Obj o = e.getValue();
      // containers: name|METRIC_NAME|portName=port,...;  the demo app is the first container
      String first = o.extra1.split(";", -1)[0];
      String[] c = first.split("\\|", -1);
      String container = c.length > 0 ? c[0] : APP_NAME;
      String metric = c.length > 1 ? c[1] : "";
      Map<String, Integer> ports = new TreeMap<>();
      if (c.length > 2) {
        for (String p : c[2].split(",")) {
          String[] kv = p.split("=", 2);
          if (kv.length == 2 && !kv[1].isEmpty()) ports.put(kv[0], Integer.parseInt(kv[1]));
        }
      }
      int port = freePort();
      List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-XX:-UsePerfData", "-Xss512k", "-jar", req(opts, "jar")));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(state.resolve("logs/pods/" + o.ns + "_" + o.name + ".log").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Map<String, String> env = pb.environment();
      env.put("PORT", String.valueOf(port));
      env.put("BIND_ADDRESS", "127.0.0.1");
      env.put("HOSTNAME", o.name);
      env.put("SHUTDOWN_DRAIN_SECONDS", "0");
      env.put("SHUTDOWN_GRACE_SECONDS", "2");
      env.put("HTTP_THREADS", "2");
      if (!metric.isEmpty()) env.put("METRIC_NAME", metric);
      else env.remove("METRIC_NAME");
      Process p = pb.start();
      pods.put(e.getKey(), new DemoProcess(o.ns, o.name, o.labels.get(LABEL_INSTANCE), container, port, p, ports,
          new boolean[1]));
      log("pod %s Running: demo app pid %d on 127.0.0.1:%d%s", e.getKey(), p.pid(), port,
          metric.isEmpty() ? "" : " METRIC_NAME=" + metric);
    }
    for (DemoProcess p : pods.values()) {
      if (!p.serving[0]) p.serving[0] = answers("http://127.0.0.1:" + p.port + "/readyz");
    }
    StringBuilder tsv = new StringBuilder("# namespace\tpod\tapp\tport\tpid\tserving\n");
    new TreeMap<>(pods).values().forEach(p -> tsv.append(p.ns).append('\t').append(p.pod).append('\t').append(p.app)
        .append('\t').append(p.port).append('\t').append(p.process.pid()).append('\t')
        .append(p.serving[0] ? 1 : 0).append('\n'));
    if (!tsv.toString().equals(lastPodsTsv)) {
      writeAtomically(state.resolve("pods.tsv"), tsv.toString());
      lastPodsTsv = tsv.toString();
    }
    writePids();
  }

  boolean answers(String url) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(500)).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  // ------------------------------------------------------------------------------------------------ scrape config

  record Job(String name, String interval, String timeout, String path, Path file) {}

  /**
   * What Prometheus Operator would generate for each ServiceMonitor endpoint: a job
   * serviceMonitor/NS/NAME/I scraping the endpoint's port and path at its interval, over the pods behind the
   * Services the ServiceMonitor selects (in its own namespace; matchLabels only), with target labels namespace,
   * service, pod, container, endpoint (the port name) and job (the Service's name).
   */
  void syncScrape(List<Obj> objs) throws IOException {
    List<Job> jobs = new ArrayList<>();
    Map<String, String> fileSd = new TreeMap<>();
    Map<String, String> smSelector = labelSelector(opts.getOrDefault("service-monitor-selector", ""));
    for (Obj sm : objs) {
      if (!sm.kind.equals("ServiceMonitor")) continue;
      // as Prometheus' serviceMonitorSelector (matchLabels; empty selects every ServiceMonitor)
      if (!smSelector.isEmpty() && !matches(smSelector, sm.labels)) continue;
      String[] endpoints = sm.extra2.isEmpty() ? new String[0] : sm.extra2.split(";");
      for (int i = 0; i < endpoints.length; i++) {
        if (endpoints[i].isBlank()) continue;
        String[] ep = endpoints[i].split("\\|", -1);
        String portName = ep[0];
        String path = ep.length > 1 && !ep[1].isEmpty() ? ep[1] : "/metrics";
        String interval = ep.length > 2 && !ep[2].isEmpty() ? ep[2] : "30s";
        String timeout = ep.length > 3 && !ep[3].isEmpty() ? ep[3] : minDuration(interval, "10s");
        String job = "serviceMonitor/" + sm.ns + "/" + sm.name + "/" + i;
        Path file = state.resolve("file_sd/" + job.replace('/', '_') + ".json");
        jobs.add(new Job(job, interval, timeout, path, file));
        StringBuilder groups = new StringBuilder("[");
        for (Obj svc : objs) {
          if (!svc.kind.equals("Service") || !svc.ns.equals(sm.ns) || !matches(sm.selector, svc.labels)) continue;
          String targetPort = null;
          for (String sp : svc.extra1.split(";")) {
            String[] kv = sp.split("=", 2);
            if (kv.length == 2 && kv[0].equals(portName)) targetPort = kv[1];
          }
          if (targetPort == null) continue; // the Service has no port of that name: no target
          for (DemoProcess p : new TreeMap<>(pods).values()) {
            if (!p.ns.equals(svc.ns)) continue;
            Obj pod = objs.stream().filter(o -> o.kind.equals("Pod") && o.ns.equals(p.ns) && o.name.equals(p.pod))
                .findFirst().orElse(null);
            if (pod == null || !matches(svc.selector, pod.labels)) continue;
            String tp = targetPort;
            boolean resolves = tp.matches("[0-9]+") ? p.containerPorts.containsValue(Integer.parseInt(tp))
                : p.containerPorts.containsKey(tp);
            if (!resolves) continue;
            if (groups.length() > 1) groups.append(',');
            groups.append("{\"targets\":[\"127.0.0.1:").append(p.port).append("\"],\"labels\":{")
                .append(jsonKv("namespace", p.ns)).append(',').append(jsonKv("pod", p.pod)).append(',')
                .append(jsonKv("service", svc.name)).append(',').append(jsonKv("endpoint", portName)).append(',')
                .append(jsonKv("job", svc.name)).append(',').append(jsonKv("container", p.container))
                .append("}}");
          }
        }
        fileSd.put(file.toString(), groups.append("]\n").toString());
      }
    }
    for (var e : fileSd.entrySet()) {
      if (!e.getValue().equals(lastFileSd.get(e.getKey()))) {
        writeAtomically(Path.of(e.getKey()), e.getValue());
        lastFileSd.put(e.getKey(), e.getValue());
      }
    }
    StringBuilder y = new StringBuilder("# generated by hack/e2e/PodRunner.java from the cluster's ServiceMonitors\n"
        + "global:\n  scrape_interval: 30s\n  evaluation_interval: 30s\nscrape_configs:\n");
    if (jobs.isEmpty()) y.setLength(y.length() - 1);
    if (jobs.isEmpty()) y.append(" []\n");
    for (Job j : jobs) {
      y.append("- job_name: '").append(j.name).append("'\n")
          .append("  scrape_interval: ").append(j.interval).append('\n')
          .append("  scrape_timeout: ").append(j.timeout).append('\n')
          .append("  metrics_path: '").append(j.path).append("'\n")
          .append("  file_sd_configs:\n  - files: ['").append(j.file).append("']\n");
    }
    String config = y.toString();
    Path promConfig = Path.of(req(opts, "prometheus-config"));
    if (!config.equals(lastPromConfig)) {
      writeAtomically(promConfig, config);
      // stale files of jobs that are gone
      try (var files = Files.list(state.resolve("file_sd"))) {
        for (Path f : files.toList()) {
          if (!fileSd.containsKey(f.toString())) {
            Files.deleteIfExists(f);
            lastFileSd.remove(f.toString());
          }
        }
      }
      lastPromConfig = config;
      reloadPending = true;
      log("scrape jobs: %s", jobs.stream().map(j -> j.name + " every " + j.interval).toList());
    }
    if (reloadPending) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(req(opts, "prometheus-url") + "/-/reload"))
            .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          reloadPending = false;
          log("prometheus reloaded");
        } else {
          log("prometheus reload answered %d: %s", r.statusCode(), r.body().strip());
        }
      } catch (Exception e) {
        // Prometheus down (or stopped by a test): it reads the file when it starts again
      }
    }
  }

  static String jsonKv(String k, String v) {
    return "\"" + k + "\":\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static long millis(String d) {
    long total = 0;
    Matcher m = Pattern.compile("([0-9]+)(ms|s|m|h)").matcher(d);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total += switch (m.group(2)) {
        case "ms" -> n;
        case "s" -> n * 1000;
        case "m" -> n * 60_000;
        default -> n * 3_600_000;
      };
    }
    return total;
  }

  static String minDuration(String a, String b) {
    return millis(a) <= millis(b) ? a : b;
  }

  // ------------------------------------------------------------------------------------------------ adapter

  void syncAdapter(String ns) throws Exception {
    boolean paused = Files.exists(state.resolve("adapter.paused"));
    if (paused) {
      if (adapter != null) {
        log("adapter paused (%s exists): stopping pid %d", state.resolve("adapter.paused"), adapter.pid());
        stopProcess(adapter, 10);
        adapter = null;
        adapterKey = null;
        writeAdapterState();
      }
      return;
    }
    String cm = opts.getOrDefault("adapter-configmap", "prometheus-adapter");
    String deployment = opts.getOrDefault("adapter-deployment", "prometheus-adapter");
    // what the operator changes when it rolls the adapter: the Deployment's pod template (hash annotation,
    // generation); without a Deployment, the ConfigMap's resourceVersion
    String key;
    Result d = deployment.isEmpty() ? new Result(1, "", "")
        : kubectl("-n", ns, "get", "deployment", deployment, "-o",
            "jsonpath={.metadata.generation}/{.spec.template.metadata.annotations.scaleddemo\\.dev/adapter-config-hash}");
    if (d.code == 0) {
      key = "deployment/" + deployment + "@" + d.out.trim();
    } else {
      Result c = kubectl("-n", ns, "get", "configmap", cm, "-o", "jsonpath={.metadata.resourceVersion}");
      if (c.code != 0) {
        return; // nothing to serve yet
      }
      key = "configmap/" + cm + "@" + c.out.trim();
    }
    boolean alive = adapter != null && adapter.isAlive();
    if (alive && key.equals(adapterKey)) return;
    if (!alive && System.currentTimeMillis() < adapterNextStart) return;
    if (adapter != null && !alive) log("adapter exited (%d); restarting", adapter.exitValue());
    String configKey = opts.getOrDefault("adapter-key", "config.yaml");
    Result config = kubectl("-n", ns, "get", "configmap", cm, "-o",
        "jsonpath={.data." + configKey.replace(".", "\\.") + "}");
    if (config.code != 0) {
      log("cannot read %s/%s: %s", ns, cm, config.err.strip());
      return;
    }
    Path dir = state.resolve("adapter");
    Files.createDirectories(dir.resolve("certs"));
    Path file = dir.resolve("config.yaml");
    writeAtomically(file, config.out);
    if (adapter != null) {
      log("adapter config changed (%s -> %s): restarting", adapterKey, key);
      stopProcess(adapter, 10);
      adapterRestarts++;
    }
    List<String> cmd = List.of(req(opts, "adapter"),
        "--lister-kubeconfig=" + kubeconfig,
        "--authentication-kubeconfig=" + kubeconfig,
        "--authorization-kubeconfig=" + kubeconfig,
        "--bind-address=127.0.0.1",
        "--secure-port=" + req(opts, "adapter-port"),
        "--cert-dir=" + dir.resolve("certs"),
        "--prometheus-url=" + req(opts, "prometheus-url") + "/",
        "--metrics-relist-interval=" + opts.getOrDefault("adapter-relist", "2s"),
        // the relist asks Prometheus for the series seen in the last max-age, which defaults to the relist
        // interval: with a 2s relist, a series scraped every 15s would drop out of the adapter's registry most of
        // the time ("the server could not find the metric ... for pods"). Keep series for 2 minutes.
        "--metrics-max-age=" + opts.getOrDefault("adapter-max-age", "2m"),
        "--config=" + file,
        "--v=" + opts.getOrDefault("adapter-v", "1"));
    adapter = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(state.resolve("logs/adapter.log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    adapterKey = key;
    adapterNextStart = System.currentTimeMillis() + 2000;
    log("adapter started: pid %d on 127.0.0.1:%s for %s", adapter.pid(), opts.get("adapter-port"), key);
    writeAdapterState();
    writePids();
  }

  void writeAdapterState() throws IOException {
    writeAtomically(state.resolve("adapter.state"),
        "pid=" + (adapter == null ? "" : adapter.pid()) + "\nport=" + opts.get("adapter-port") + "\nrestarts="
            + adapterRestarts + "\nkey=" + (adapterKey == null ? "" : adapterKey) + "\nconfig="
            + state.resolve("adapter/config.yaml") + "\n");
  }

  // ------------------------------------------------------------------------------------------------ processes

  record Result(int code, String out, String err) {}

  Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig, "--request-timeout=10s"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    var err = new java.io.ByteArrayOutputStream();
    Thread t = new Thread(() -> {
      try {
        p.getErrorStream().transferTo(err);
      } catch (IOException ignored) {
      }
    });
    t.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
    t.join(1000);
    return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
  }

  String kubectlOut(String... args) throws IOException, InterruptedException {
    Result r = kubectl(args);
    if (r.code != 0) throw new IOException("kubectl " + String.join(" ", args) + ": " + r.err.strip());
    return r.out;
  }

  static void stopProcess(Process p, int seconds) {
    if (p == null) return;
    p.destroy(); // SIGTERM
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  void writePids() throws IOException {
    StringBuilder sb = new StringBuilder();
    if (adapter != null && adapter.isAlive()) sb.append("adapter ").append(adapter.pid()).append('\n');
    for (DemoProcess p : pods.values()) sb.append(p.ns).append('/').append(p.pod).append(' ')
        .append(p.process.pid()).append('\n');
    Path f = state.resolve("runner.pids");
    if (!Files.exists(f) || !Files.readString(f).equals(sb.toString())) writeAtomically(f, sb.toString());
  }

  void shutdown() {
    stopping = true;
    synchronized (this) {
      stopAll();
    }
  }

  void stopAll() {
    List<Process> all = new ArrayList<>();
    pods.values().forEach(p -> all.add(p.process));
    if (adapter != null) all.add(adapter);
    all.forEach(Process::destroy);
    long deadline = System.currentTimeMillis() + 5000;
    for (Process p : all) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) p.destroyForcibly();
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
    try {
      Files.deleteIfExists(state.resolve("runner.pids"));
    } catch (IOException ignored) {
    }
    log("pod runner stopped %d processes", all.size());
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  static void writeAtomically(Path f, String content) throws IOException {
    Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static void log(String fmt, Object... args) {
    System.out.println("[pod-runner " + LocalTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"))
        + "] " + String.format(fmt, args));
    System.out.flush();
  }
}
