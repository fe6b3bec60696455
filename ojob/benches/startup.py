#!/usr/bin/env python3
"""Start-to-exit time of `ojob` against curl doing the same call, in the same run.

Usage: python3 ojob/benches/startup.py [RUNS]   (after `cargo build --release -p ojob -p sdk-simulator`)

Starts the standalone simulator (release build) on a free port, submits one ESS request and lets it finish, then
times RUNS runs of each command, interleaved so that both see the same machine load:

  help    ojob --help
  status  ojob --url <ESS> --output json ess get-root        vs  curl -s <ESS>/
  wait    ojob --url <ESS> --no-progress ess wait <finished id> vs  curl -s <ESS>/requests/<id>

and prints the median of each and the ratio of the medians (ojob / curl). `ess wait` on a finished request is one
status call (GET /requests/{id}) through the SDK's waiter.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
OJOB = os.path.join(TARGET, "release", "ojob")
SIMULATOR = os.path.join(TARGET, "release", "sdk-simulator")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(argv):
    start = time.perf_counter_ns()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    elapsed = time.perf_counter_ns() - start
    if done.returncode != 0:
        sys.exit(f"{argv} exited {done.returncode}")
    return elapsed / 1e6


ENV = {k: v for k, v in os.environ.items() if not k.startswith("OJOB_")}
ENV["OJOB_CONFIG"] = "/nonexistent/ojob-bench.toml"


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    port = free_port()
    sim = subprocess.Popen([SIMULATOR, "--port", str(port), "--clock-speed", "36000"], stdout=subprocess.PIPE)
    try:
        sim.stdout.readline()
        ess = f"http://127.0.0.1:{port}/ess/rest/scheduler/v1"
        body = json.dumps({"jobDefinitionId": "JobDefinition://oracle/apps/ess/custom/Bench"}).encode()
        req = urllib.request.Request(f"{ess}/requests", body, {"Content-Type": "application/json"})
        request_id = json.load(urllib.request.urlopen(req))["id"]
        time.sleep(1)  # the default scenario ends within a second of real time at this clock speed
        cases = {
            "help": ([OJOB, "--help"], None),
            "status": ([OJOB, "--url", ess, "--output", "json", "ess", "get-root"], ["curl", "-s", "-f", f"{ess}/"]),
            "wait": (
                [OJOB, "--url", ess, "--no-progress", "ess", "wait", str(request_id)],
                ["curl", "-s", "-f", f"{ess}/requests/{request_id}"],
            ),
        }
        samples = {name: ([], []) for name in cases}
        for argv_pair in cases.values():  # warm the page cache
            for argv in argv_pair:
                if argv:
                    timed(argv)
        for _ in range(runs):
            for name, (ojob, curl) in cases.items():
                samples[name][0].append(timed(ojob))
                if curl:
                    samples[name][1].append(timed(curl))
        print(f"{runs} runs each, interleaved; medians in ms")
        curl_status = statistics.median(samples["status"][1])
        for name, (ojob, curl) in samples.items():
            o = statistics.median(ojob)
            c = statistics.median(curl) if curl else curl_status
            against = "curl (status call)" if not curl else "curl (same call)"
            print(f"{name:7} ojob {o:7.2f}   {against} {c:7.2f}   ratio {o / c:5.2f}")
    finally:
        sim.terminate()
        sim.wait()


if __name__ == "__main__":
    main()
