#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into seeds/<target>/ from the project's fixtures: the replies
real Oracle servers sent (tests/fixtures/*/real/), Oracle's examples and the constructed fixtures, plus a few
requests a client sends the simulator. Run it again after the fixtures change; its output is committed.

libFuzzer reads seeds/<target> as a second corpus directory and writes what it finds into corpus/<target>
(not committed), so the seeds stay small and reviewable."""

import json
import re
import shutil
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
FIXTURES = FUZZ.parent / "tests" / "fixtures"
SEEDS = FUZZ / "seeds"


def json_documents(path):
    """The JSON documents of a file: the whole file, or for a console log each top-level `{...}` block."""
    text = path.read_text(encoding="utf-8")
    try:
        json.loads(text)
        return [text]
    except ValueError:
        pass
    docs, block = [], None
    for line in text.splitlines():
        if block is None and line == "{":
            block = [line]
        elif block is not None:
            block.append(line)
            if line == "}":
                docs.append("\n".join(block))
                block = None
    return docs


def compact(text):
    return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)


class Seeds:
    def __init__(self, target):
        self.dir = SEEDS / target
        self.dir.mkdir(parents=True)
        self.seen = set()

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if data in self.seen:
            return
        self.seen.add(data)
        (self.dir / name).write_bytes(data)


def pick(index, body):
    return bytes([index]) + body.encode("utf-8")


def error_reply(service, status, headers, body):
    code = (status - 100).to_bytes(2, "big")
    head = "".join(f"{name}: {value}\n" for name, value in headers)
    return bytes([service]) + code + f"{head}\n{body}".encode("utf-8")


def main():
    if SEEDS.exists():
        shutil.rmtree(SEEDS)

    ogg_docs = {}
    for path in sorted((FIXTURES / "ogg").rglob("*")):
        if path.suffix in (".json", ".log"):
            for i, doc in enumerate(json_documents(path)):
                ogg_docs[f"{path.stem}-{i}"] = compact(doc)
    ess_page = compact((FIXTURES / "ess" / "real" / "ess-search-page-fusion.json").read_text(encoding="utf-8"))
    ess_items = json.loads(ess_page)["items"]
    oac_work_request = compact((FIXTURES / "workrequests" / "get_work_request_200.json").read_text(encoding="utf-8"))
    oac_servlet = (FIXTURES / "workrequests" / "real" / "oac-error-500-servlet.json").read_text(encoding="utf-8")
    proxy_401 = (FIXTURES / "ogg" / "constructed-proxy-401.html").read_text(encoding="utf-8")
    ess_error = compact(json.dumps({
        "type": "https://www.rfc-editor.org/rfc/rfc9110#name-400-bad-request", "title": "Bad Request",
        "status": 400, "detail": "The request is not in a state that allows this operation.",
        "errorCode": "ESS-00500"}))

    # ESS: 2 = RequestDetails, 3 = RequestQueryResponse, 5 = SubmitResponse (see fuzz_targets/ess_responses.rs).
    s = Seeds("ess_responses")
    s.add("query-page-real", pick(3, ess_page))
    for item in ess_items[:3]:
        s.add(f"request-{item.get('requestId')}", pick(2, compact(json.dumps(item))))
    s.add("submit-id", pick(5, '{"requestId":300000012345680}'))
    s.add("submit-self-link", pick(5, json.dumps({"links": [
        {"rel": "self", "href": "https://fa.example.com:443/ess/rest/scheduler/v1/requests/12345?x=1"}]})))

    # ESS multi-select replies: first byte = how many ids of each kind were asked (see fuzz_targets/ess_batch.rs).
    s = Seeds("ess_batch")
    s.add("query-page-real", bytes([3]) + ess_page.encode("utf-8"))
    s.add("batch-flat", bytes([3]) + compact(json.dumps({"batch": [
        {"requestId": 1, "state": "RUNNING"}, {"requestId": 2, "state": "SUCCEEDED"},
        {"requestId": 4711972, "state": "ERROR"}]})).encode("utf-8"))
    s.add("batch-nested", bytes([2]) + compact(json.dumps({"batch": [
        {"requestId": 1, "status": 200, "request": {"requestId": 1, "state": "WAIT"}},
        {"requestId": 2, "status": 404, "error": {"title": "Not Found"}},
        {"requestId": 300000012345680, "status": 200, "request": {"requestId": 300000012345680, "state": "HOLD"}}]})).encode("utf-8"))

    # GoldenGate: 0 = list, 1 = result, 2 = status, 3 = standard envelope (see fuzz_targets/ogg_responses.rs).
    s = Seeds("ogg_responses")
    for name, doc in ogg_docs.items():
        kind = 0 if "list" in name else 1 if "result" in name else 2 if "status" in name else 3
        s.add(name, pick(kind, doc))

    # Analytics: 0 = CreateSnapshotResponse, 1 = WorkRequest.
    s = Seeds("workrequests_responses")
    s.add("work-request", pick(1, oac_work_request))
    s.add("snapshot", pick(0, '{"workRequestId":" lfc-cc:13347-c9:3962654 "}'))

    # Error replies: service 0 = ESS, 1 = GoldenGate, 2 = Analytics.
    s = Seeds("error_replies")
    s.add("ess-400", error_reply(0, 400, [("X-ORACLE-DMS-ECID", "005zR0^6Fd"), ("Content-Type", "application/json")], ess_error))
    s.add("ess-503-retry", error_reply(0, 503, [("Retry-After", "120")], ess_error))
    s.add("ogg-401-proxy", error_reply(1, 401, [("Content-Type", "text/html")], proxy_401))
    for name, doc in ogg_docs.items():
        if "error" in name or "failed" in name:
            s.add(f"ogg-{name}", error_reply(1, 400, [("opc-request-id", "a1b2")], doc))
    s.add("oac-500-servlet", error_reply(2, 500, [("oa-request-id", "x"), ("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")], oac_servlet))
    s.add("oac-404", error_reply(2, 404, [], '{"code":"NotAuthorizedOrNotFound","message":"Not found"}'))

    # Single values: timestamps and hrefs found in the fixtures, Retry-After values, ids.
    s = Seeds("header_values")
    everything = "\n".join([ess_page, oac_work_request, *ogg_docs.values()])
    stamps = sorted(set(re.findall(r'"(\d{4}-\d\d-\d\d[Tt ][^"]{4,40})"', everything)))
    hrefs = sorted(set(re.findall(r'"href":"([^"]+)"', everything)))
    values = stamps[:12] + hrefs[:12] + [
        "2022-07-06T20:25:11.0+0000", "2016-12-31T23:59:60Z", "2024-03-05 10:15:00.123456+0000", "2024-03-05",
        "120", " 0 ", "Wed, 21 Oct 2015 07:28:00 GMT", "lfc-cc:13347-c9:3962654", "'owner'.'name'",
        "https://ogg.example.com/services/EAST/adminsrvr/v2/requests/7/result"]
    for i, value in enumerate(values):
        s.add(f"value-{i:02}", value)

    # Requests to the simulator (see fuzz_targets/simulator_requests.rs for the layout).
    s = Seeds("simulator_requests")
    ess = "/ess/rest/scheduler/v1"
    submit = json.dumps({"jobDefinitionId": "JobDefinition://oracle/apps/ess/Demo", "application": "EarHcmEss"})
    json_header = "Content-Type: application/json"
    requests = {
        "ess-submit-then-query": [
            f"POST {ess}/requests\n{json_header}\n\n{submit}",
            f'GET {ess}/requests?q=(state%20eq%20%22WAIT%22%20or%20priority%20ge%204)%20and%20processEndTime%20pr'
            f'&orderBy=requestId:desc&fields=requestId,state&excludeFields=links\n\n',
            f"GET {ess}/requests?id=300000012345680,1,x\n\n",
            f"GET {ess}/requests/300000012345680?fields=@basic&links=self,canonical\n\n",
        ],
        "ess-search-and-actions": [
            f"POST {ess}/requests\n{json_header}\n\n{submit}",
            f"GET {ess}/requests/search/1?q=state%20sw%20%22W%22\n\n",
            f"POST {ess}/requests/300000012345680/cancel\n\n",
            f"GET {ess}/query/EarHcmEss/requests?orderBy=state:asc\n\n",
        ],
        # Once a stack overflow of the simulator (nesting beyond the limit of ess/query.rs is now a 400).
        "ess-q-nested-too-deep": [f"GET {ess}/requests?q={'(' * 40}state%20pr{')' * 40}\n\n"],
        "ogg-requests": [
            "POST /_simulator/ogg/requests\n" + json_header + '\n\n{"deployment":"Local","service":"adminsrvr","id":7}',
            "GET /services/v2/requests\n\n",
            "GET /services/Local/adminsrvr/v2/requests/7/result\n\n",
        ],
        "analytics-snapshot": [
            f"POST /api/20210901/snapshots\n{json_header}\n\n" + '{"type":"CREATE","name":"s1","password":"p"}',
            "GET /api/20210901/workRequests/lfc-cc%3A13347-c9%3A3962654\n\n",
        ],
        "admin-bodies": [
            "POST /_simulator/clock/advance\n" + json_header + '\n\n{"seconds": 7200}',
            "POST /_simulator/clock/set\n" + json_header + '\n\n{"time": "2026-01-01T00:00:00Z"}',
            "POST /_simulator/faults\n" + json_header + '\n\n{"operationId": "ess.getRequest", "next": ["unavailable"], "seed": 1}',
            "POST /_simulator/force\n" + json_header + '\n\n{"service": "ess", "id": 300000012345680, "state": "ERROR"}',
            "PUT /_simulator/auth\n" + json_header + '\n\n{"accepted": [{"kind": "basic", "user": "u", "password": "p"}]}',
            "GET /_simulator/state/ess/300000012345680\n\n",
            "PUT /_simulator/rate-limit\n" + json_header + '\n\n{"perSecond": 20, "burst": 5}',
            "GET /_simulator/rate-limit\n\n",
        ],
        # Once a panic of the simulator (the virtual clock advanced beyond the latest date; now it stops there).
        "admin-clock-overflow": [
            "POST /_simulator/clock/advance\n" + json_header + '\n\n{"seconds": 72111111111111100}',
            "POST /_simulator/clock/speed\n" + json_header + '\n\n{"speed": 1e300}',
            "GET /ess/rest/scheduler/v1/requests\n\n",
        ],
    }
    for name, sequence in requests.items():
        s.add(name, "\n---\n".join(sequence))


if __name__ == "__main__":
    main()
