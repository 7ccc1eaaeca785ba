#!/usr/bin/env python3
"""Measures one scaling reaction (used by hack/e2e/bench-reaction.sh; stdlib only, loopback only).

Clicks at a fixed rate, round-robin over the app's demo-app processes (pods.tsv of hack/e2e/PodRunner.java), from
t0 = the first click answered, and records when each stage of the chain first sees the load:
  prometheus   rate(counter[window]) > 0 for the app's pods (PromQL, what the adapter rule asks)
  adapter      the metrics API serves a value > 0: custom.metrics.k8s.io for a pod (prometheus-adapter), or
               external.metrics.k8s.io for the app's ScaledObject (--backend Keda: KEDA's metrics server)
  decision     the HPA's status.desiredReplicas > minReplicas (its first scale-up decision)
  ready        the Deployment has that many ready replicas
  serving      that many demo-app processes answer /readyz (hack/e2e/PodRunner.java started one per new pod)
The load stops at `ready` or after --timeout seconds (bounded in time and so in count).
"""
import argparse
import json
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request


def main():
    a = argparse.ArgumentParser()
    for f in ("kubectl", "kubeconfig", "namespace", "app", "counter", "window", "prometheus", "pods"):
        a.add_argument("--" + f, required=True)
    a.add_argument("--rate", type=float, required=True)
    a.add_argument("--min", type=int, default=1)
    a.add_argument("--timeout", type=float, default=300)
    a.add_argument("--backend", default="PrometheusAdapter", choices=["PrometheusAdapter", "Keda"])
    o = a.parse_args()
    keda = o.backend == "Keda"
    hpa = "keda-hpa-" + o.app if keda else o.app

    def kubectl(*args):
        r = subprocess.run([o.kubectl, "--kubeconfig", o.kubeconfig, "--request-timeout=5s", *args],
                           capture_output=True, text=True)
        return r.stdout if r.returncode == 0 else ""

    # the custom metric our HPA asks for (its name carries the window unless the window is the default)
    metric = None if keda else kubectl("-n", o.namespace, "get", "hpa", hpa, "-o",
                                       "jsonpath={.spec.metrics[0].pods.metric.name}").strip()
    if not keda and not metric:
        sys.exit(f"HPA {o.namespace}/{hpa} names no Pods metric")

    def ports():
        out = []
        with open(o.pods) as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                if not line.startswith("#") and len(c) >= 6 and c[0] == o.namespace and c[2] == o.app and c[5] == "1":
                    out.append(c[3])
        return out

    state = {"t0": None, "clicks": 0, "errors": 0, "stop": False}

    def clicker():
        n, i, start = 0, 0, time.monotonic()
        while not state["stop"] and time.monotonic() - start < o.timeout:
            ps = ports()
            if ps:
                p = ps[i % len(ps)]
                i += 1
                try:
                    req = urllib.request.Request(f"http://127.0.0.1:{p}/click-button", data=b"", method="POST")
                    urllib.request.urlopen(req, timeout=1).read()
                    state["clicks"] += 1
                    if state["t0"] is None:
                        state["t0"] = time.monotonic()
                except Exception:
                    state["errors"] += 1
            n += 1
            d = start + n / o.rate - time.monotonic()
            if d > 0:
                time.sleep(d)

    th = threading.Thread(target=clicker, daemon=True)
    th.start()
    marks = {}
    query = f'sum(rate({o.counter}{{namespace="{o.namespace}",pod=~"{o.app}-.*"}}[{o.window}])) by (pod)'
    deadline = time.monotonic() + o.timeout
    desired = None
    while time.monotonic() < deadline:
        now = time.monotonic()
        if state["t0"] is None:
            time.sleep(0.05)
            continue
        if "prometheus" not in marks:
            try:
                url = o.prometheus + "/api/v1/query?" + urllib.parse.urlencode({"query": query})
                res = json.load(urllib.request.urlopen(url, timeout=2))["data"]["result"]
                if any(float(r["value"][1]) > 0 for r in res):
                    marks["prometheus"] = now
            except Exception:
                pass
        if "adapter" not in marks:
            raw = kubectl("get", "--raw", external_metric_path(kubectl, o) if keda else
                          f"/apis/custom.metrics.k8s.io/v1beta2/namespaces/{o.namespace}/pods/*/{metric}")
            try:
                if any(parse_quantity(i["value"]) > 0 for i in json.loads(raw)["items"]):
                    marks["adapter"] = now
            except Exception:
                pass
        st = kubectl("-n", o.namespace, "get", "hpa", hpa, "-o", "jsonpath={.status.desiredReplicas}")
        if "decision" not in marks and st.strip().isdigit() and int(st) > o.min:
            marks["decision"] = now
            desired = int(st)
        if "decision" in marks:
            rd = kubectl("-n", o.namespace, "get", "deployment", o.app, "-o", "jsonpath={.status.readyReplicas}")
            if "ready" not in marks and rd.strip().isdigit() and int(rd) >= desired:
                marks["ready"] = now
            if "serving" not in marks and len(ports()) >= desired:
                marks["serving"] = now
            if "ready" in marks and "serving" in marks:
                break
        time.sleep(0.2)
    state["stop"] = True
    th.join(5)
    t0 = state["t0"]
    out = {k: round(v - t0, 1) for k, v in marks.items()}
    out.update(desired=desired, clicks=state["clicks"], errors=state["errors"])
    print(json.dumps(out))


def external_metric_path(kubectl, o):
    """KEDA's external metric of the app's ScaledObject (its name from the ScaledObject's status)."""
    name = kubectl("-n", o.namespace, "get", "scaledobject", o.app, "-o", "jsonpath={.status.externalMetricNames[0]}")
    selector = urllib.parse.quote("scaledobject.keda.sh/name=" + o.app)
    return f"/apis/external.metrics.k8s.io/v1beta1/namespaces/{o.namespace}/{name.strip() or 'none'}?labelSelector={selector}"


def parse_quantity(q):
    units = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9}
    if q and q[-1] in units:
        return float(q[:-1]) * units[q[-1]]
    return float(q)


if __name__ == "__main__":
    main()
