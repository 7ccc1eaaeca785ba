#!/usr/bin/env python3
"""Scale benchmark driver (stdlib only); hack/bench/scale.sh starts the cluster and calls it.

For each N: the raw baseline (server-side apply of the children the operator's builders render) and the packaged
operator, one after the other on the same control plane: burst apply -> all ready, create -> ready latency at a
steady rate, the operator's API requests (audit log), CPU, memory, steady state, restart. Prints figures and a
verdict against issue 16's targets.
"""
import base64
import collections
import glob
import http.client
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timezone

ENV = os.environ
ROOT = ENV["SDO_ROOT"]
STATE = ENV["SDO_STATE"]
KUBECTL = ENV.get("KUBECTL", "kubectl")
N_LIST = [int(x) for x in ENV.get("SCALE_N", "300,1000,3000").split(",") if x.strip()]
NAMESPACES = int(ENV.get("SCALE_NAMESPACES", "20"))
LATENCY_APPS = int(ENV.get("SCALE_LATENCY_APPS", "100"))
RATE = float(ENV.get("SCALE_RATE", "10"))
STEADY_S = int(ENV.get("SCALE_STEADY_SECONDS", "60"))
READY_TIMEOUT = int(ENV.get("SCALE_READY_TIMEOUT", "1800"))
MODE = ENV.get("SCALE_MODE", "full")  # memory: one N, the operator restarted once per SCALE_VARIANTS entry
OUT = ENV.get("SCALE_OUT", os.path.join(STATE, "bench"))
USER = "system:serviceaccount:scaled-demo-system:scaled-demo-operator"
OP_NS = "scaled-demo-system"
ADAPTER_NS, ADAPTER_CM, ADAPTER_DEPLOY = "monitoring", "prometheus-adapter", "prometheus-adapter"
RAW_ADAPTER_CM = "prometheus-adapter-raw"  # the baseline's merged rules, kept apart from the operator's ConfigMap
WRITE_VERBS = {"create", "update", "patch", "delete", "deletecollection"}
REVIEWS = {"selfsubjectrulesreviews", "selfsubjectaccessreviews", "subjectaccessreviews", "tokenreviews"}
GROUP = "scaleddemo.dev"
JAVA = os.path.join(ENV.get("JAVA_HOME", "/usr"), "bin", "java")
JCMD = os.path.join(ENV.get("JAVA_HOME", "/usr"), "bin", "jcmd")


def log(msg):
    print(f"[scale {datetime.now(timezone.utc).strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def now():
    return time.time()


# ------------------------------------------------------------------------------------------------ API client

class Api:
    """The admin's client (certificates from hack/cluster.sh's kubeconfig); one connection per thread."""

    def __init__(self, kubeconfig):
        text = open(kubeconfig).read()

        def field(name):
            return re.search(name + r": (\S+)", text).group(1)

        self.host, self.port = re.search(r"server: https://([^:]+):(\d+)", text).groups()
        self.tmp = tempfile.mkdtemp(prefix="sdo-scale-")
        files = {}
        for key in ("certificate-authority-data", "client-certificate-data", "client-key-data"):
            path = os.path.join(self.tmp, key)
            with open(path, "wb") as f:
                f.write(base64.b64decode(field(key)))
            files[key] = path
        self.ctx = ssl.create_default_context(cafile=files["certificate-authority-data"])
        self.ctx.load_cert_chain(files["client-certificate-data"], files["client-key-data"])
        self.local = threading.local()

    def conn(self, timeout=60):
        return http.client.HTTPSConnection(self.host, int(self.port), context=self.ctx, timeout=timeout)

    def request(self, method, path, body=None, content_type="application/json"):
        for attempt in range(5):
            c = getattr(self.local, "c", None)
            if c is None:
                c = self.local.c = self.conn()
            try:
                headers = {"Accept": "application/json"}
                if body is not None:
                    headers["Content-Type"] = content_type
                c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
                r = c.getresponse()
                data = r.read()
                return r.status, (json.loads(data) if data else None)
            except (OSError, http.client.HTTPException):
                self.local.c = None
                time.sleep(0.5 * (attempt + 1))
        raise RuntimeError(f"{method} {path} failed 5 times")

    def apply(self, obj, manager="scale-bench"):
        """Server-side apply of one object (as kubectl apply --server-side does)."""
        path = object_path(obj) + "?" + urllib.parse.urlencode({"fieldManager": manager, "force": "true"})
        status, body = self.request("PATCH", path, obj, "application/apply-patch+yaml")
        if status >= 300:
            raise RuntimeError(f"apply {obj['kind']} {obj['metadata'].get('namespace')}/{obj['metadata']['name']}:"
                               f" {status} {body}")


PLURALS = {"Deployment": ("apis/apps/v1", "deployments"), "Service": ("api/v1", "services"),
           "ConfigMap": ("api/v1", "configmaps"), "Ingress": ("apis/networking.k8s.io/v1", "ingresses"),
           "HorizontalPodAutoscaler": ("apis/autoscaling/v2", "horizontalpodautoscalers"),
           "ServiceMonitor": ("apis/monitoring.coreos.com/v1", "servicemonitors"),
           "ScaledDemoApp": (f"apis/{GROUP}/v1alpha1", "scaleddemoapps"), "Namespace": ("api/v1", "namespaces")}


def object_path(obj):
    prefix, plural = PLURALS[obj["kind"]]
    ns = obj["metadata"].get("namespace")
    return f"/{prefix}/" + (f"namespaces/{ns}/" if ns else "") + f"{plural}/{obj['metadata']['name']}"


class Watcher(threading.Thread):
    """Records, per namespace/name, the first time `ready(obj)` held (a list, then a watch, re-listed on expiry)."""

    def __init__(self, api, path, ready):
        super().__init__(daemon=True)
        self.api, self.path, self.ready = api, path, ready
        self.first_ready = {}
        self.lock = threading.Lock()

    def see(self, obj, deleted=False):
        key = obj["metadata"]["namespace"] + "/" + obj["metadata"]["name"]
        with self.lock:
            if deleted:
                self.first_ready.pop(key, None)
            elif key not in self.first_ready and self.ready(obj):
                self.first_ready[key] = now()

    def run(self):
        while True:
            try:
                status, body = self.api.request("GET", self.path + ("&" if "?" in self.path else "?") + "limit=0")
                for item in body.get("items", []):
                    self.see(item)
                rv = body["metadata"]["resourceVersion"]
                c = self.api.conn(timeout=600)
                sep = "&" if "?" in self.path else "?"
                c.request("GET", f"{self.path}{sep}watch=1&allowWatchBookmarks=true&resourceVersion={rv}"
                                 f"&timeoutSeconds=300")
                r = c.getresponse()
                while True:
                    line = r.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    if ev["type"] == "ERROR":
                        break
                    if ev["type"] in ("ADDED", "MODIFIED", "DELETED"):
                        self.see(ev["object"], ev["type"] == "DELETED")
                c.close()
            except Exception as e:  # re-list and watch again
                log(f"watch {self.path}: {e}; re-listing")
                time.sleep(1)

    def ready_in(self, namespaces):
        with self.lock:
            return {k: t for k, t in self.first_ready.items() if k.split("/")[0] in namespaces}


def app_ready(obj):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (obj.get("status") or {}).get("conditions") or [])


def deployment_ready(obj):
    return ((obj.get("status") or {}).get("readyReplicas") or 0) >= 1


# ------------------------------------------------------------------------------------------------ the operator

class Operator:
    """The packaged operator as a process, as the ServiceAccount with the generated RBAC, under the shipped limit."""

    def __init__(self, jvm_flags, max_ram, kubeconfig):
        self.jvm_flags, self.max_ram, self.kubeconfig = jvm_flags, max_ram, kubeconfig
        self.proc, self.log_path, self.started_at, self.generation = None, None, None, 0
        self.variant = Variant("shipped", [], {}, None)

    def start(self):
        self.generation += 1
        self.log_path = os.path.join(OUT, f"operator-{self.generation}.log")
        gc_log = os.path.join(OUT, f"gc-{self.generation}.log")
        flags = [f for f in self.jvm_flags if f not in ("-jar",) and not f.endswith("quarkus-run.jar")]
        extra = ENV.get("SCALE_JVM_EXTRA", "").split()  # e.g. -XX:NativeMemoryTracking=summary to see RSS's parts
        if MODE == "memory":
            extra.append("-XX:NativeMemoryTracking=summary")
        jar = (self.variant.jar or ENV.get("SCALE_JAR")  # SCALE_JAR: another build (hack/build-previous-release.sh)
               or os.path.join(ROOT, "operator/target/packaged-operator/quarkus-run.jar"))
        cmd = [JAVA, f"-XX:MaxRAM={self.max_ram}", *flags, *extra, *self.variant.flags,
               f"-Xlog:gc*:file={gc_log}:uptime",
               "-Dquarkus.http.port=0", '-Dquarkus.log.category."dev.scaleddemo".level=DEBUG', "-jar", jar]
        env = dict(os.environ, KUBECONFIG=self.kubeconfig, HOSTNAME="scale-bench-operator",
                   KUBERNETES_NAMESPACE=OP_NS, **self.variant.env)
        self.started_at = now()
        self.proc = subprocess.Popen(cmd, env=env, stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     preexec_fn=OPERATOR_CGROUP.enter if OPERATOR_CGROUP else None)
        deadline = now() + 300  # a loaded machine: Quarkus took 30-120 s to start at load 20-30
        while now() < deadline:
            if " started in " in self.log():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"operator exited {self.proc.returncode}:\n{self.log()[-3000:]}")
            time.sleep(0.2)
        raise RuntimeError("operator did not start in 300 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self):
        try:
            return open(self.log_path, errors="replace").read()
        except OSError:
            return ""

    def cpu_seconds(self):
        fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def heap(self, live=False):
        """Heap (used, committed) in MiB from jcmd; live: after a full GC (the live set)."""
        if live:
            self.jcmd("GC.run")
        out = self.jcmd("GC.heap_info")
        used = committed = 0
        for total, u in re.findall(r"(?:generation|heap)\s+total (\d+)K, used (\d+)K", out):
            committed += int(total)
            used += int(u)
        return used / 1024, committed / 1024

    def jcmd(self, *command):
        return subprocess.run([JCMD, str(self.proc.pid), *command], capture_output=True, text=True,
                              timeout=120).stdout

    def rss_parts(self):
        """RssAnon and RssFile (libraries, the jar, the CDS archive: file pages the kernel may drop) in MiB."""
        parts = {}
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith(("RssAnon:", "RssFile:")):
                parts[line.split(":")[0]] = int(line.split()[1]) / 1024
        return parts

    def threads(self):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("Threads:"):
                return int(line.split()[1])
        return 0

    def reconciled(self, namespaces, since=None):
        """namespace/name -> first 'Reconciled' log time (epoch) in this process' log."""
        seen = {}
        for m in re.finditer(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*Reconciled ([a-z0-9-]+)/([a-z0-9-]+) ",
                             self.log(), re.M):
            if m.group(2) not in namespaces:
                continue
            t = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            if since is None or t >= since:
                seen.setdefault(m.group(2) + "/" + m.group(3), t)
        return seen

    def reconcile_count(self, t0, t1):
        n = 0
        for m in re.finditer(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*Reconciled ", self.log(), re.M):
            t = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            n += t0 <= t < t1
        return n

    def oom(self):
        return "OutOfMemoryError" in self.log() or (self.proc.poll() is not None)


# ------------------------------------------------------------------------------------------------ audit log

def audit_time(stamp):
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def audit_events(t0, t1=None):
    """The operator's requests received in [t0, t1): each once (a watch when it started, else when it completed)."""
    out = []
    for path in sorted(glob.glob(os.path.join(STATE, "audit*.log"))):
        with open(path, errors="replace") as f:
            for line in f:
                if not line.endswith("\n"):
                    break  # the API server is writing it
                if USER not in line:
                    continue
                e = json.loads(line)
                if e.get("user", {}).get("username") != USER:
                    continue
                if e.get("stage") != ("ResponseStarted" if e.get("verb") == "watch" else "ResponseComplete"):
                    continue
                if e.get("objectRef", {}).get("resource") == "leases":
                    continue
                t = audit_time(e["requestReceivedTimestamp"])
                if t >= t0 and (t1 is None or t < t1):
                    out.append(e)
    return out


def latency_steps(n, side, created, ready):
    """Where each latency app's create -> ready went, from the audit log (every user's requests): p50 / p90 seconds
    after the create of the operator's first request, its child applies (answered), the controllers' ReplicaSet
    and last Deployment status update, and ready; with how long the API server took to create a Service."""
    prefix = f"sc{n}-{side}-"
    t0, t1 = min(created.values()) - 1, max(ready.values()) + 1
    marks = collections.defaultdict(dict)
    service_s = []
    for path in sorted(glob.glob(os.path.join(STATE, "audit*.log"))):
        with open(path, errors="replace") as f:
            for line in f:
                if not line.endswith("\n"):
                    break  # the API server is writing it
                if '"lat-' not in line or prefix not in line:
                    continue
                e = json.loads(line)
                ref = e.get("objectRef", {})
                if e.get("stage") != "ResponseComplete" or not ref.get("namespace", "").startswith(prefix):
                    continue
                start, end = audit_time(e["requestReceivedTimestamp"]), audit_time(e["stageTimestamp"])
                if not t0 <= start < t1:
                    continue
                app = "-".join((ref.get("name") or "").split("-")[:2])
                key = f"{ref['namespace']}/{app}"
                if key not in created:
                    continue
                res, verb, user = ref.get("resource"), e["verb"], e["user"]["username"]
                m = marks[key]
                if user == USER and res == "scaleddemoapps" and not ref.get("subresource"):
                    m.setdefault("operator's first request", start)
                elif res in ("deployments", "services") and not ref.get("subresource") and verb in ("patch", "create"):
                    m[f"{res[:-1].capitalize()} applied"] = end
                    if res == "services":
                        service_s.append(end - start)
                if user == USER and verb in ("patch", "create") and res not in ("events", "scaleddemoapps"):
                    m["last child applied"] = max(m.get("last child applied", 0), end)
                elif res == "replicasets" and verb == "create":
                    m.setdefault("ReplicaSet created", end)
                elif res == "deployments" and ref.get("subresource") == "status" and end <= ready.get(key, 0) + 0.5:
                    m["Deployment status last updated"] = end
    steps = collections.defaultdict(list)
    for key, m in marks.items():
        for name, t in m.items():
            steps[name].append(t - created[key])
        if key in ready:
            steps["ready"].append(ready[key] - created[key])
    out = {name: (percentile(v, 50), percentile(v, 90)) for name, v in steps.items()}
    out["Service create in the API server"] = (percentile(service_s, 50), percentile(service_s, 90))
    return out


def is_write(e):
    """A request that changes what the API server stores (a review is created, but stored nowhere)."""
    return e["verb"] in WRITE_VERBS and e.get("objectRef", {}).get("resource") not in REVIEWS


def status_changes(events):
    """What each app's status patch changed from its previous one (hack/cluster.sh keeps their bodies), by field
    ('conditions.Ready.message', 'replicas', ...), counted over the apps; an app's first patch is 'first', one that
    repeats the previous is 'nothing'."""
    by_app = collections.defaultdict(list)
    for e in events:
        ref = e.get("objectRef", {})
        body = (e.get("requestObject") or {}).get("status")
        if ref.get("resource") == "scaleddemoapps" and ref.get("subresource") == "status" and body is not None:
            by_app[(ref.get("namespace"), ref.get("name"))].append((audit_time(e["requestReceivedTimestamp"]), body))

    def fields(status):
        flat = {k: json.dumps(v, sort_keys=True) for k, v in status.items() if k != "conditions"}
        for c in status.get("conditions") or []:
            for k in ("status", "reason", "message"):
                flat[f"conditions.{c.get('type')}.{k}"] = c.get(k)
        return flat

    changes = collections.Counter()
    for patches in by_app.values():
        previous = None
        for _, body in sorted(patches, key=lambda p: p[0]):
            current = fields(body)
            if previous is None:
                changes["first"] += 1
            else:
                changed = sorted(k for k in current.keys() | previous.keys() if current.get(k) != previous.get(k))
                changes[", ".join(changed) or "nothing"] += 1
            previous = current
    return changes


def roll_notices(changes):
    """Status patches that changed nothing but the AdapterRuleSynced condition: an app reconciled while its new rule
    waited for the adapter's roll is told when the adapter will reread the config, and then that it has."""
    return sum(count for fields, count in changes.items()
               if fields != "first" and all(f.startswith("conditions.AdapterRuleSynced.") for f in fields.split(", ")))


def describe_requests(events):
    c = collections.Counter()
    for e in events:
        ref = e.get("objectRef", {})
        c[e["verb"] + " " + ref.get("resource", "?") + ("/" + ref["subresource"] if ref.get("subresource") else "")] += 1
    return c


def await_quiet(quiet_s=20, timeout=300):
    """Until the operator made no write for quiet_s seconds; returns when its last write was."""
    deadline = now() + timeout
    while now() < deadline:
        writes = [e for e in audit_events(now() - 3600) if is_write(e)]
        last = max((audit_time(e["requestReceivedTimestamp"]) for e in writes), default=0)
        if now() - last >= quiet_s:
            return last
        time.sleep(2)
    return None


# ------------------------------------------------------------------------------------------------ workload

def kubectl(*args, stdin=None):
    r = subprocess.run([KUBECTL, *args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"kubectl {' '.join(args)}: {r.stderr}")
    return r.stdout


def app(name, ns, ns_index):
    return {"apiVersion": f"{GROUP}/v1alpha1", "kind": "ScaledDemoApp", "metadata": {"name": name, "namespace": ns},
            # one counter per namespace: the adapter config holds NAMESPACES distinct rules
            "spec": {"metric": {"counter": f"bench_ns{ns_index}_clicks_total"},
                     "ingress": {"host": f"{name}.{ns}.bench.example"}}}


def render_children(apps):
    """The operator's own builders (RenderChildren): each app's children and the merged adapter ConfigMap."""
    r = subprocess.run(["java", "-cp", ENV["SCALE_RENDER_CP"], f"-Dproject.root={ROOT}",
                        "dev.scaleddemo.operator.bench.RenderChildren",
                        "rules: []\n"], input=json.dumps(apps), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("RenderChildren failed: " + r.stderr[-2000:])
    objs = json.loads(r.stdout)
    objs[-1]["metadata"]["name"] = RAW_ADAPTER_CM
    return objs


def percentile(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    k = max(0, min(len(v) - 1, int(round(p / 100 * len(v) + 0.5)) - 1))
    return v[k]


def namespaces(n, side):
    return [f"sc{n}-{side}-{i}" for i in range(NAMESPACES)]


def create_namespaces(api, names):
    for ns in names:
        api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})


def delete_namespaces(api, names, timeout=1200):
    for ns in names:
        api.request("DELETE", f"/api/v1/namespaces/{ns}")
    deadline = now() + timeout
    while now() < deadline:
        left = [ns for ns in names if api.request("GET", f"/api/v1/namespaces/{ns}")[0] != 404]
        if not left:
            return True
        time.sleep(3)
    log(f"namespaces still terminating after {timeout}s: {left[:3]}...")
    return False


def kubectl_apply(objs):
    """kubectl apply --server-side of a List, as a user would (timed by the caller)."""
    path = os.path.join(OUT, "apply.json")
    with open(path, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": objs}, f)
    kubectl("apply", "--server-side", "--force-conflicts", "--field-manager=scale-bench", "-f", path)


def await_hpa_reported(api, nss, n, timeout=600):
    """Until n apps mirror their HPA's conditions: its first report, 30 s and more after creation on a loaded machine,
    is one more status patch and Event, which would otherwise land in the steady-state or restart window."""
    deadline = now() + timeout
    while now() < deadline:
        _, body = api.request("GET", f"/apis/{GROUP}/v1alpha1/scaleddemoapps")
        # the operator sets ScalingActive from the start: Unknown, AutoscalerPending, until the HPA reports
        reported = sum(1 for a in body.get("items", []) if a["metadata"]["namespace"] in nss
                       and any(c.get("type") == "ScalingActive" and c.get("reason") != "AutoscalerPending"
                               for c in (a.get("status") or {}).get("conditions") or []))
        if reported >= n:
            return True
        time.sleep(2)
    log(f"not every app mirrors its HPA's conditions after {timeout}s")
    return False


def await_count(watcher, nss, n, t0):
    deadline = t0 + READY_TIMEOUT
    while now() < deadline:
        ready = watcher.ready_in(set(nss))
        if len(ready) >= n:
            return max(ready.values())
        time.sleep(0.5)
    raise RuntimeError(f"only {len(watcher.ready_in(set(nss)))} of {n} ready after {READY_TIMEOUT}s")


def steady_creates(api, units, create):
    """Creates units at RATE per second (each at its slot); returns {key: create time}."""
    created = {}
    t0 = now()
    for i, (key, unit) in enumerate(units):
        slot = t0 + i / RATE
        if slot > now():
            time.sleep(slot - now())
        created[key] = now()
        create(unit)
    return created


# ------------------------------------------------------------------------------------------------ one step

def step(api, op, apps_w, deps_w, n):
    res = {"n": n}
    raw_ns, op_ns = namespaces(n, "raw"), namespaces(n, "op")
    create_namespaces(api, raw_ns + op_ns)
    burst = {side: [app(f"app-{k}", f"sc{n}-{side}-{k % NAMESPACES}", k % NAMESPACES) for k in range(n)]
             for side in ("raw", "op")}
    latency = {side: [app(f"lat-{k}", f"sc{n}-{side}-{k % NAMESPACES}", k % NAMESPACES) for k in range(LATENCY_APPS)]
               for side in ("raw", "op")}
    raw_children = render_children(burst["raw"])
    raw_lat_children = render_children(latency["raw"])[:-1]  # same counters: no new rule

    # -- burst: the operator
    log(f"N={n}: apply of {n} ScaledDemoApps")
    cpu0, t0 = op.cpu_seconds(), now()
    kubectl_apply(burst["op"])
    res["op_apply_s"] = now() - t0
    res["op_ready_s"] = await_count(apps_w, op_ns, n, t0) - t0
    log(f"N={n}: operator all Ready after {res['op_ready_s']:.1f}s")
    last = await_quiet()
    t1 = now()
    res["op_cpu_s"] = op.cpu_seconds() - cpu0
    ev = audit_events(t0, t1)
    res["burst_requests"] = describe_requests(ev)
    res["burst_reads"] = sum(1 for e in ev if not is_write(e))
    res["burst_writes"] = sum(1 for e in ev if is_write(e))
    res["burst_409"] = sum(1 for e in ev if e.get("responseStatus", {}).get("code") == 409)
    res["burst_status_changes"] = status_changes(ev)
    res["cm_writes"] = sum(1 for e in ev if e["verb"] in ("update", "patch")
                           and e["objectRef"].get("resource") == "configmaps"
                           and e["objectRef"].get("name") == ADAPTER_CM)
    res["rolls"] = sum(1 for e in ev if e["verb"] == "patch" and e["objectRef"].get("resource") == "deployments"
                       and e["objectRef"].get("name") == ADAPTER_DEPLOY)
    res["settled_after_s"] = (last or t1) - t0
    res["rss_burst"], res["heap_burst"] = op.rss_mib(), op.heap()

    # -- burst: raw apply of the children -> every Deployment ready
    log(f"N={n}: raw apply of {len(raw_children)} objects")
    t0 = now()
    kubectl_apply(raw_children)
    res["raw_apply_s"] = now() - t0
    res["raw_ready_s"] = await_count(deps_w, raw_ns, n, t0) - t0
    log(f"N={n}: raw all Deployments ready after {res['raw_ready_s']:.1f}s")

    # -- create -> Ready at a steady rate
    log(f"N={n}: {LATENCY_APPS} creates at {RATE}/s, raw then operator")
    by_app = collections.defaultdict(list)
    for c in raw_lat_children:
        by_app[(c["metadata"]["namespace"], c["metadata"]["labels"]["app.kubernetes.io/instance"])].append(c)
    created = steady_creates(api, [(f"{ns}/{name}", objs) for (ns, name), objs in by_app.items()],
                             lambda objs: [api.apply(o) for o in objs])
    await_count(deps_w, raw_ns, n + LATENCY_APPS, min(created.values()))
    ready = deps_w.ready_in(set(raw_ns))
    res["raw_latency"] = [ready[k] - t for k, t in created.items()]
    res["raw_steps"] = latency_steps(n, "raw", created, ready)
    created = steady_creates(api, [(f"{a['metadata']['namespace']}/{a['metadata']['name']}", a) for a in latency["op"]],
                             api.apply)
    await_count(apps_w, op_ns, n + LATENCY_APPS, min(created.values()))
    ready = apps_w.ready_in(set(op_ns))
    res["op_latency"] = [ready[k] - t for k, t in created.items()]
    res["op_steps"] = latency_steps(n, "op", created, ready)
    await_hpa_reported(api, op_ns, n + LATENCY_APPS)
    await_quiet()

    # -- steady state
    log(f"N={n}: steady state for {STEADY_S}s")
    t0 = now()
    time.sleep(STEADY_S)
    t1 = now()
    res["steady_reconciles"] = op.reconcile_count(t0, t1) * 60 / STEADY_S
    res["steady_writes"] = sum(1 for e in audit_events(t0, t1) if is_write(e)) * 60 / STEADY_S
    res["rss_steady"], res["heap_steady"] = op.rss_mib(), op.heap()

    # -- restart
    total = n + LATENCY_APPS
    log(f"N={n}: operator restart")
    op.stop()
    t0 = now()
    op.start()
    res["restart_started_s"] = now() - t0
    deadline = now() + READY_TIMEOUT
    while now() < deadline:
        seen = op.reconciled(set(op_ns))
        if len(seen) >= total:
            break
        time.sleep(1)
    seen = op.reconciled(set(op_ns))
    res["restart_reconciled"] = len(seen)
    res["restart_all_s"] = (max(seen.values()) - t0) if len(seen) >= total else float("nan")
    await_quiet()
    ev = audit_events(t0, now())
    res["restart_writes"] = sum(1 for e in ev if is_write(e))
    res["restart_write_kinds"] = describe_requests([e for e in ev if is_write(e)])
    res["restart_reads"] = sum(1 for e in ev if not is_write(e))
    res["rss_restart"], res["heap_restart"] = op.rss_mib(), op.heap()
    res["heap_live"] = op.heap(live=True)
    if "NativeMemoryTracking" in ENV.get("SCALE_JVM_EXTRA", ""):
        with open(os.path.join(OUT, f"nmt-{n}.txt"), "w") as f:
            f.write(op.jcmd("VM.native_memory", "summary"))
    res["rss_after_gc"] = op.rss_mib()
    res["oom"] = op.oom()
    res["max_rss"] = max(res["rss_burst"], res["rss_steady"], res["rss_restart"])

    if n != N_LIST[-1]:  # the last step's objects go with the cluster
        log(f"N={n}: cleaning up")
        delete_namespaces(api, raw_ns + op_ns)
    return res


# ------------------------------------------------------------------------------------------------ memory mode

Variant = collections.namedtuple("Variant", "name flags env jar")


def parse_variants(text):
    """SCALE_VARIANTS: 'name=options;name@/path/quarkus-run.jar=options;...'. Options are JVM flags added after the
    shipped ones (HotSpot takes the last), or KEY=VALUE for the environment; a jar replaces the packaged operator
    (e.g. another commit's, from hack/build-previous-release.sh COMMIT). The first variant is the baseline."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        head, _, options = part.partition("=")
        name, _, jar = head.partition("@")
        flags = [o for o in options.split() if o.startswith("-")]
        env = dict(o.split("=", 1) for o in options.split() if not o.startswith("-"))
        out.append(Variant(name.strip(), flags, env, jar.strip() or None))
    return out or [Variant("shipped", [], {}, None)]


class RssPeak(threading.Thread):
    """The highest RSS of the operator process while it runs (sampled every 0.5 s)."""

    def __init__(self, op):
        super().__init__(daemon=True)
        self.op, self.peak, self.running = op, 0.0, True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, self.op.rss_mib())
            except (OSError, ValueError):
                pass
            time.sleep(0.5)

    def stop(self):
        self.running = False
        return self.peak


def memory_breakdown(op, tag):
    """RSS, heap and the live set, threads, and the committed memory by NMT area (needs
    -XX:NativeMemoryTracking=summary); the class histogram of the live set goes to histo-<tag>.txt."""
    m = {"rss": op.rss_mib(), "threads": op.threads()}
    m["heap_used"], m["heap_committed"] = op.heap()
    histo = op.jcmd("GC.class_histogram")  # a full GC first: the live set
    with open(os.path.join(OUT, f"histo-{tag}.txt"), "w") as f:
        f.write(histo)
    total = re.search(r"^Total\s+\d+\s+(\d+)", histo, re.M)  # heap_info after it would count new allocations too
    m["heap_live"] = int(total.group(1)) / 1048576 if total else float("nan")
    m["rss_after_gc"] = op.rss_mib()
    m.update(op.rss_parts())
    nmt = op.jcmd("VM.native_memory", "summary")
    with open(os.path.join(OUT, f"nmt-{tag}.txt"), "w") as f:
        f.write(nmt)
    total = re.search(r"^Total: reserved=(\d+)KB, committed=(\d+)KB", nmt, re.M)
    m["nmt_total"] = int(total.group(2)) / 1024 if total else float("nan")
    m["nmt"] = {a: int(c) / 1024 for a, c in re.findall(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB\)", nmt, re.M)}
    m["metaspace"] = m["nmt"].get("Metaspace", float("nan"))
    m["classes"] = int(re.search(r"\(classes #(\d+)\)", nmt).group(1)) if "classes #" in nmt else 0
    m["nmt"]["threads#"] = int(re.search(r"\(thread #(\d+)\)", nmt).group(1)) if "thread #" in nmt else 0
    m["top_classes"] = [(int(b) / 1048576, cls) for _, b, cls in
                        re.findall(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", histo, re.M)[:12]]
    return m


def memory_mode(api, op, apps_w, n):
    """One set of N apps, then the operator restarted once per variant: its restart (every app reconciled again, the
    writes it caused) and its memory once settled, side by side. The first variant also makes the burst."""
    variants = parse_variants(ENV.get("SCALE_VARIANTS", ""))
    nss = namespaces(n, "op")
    create_namespaces(api, nss)
    apps = [app(f"app-{k}", f"sc{n}-op-{k % NAMESPACES}", k % NAMESPACES) for k in range(n)]
    results = []
    op.variant = variants[0]
    op.start()
    peak = RssPeak(op)
    peak.start()
    log(f"N={n}: apply of {n} ScaledDemoApps ({variants[0].name})")
    t0 = now()
    kubectl_apply(apps)
    ready_s = await_count(apps_w, nss, n, t0) - t0
    await_hpa_reported(api, nss, n)
    await_quiet()
    burst = {"variant": variants[0].name + " (burst)", "ready_s": ready_s, "peak_rss": peak.stop(),
             "writes": sum(1 for e in audit_events(t0, now()) if is_write(e)), "cpu_s": op.cpu_seconds()}
    burst.update(memory_breakdown(op, f"{n}-burst"))
    results.append(burst)
    log(f"N={n}: burst: {json.dumps({k: v for k, v in burst.items() if k != 'top_classes'}, default=str)}")
    for round_ in range(int(ENV.get("SCALE_ROUNDS", "1"))):
        for v in variants:
            op.stop()
            op.variant = v
            t0 = now()
            op.start()
            peak = RssPeak(op)
            peak.start()
            started_s = now() - t0
            deadline = now() + READY_TIMEOUT
            while now() < deadline and len(op.reconciled(set(nss))) < n:
                time.sleep(0.5)
            seen = op.reconciled(set(nss))
            all_s = (max(seen.values()) - t0) if len(seen) >= n else float("nan")
            await_quiet()
            time.sleep(10)
            r = {"variant": v.name, "started_s": started_s, "all_s": all_s, "reconciled": len(seen),
                 "peak_rss": peak.stop(), "writes": sum(1 for e in audit_events(t0, now()) if is_write(e)),
                 "cpu_s": op.cpu_seconds()}
            r.update(memory_breakdown(op, f"{n}-{v.name}-{round_}"))
            results.append(r)
            log(f"N={n} {v.name}: {json.dumps({k: v for k, v in r.items() if k != 'top_classes'}, default=str)}")
    op.stop()
    return results


def memory_report(n, results, header):
    print(header)
    print()
    print(f"Memory at N={n} (MiB; RSS peak sampled every 0.5 s; live heap and RSS after GC: after the full GC of"
          " GC.class_histogram; NMT committed). Restart: JVM up / every app reconciled again, seconds after the stop.")
    print()
    areas = ["Java Heap", "Class", "Thread", "Code", "GC", "Compiler", "Internal", "Other", "Symbol",
             "Shared class space", "Native Memory Tracking", "Arena Chunk", "Module"]
    cols = ["variant", "RSS peak", "RSS", "RSS after GC", "anon / file", "heap used/committed", "live heap",
            "metaspace (classes)", "threads"] \
        + areas + ["NMT total", "RSS - NMT", "CPU s", "restart up / all s", "writes"]
    print("| " + " | ".join(cols) + " |")
    print("|" + " --- |" * len(cols))
    for r in results:
        row = [r["variant"], f"{r['peak_rss']:.0f}", f"{r['rss']:.0f}", f"{r['rss_after_gc']:.0f}",
               f"{r.get('RssAnon', 0):.0f} / {r.get('RssFile', 0):.0f}",
               f"{r['heap_used']:.0f} / {r['heap_committed']:.0f}", f"{r['heap_live']:.1f}",
               f"{r['metaspace']:.0f} ({r['classes']})",
               str(r["threads"])] + [f"{r['nmt'].get(a, 0):.1f}" for a in areas] \
            + [f"{r['nmt_total']:.0f}", f"{r['rss_after_gc'] - r['nmt_total']:.0f}", f"{r['cpu_s']:.0f}",
               f"{r['started_s']:.1f} / {r['all_s']:.1f} ({r['reconciled']})" if "started_s" in r
               else f"burst: all Ready {r['ready_s']:.1f}", str(r["writes"])]
        print("| " + " | ".join(row) + " |")
    print()
    for r in results:
        print(f"{r['variant']}: largest classes in the live heap: "
              + ", ".join(f"{cls} {mib:.1f}" for mib, cls in r["top_classes"][:8]))


# ------------------------------------------------------------------------------------------------ report

def report(results, header):
    print(header)
    print()
    print("| N | raw apply->Deployments ready s | operator apply->all Ready s | ratio | create->Ready p50/p99 s raw"
          " | operator | p99 diff s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        rl, ol = r["raw_latency"], r["op_latency"]
        print(f"| {r['n']} | {r['raw_ready_s']:.1f} | {r['op_ready_s']:.1f} | {r['op_ready_s'] / r['raw_ready_s']:.3f}"
              f" | {percentile(rl, 50):.2f} / {percentile(rl, 99):.2f} | {percentile(ol, 50):.2f} /"
              f" {percentile(ol, 99):.2f} | {percentile(ol, 99) - percentile(rl, 99):+.2f} |")
    print()
    print("create -> Ready, where the time went (the audit log; p50 / p90 s after the create):")
    print()
    print("| N | side | " + " | ".join(STEP_NAMES) + " |")
    print("| --- | --- |" + " --- |" * len(STEP_NAMES))
    for r in results:
        for side in ("raw", "op"):
            steps = r.get(f"{side}_steps", {})
            cells = [f"{steps[s][0]:.2f} / {steps[s][1]:.2f}" if s in steps else "-" for s in STEP_NAMES]
            print(f"| {r['n']} | {'operator' if side == 'op' else side} | " + " | ".join(cells) + " |")
    print()
    print("| N | requests/app (reads + writes) | writes/app | 409s | adapter CM writes | adapter rolls |"
          " CPU s per 1000 apps | RSS MiB burst/steady/restart | heap used/committed MiB after burst | live heap |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        n = r["n"]
        print(f"| {n} | {(r['burst_reads'] + r['burst_writes']) / n:.2f} ({r['burst_reads'] / n:.2f} +"
              f" {r['burst_writes'] / n:.2f}) | {r['burst_writes'] / n:.2f} | {r['burst_409']} | {r['cm_writes']} |"
              f" {r['rolls']} | {r['op_cpu_s'] / n * 1000:.1f} | {r['rss_burst']:.0f} / {r['rss_steady']:.0f} /"
              f" {r['rss_restart']:.0f} | {r['heap_burst'][0]:.0f} / {r['heap_burst'][1]:.0f} |"
              f" {r['heap_live'][0]:.0f} |")
    print()
    print("| N | steady reconciles/min | steady writes/min | restart: JVM up s | all reconciled s | writes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['n']} | {r['steady_reconciles']:.1f} | {r['steady_writes']:.1f} | {r['restart_started_s']:.1f} |"
              f" {r['restart_all_s']:.1f} ({r['restart_reconciled']} apps) | {r['restart_writes']} |")
    print()
    for r in results:
        print(f"N={r['n']} burst requests by the operator: "
              + ", ".join(f"{k} {v}" for k, v in sorted(r["burst_requests"].items())))
        if r["restart_writes"]:
            print(f"N={r['n']} restart writes: " + ", ".join(f"{k} {v}" for k, v in r["restart_write_kinds"].items()))
        if r["burst_status_changes"]:
            print(f"N={r['n']} burst status patches by what they changed from the app's previous one: "
                  + "; ".join(f"{k}: {v}" for k, v in r["burst_status_changes"].most_common()))
    print()
    print(f"Design minimum per app: {DESIGN_MIN} writes = {DESIGN_MIN_TEXT}; reads per app: 0 (informers list and"
          " watch per kind, not per app)")
    print()
    verdict = []

    def check(ok, text):
        verdict.append(ok)
        print(("PASS " if ok else "FAIL ") + text)

    for r in results:
        n = r["n"]
        rl, ol = r["raw_latency"], r["op_latency"]
        check(r["op_ready_s"] <= 1.05 * r["raw_ready_s"], f"N={n}: apply->Ready within 1.05x of raw "
              f"({r['op_ready_s']:.1f}s vs {r['raw_ready_s']:.1f}s)")
        check(percentile(ol, 99) <= percentile(rl, 99) + 1, f"N={n}: p99 create->Ready within 1 s of raw "
              f"({percentile(ol, 99):.2f}s vs {percentile(rl, 99):.2f}s)")
        per_app = (r["burst_writes"] - r["cm_writes"] - r["rolls"]) / n
        told = roll_notices(r["burst_status_changes"]) / n
        check(per_app <= DESIGN_MIN + HPA_REPORT + told + 0.05, f"N={n}: writes per app at the design minimum "
              f"({per_app:.2f} besides the adapter's; minimum {DESIGN_MIN}, {DESIGN_MIN + HPA_REPORT} with the HPA's"
              f" report, + {told:.2f} for the apps told that the adapter reread their new rule)")
        check(r["steady_writes"] == 0, f"N={n}: 0 writes in steady state ({r['steady_writes']:.1f}/min)")
        check(r["restart_writes"] == 0, f"N={n}: 0 writes after a restart ({r['restart_writes']})")
        check(r["burst_409"] <= 0.005 * max(1, r["burst_writes"]), f"N={n}: 409s under 0.5% of writes "
              f"({r['burst_409']} of {r['burst_writes']})")
        check(r["cm_writes"] <= NAMESPACES, f"N={n}: adapter ConfigMap writes <= distinct rules "
              f"({r['cm_writes']} for {NAMESPACES} rules)")
        if n == 1000:
            check(r["max_rss"] <= 256, f"N=1000: RSS <= 256 MiB ({r['max_rss']:.0f})")
            check(r["restart_all_s"] <= 30, f"N=1000: every app reconciled within 30 s of a restart "
                  f"({r['restart_all_s']:.1f}s)")
        if n == 3000:
            check(not r["oom"], "N=3000: no OutOfMemoryError")
    print()
    print(f"verdict: {sum(verdict)} of {len(verdict)} targets met")


STEP_NAMES = ["operator's first request", "Deployment applied", "Service applied", "last child applied",
              "ReplicaSet created", "Deployment status last updated", "ready", "Service create in the API server"]

# finalizer + Deployment, Service, Ingress, ServiceMonitor, HPA, dashboard + the status at creation and at Ready +
# the Event for Ready (a new app waiting for its pods is no Event)
DESIGN_MIN = 1 + 6 + 2 + 1
# the HPA's first conditions after Ready: one more status patch and its Event; kwok's pods serve no metrics, so here
# that report is ScalingActive=False, which is also the metric lost: a second Event (MetricLost)
HPA_REPORT = 3
DESIGN_MIN_TEXT = ("1 finalizer patch + 6 child applies (Deployment, Service, Ingress, ServiceMonitor, HPA, dashboard)"
                   " + 2 status patches (created; Ready) + 1 Event (Ready True); 13 when the HPA reports its first"
                   " conditions after Ready (a status patch, and here, as kwok's pods serve no metrics, the Events"
                   " ScalingActiveFalse and MetricLost); one more status patch for an app told that the adapter will"
                   " reread its new rule, when it has; plus the shared adapter ConfigMap per distinct rule")


def setup(api):
    """CRDs, the stand-in prometheus-adapter, the operator's ServiceAccount, RBAC and a kubeconfig with its token."""
    crd = os.path.join(ROOT, "operator/target/kubernetes/scaleddemoapps.scaleddemo.dev-v1.yml")
    kubectl("apply", "--server-side", "--force-conflicts", "-f", crd, "-f", ENV["SCALE_SM_CRD"])
    for attempt in range(30):  # right after the apply, a CRD without conditions fails the wait ("accessor error")
        try:
            kubectl("wait", "--for", "condition=Established", "--timeout=60s", "crd/scaleddemoapps.scaleddemo.dev",
                    "crd/servicemonitors.monitoring.coreos.com")
            break
        except RuntimeError:
            if attempt == 29:
                raise
            time.sleep(1)
    for ns in (ADAPTER_NS, OP_NS):
        api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    api.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": ADAPTER_CM, "namespace": ADAPTER_NS},
               "data": {"config.yaml": "rules: []\n"}})
    kubectl("apply", "-f", "-", stdin=json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": ADAPTER_DEPLOY, "namespace": ADAPTER_NS},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": "prometheus-adapter"}},
                 "template": {"metadata": {"labels": {"app.kubernetes.io/name": "prometheus-adapter"}},
                              "spec": {"containers": [{"name": "prometheus-adapter", "image":
                                                       "registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0"}]}}}}))
    text = kubectl("create", "--dry-run=client", "-o", "json", "-f",
                   os.path.join(ROOT, "operator/target/kubernetes/kubernetes.yml"))
    generated, pos, decoder = [], 0, json.JSONDecoder()
    while text[pos:].strip():  # one JSON document per object
        obj, end = decoder.raw_decode(text[pos:].lstrip())
        pos = len(text) - len(text[pos:].lstrip()) + end
        generated.extend(obj.get("items", [obj]))
    rbac = [o for o in generated
            if o["kind"] in ("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")]
    kubectl("apply", "--server-side", "--force-conflicts", "-f", "-",
            stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": rbac}))
    token = kubectl("-n", OP_NS, "create", "token", "scaled-demo-operator", "--duration=6h").strip()
    path = os.path.join(OUT, "operator-kubeconfig")
    ca = base64.b64encode(open(os.path.join(api.tmp, "certificate-authority-data"), "rb").read()).decode()
    with open(path, "w") as f:
        f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {{server: "https://{api.host}:{api.port}", certificate-authority-data: {ca}}}
users:
- name: operator
  user: {{token: {token}}}
contexts:
- name: local
  context: {{cluster: local, user: operator, namespace: {OP_NS}}}
current-context: local
""")
    os.chmod(path, 0o600)
    return path


def split_cpus():
    """SCALE_SPLIT_CPUS=1: the control plane on CPU 0, the operator and the benchmark's clients on CPU 1, as in a
    cluster, where the operator runs on a node of its own: its CPU then no longer slows the controllers it waits on."""
    if ENV.get("SCALE_SPLIT_CPUS") != "1":
        return
    if os.cpu_count() < 2:
        raise RuntimeError("SCALE_SPLIT_CPUS=1 needs 2 CPUs")
    with open(os.path.join(STATE, "pids")) as f:
        for line in f:
            name, pid = line.split()
            subprocess.run(["taskset", "-a", "-p", "-c", "0", pid], check=True, capture_output=True)
            log(f"{name} ({pid}) on CPU 0")
    os.sched_setaffinity(0, {1})  # inherited by the operator and kubectl


class CpuWeight:
    """SCALE_OPERATOR_CPU_WEIGHT=1: the operator in a CPU cgroup weighted as its pod's CPU request (deploy/install.yaml),
    everything else as before. The kernel then gives it that share only while the control plane also wants the CPU,
    as the kubelet would on a node shared with it; in a cluster with control-plane nodes it takes none of theirs."""

    def __init__(self, millicores):
        self.shares = max(2, millicores * 1024 // 1000)  # the kubelet's conversion of a request to cpu.shares
        v1 = "/sys/fs/cgroup/cpu"
        if os.path.isfile(os.path.join(v1, "cpu.shares")):
            self.path, knob, value = os.path.join(v1, "scale-bench-operator"), "cpu.shares", self.shares
        else:  # cgroup v2: the kubelet maps shares to weights this way
            self.path = "/sys/fs/cgroup/scale-bench-operator"
            knob, value = "cpu.weight", 1 + ((self.shares - 2) * 9999) // 262142
        os.makedirs(self.path, exist_ok=True)
        with open(os.path.join(self.path, knob), "w") as f:
            f.write(str(value))
        log(f"operator in {self.path}: {knob} {value} (CPU request {millicores}m)")

    def enter(self):
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))


def operator_cgroup():
    if ENV.get("SCALE_OPERATOR_CPU_WEIGHT") != "1":
        return None
    request = ENV["SCALE_CPU_REQUEST"]
    return CpuWeight(int(request[:-1]) if request.endswith("m") else int(float(request) * 1000))


OPERATOR_CGROUP = None


def main():
    global OPERATOR_CGROUP
    os.makedirs(OUT, exist_ok=True)
    split_cpus()
    OPERATOR_CGROUP = operator_cgroup()
    api = Api(os.path.join(STATE, "kubeconfig"))
    op_kubeconfig = setup(api)
    jvm_flags = json.loads(ENV["SCALE_JVM_FLAGS"])
    op = Operator(jvm_flags, ENV["SCALE_MAX_RAM"], op_kubeconfig)
    apps_w = Watcher(api, f"/apis/{GROUP}/v1alpha1/scaleddemoapps", app_ready)
    deps_w = Watcher(api, "/apis/apps/v1/deployments?labelSelector=app.kubernetes.io%2Fname%3Ddemo-app",
                     deployment_ready)
    apps_w.start()
    deps_w.start()
    if MODE == "memory":
        n = N_LIST[0]
        results = memory_mode(api, op, apps_w, n)
        with open(os.path.join(OUT, "results.json"), "w") as f:
            json.dump(results, f, default=str, indent=1)
        memory_report(n, results, ENV.get("SCALE_HEADER", ""))
        return
    op.start()
    results = []
    try:
        for n in N_LIST:
            results.append(step(api, op, apps_w, deps_w, n))
            log(f"N={n} done: {json.dumps({k: v for k, v in results[-1].items() if 'latency' not in k}, default=str)}")
    finally:
        op.stop()
        with open(os.path.join(OUT, "results.json"), "w") as f:
            json.dump(results, f, default=str, indent=1)
    report(results, ENV.get("SCALE_HEADER", ""))


if __name__ == "__main__":
    main()
