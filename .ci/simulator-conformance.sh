#!/usr/bin/env bash
# Holds the simulator (sdk-simulator) to the specs with tools no one here wrote:
#   1. Schemathesis (PyPI, pinned in .ci/requirements.txt) generates requests from each spec and checks every
#      reply against it: status code documented, content type documented, response headers and body schema
#      conform, no 5xx on generated input. Fixed seed, bounded examples.
#   2. Stoplight Prism (npm, pinned in .ci/package-lock.json) runs as a validating proxy in front of the
#      simulator (`prism proxy <spec> <simulator URL> --errors`); a scripted walk through each service's
#      lifecycle goes through it and any request or reply violation fails the run.
# Needs: .ci/.venv with .ci/requirements.txt installed, .ci/node_modules from .ci/package.json, cargo, curl.
# Exits non-zero on any problem; always stops the servers it started.
#
# GoldenGate addressing: when specs/ogg.yaml has the final form (paths `/requests...` relative to a server URL
# ending in `/services/v2`), the spec is run against every addressing form of the simulator: direct
# `/services/v2`, OCI `/services/adminsrvr/v2` and reverse proxy `/services/Local/distsrvr/v2`. With the older
# form (`/services/{version}/requests...`) it is run against the server root. OGG_SPEC=<file> overrides the spec.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.ci/.venv
PRISM=.ci/node_modules/.bin/prism
OGG_SPEC=${OGG_SPEC:-specs/ogg.yaml}
SEED=${SIM_CONFORMANCE_SEED:-20260101}
EXAMPLES=${SIM_CONFORMANCE_EXAMPLES:-25}
WORK=$(mktemp -d)
PIDS=()
FAILED=0
START=$(date +%s)

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; FAILED=1; }

[ -x "$VENV/bin/schemathesis" ] || { echo "schemathesis missing: $VENV/bin/pip install -r .ci/requirements.txt" >&2; exit 2; }
[ -x "$PRISM" ] || { echo "prism missing: npm ci --prefix .ci" >&2; exit 2; }

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_http() { # url
  for _ in $(seq 1 200); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

step "build the standalone simulator"
cargo build -p sdk-simulator --bin sdk-simulator --locked --quiet
BIN="${CARGO_TARGET_DIR:-target}/debug/sdk-simulator"

PORT=$(free_port)
SIM="http://127.0.0.1:$PORT"
BASIC_USER=ci BASIC_PASS=ci-secret TOKEN=ci-token
"$BIN" --port "$PORT" --basic "$BASIC_USER:$BASIC_PASS" --bearer "$TOKEN" > "$WORK/simulator.log" 2>&1 &
PIDS+=($!)
wait_http "$SIM/_simulator"
echo "simulator on $SIM"

admin() { # method path [json]
  curl -sf -X "$1" "$SIM/_simulator/$2" -H 'content-type: application/json' ${3:+-d "$3"} > /dev/null
}
ess() { # method path [json] -> body
  curl -s -u "$BASIC_USER:$BASIC_PASS" -X "$1" "$SIM/ess/rest/scheduler/v1$2" -H 'content-type: application/json' ${3:+-d "$3"}
}

step "seed requests in many states (so generated calls reach real requests, not only 404s)"
JOB='JobDefinition://oracle/apps/ess/custom/NightlyLoad'
admin POST scenarios/ess '{"jobDefinitionId":"JobDefinition://oracle/apps/ess/custom/AsyncJob","scenario":{"steps":[{"state":"WAIT","seconds":1},{"state":"READY","seconds":1},{"state":"RUNNING","seconds":0}],"endState":null,"cause":null,"asynchronous":true}}'
for i in 1 2 3 4 5 6; do
  ess POST /requests "{\"jobDefinitionId\":\"$JOB\",\"application\":\"EarCustomEss\"}" > /dev/null
done
ess POST /requests '{"jobDefinitionId":"JobDefinition://oracle/apps/ess/custom/AsyncJob","application":"EarCustomEss"}' > /dev/null
admin POST clock/advance '{"seconds":3}'
ess POST /requests/300000012345686/cancel > /dev/null          # async RUNNING -> CANCELLING
admin POST clock/advance '{"seconds":1900}'                    # the 30-minute rule passes; NightlyLoad ends
for i in 1 2; do
  ess POST /requests "{\"jobDefinitionId\":\"$JOB\",\"application\":\"EarCustomEss\"}" > /dev/null
done
admin POST force '{"service":"ess","id":300000012345681,"state":"ERROR","cause":"PROCESS_ERROR","message":"ORA-01555: snapshot too old"}'
admin POST force '{"service":"ess","id":300000012345682,"state":"RUNNING"}'
admin POST force '{"service":"ess","id":300000012345683,"state":"HOLD"}'
for svc in "" '"service":"distsrvr",' '"deployment":"Local","service":"recvsrvr",'; do
  admin POST ogg/requests "{$svc\"id\":425988381,\"scenario\":{\"steps\":[],\"end\":\"succeeded\"}}"
  admin POST ogg/requests "{$svc\"id\":425988382,\"scenario\":{\"steps\":[{\"state\":\"processing\",\"seconds\":100000}],\"end\":\"succeeded\"}}"
  admin POST ogg/requests "{$svc\"id\":425988383,\"scenario\":{\"steps\":[],\"end\":\"failed\",\"result\":{\"status\":400,\"reason\":\"Bad Request\",\"headers\":[[\"Content-Type\",\"text/plain\"]],\"body\":\"OGG-01224 bad request\"}}}"
done

# Schemathesis: only replies are judged (positive data); a 4xx the spec documents is a valid answer.
ST_CONFIG=()
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
st() { # label spec url [extra args...]
  local label=$1 spec=$2 url=$3; shift 3
  step "schemathesis: $label ($url)"
  if ! "$VENV/bin/schemathesis" "${ST_CONFIG[@]}" run "$spec" --url "$url" --mode positive --seed "$SEED" -n "$EXAMPLES" \
      --phases examples,coverage,fuzzing,stateful -c "$CHECKS" -w 1 --no-shrink --request-timeout 10 \
      --suppress-health-check all --output-truncate true "$@" > "$WORK/st.log" 2>&1; then
    { [ -s "$WORK/st.log" ] && tail -n 5 "$WORK/st.log"; sed -n "/= ERRORS =\|= FAILURES =/,/= SUMMARY =/p" "$WORK/st.log" | head -n 100; sed -n "/^Failures:/,/^$/p; /^Errors:/,/^$/p" "$WORK/st.log"; } || true
    fail "schemathesis $label"
  else
    grep -E "^ *(Test cases:|[0-9]+ generated)" "$WORK/st.log" | tr -s ' ' | paste -sd' ' || true
  fi
}

st ess specs/ess.yaml "$SIM/ess/rest/scheduler/v1" -a "$BASIC_USER:$BASIC_PASS"

# Generated GoldenGate ids almost never name a seeded request, so each addressing form is also run with the
# `request` path parameter pinned (Schemathesis config) to a seeded request: one that succeeded with a JSON
# result, one that failed with a text result, one still processing.
ogg_pinned() { # label url id
  printf '[parameters]\n"path.request" = %s\n' "$3" > "$WORK/pin-$3.toml"
  ST_CONFIG=(--config-file "$WORK/pin-$3.toml")
  st "$1 (request $3)" "$OGG_SPEC" "$2" -a "$BASIC_USER:$BASIC_PASS"
  ST_CONFIG=()
}
if grep -qE '^  /requests:' "$OGG_SPEC"; then
  for base in /services/v2 /services/adminsrvr/v2 /services/Local/recvsrvr/v2; do
    st "ogg ($base)" "$OGG_SPEC" "$SIM$base" -a "$BASIC_USER:$BASIC_PASS"
  done
  ogg_pinned "ogg (/services/v2)" "$SIM/services/v2" 425988381
  ogg_pinned "ogg (/services/distsrvr/v2)" "$SIM/services/distsrvr/v2" 425988383
  ogg_pinned "ogg (/services/Local/recvsrvr/v2)" "$SIM/services/Local/recvsrvr/v2" 425988382
  OGG_BASE="$SIM/services/v2" OGG_REQ_PATH=/requests
else
  st "ogg (server root, /services/{version}/requests)" "$OGG_SPEC" "$SIM" -a "$BASIC_USER:$BASIC_PASS"
  for id in 425988381 425988382 425988383; do ogg_pinned "ogg (server root)" "$SIM" "$id"; done
  OGG_BASE="$SIM" OGG_REQ_PATH=/services/v2/requests
fi

# POST /snapshots: the simulator answers 202 with a JSON body {"workRequestId": ...} and the header, as a real
# server did; the spec (on this branch) declares that body as application/octet-stream, so the content type of
# that one operation is not checked (its status, headers and every other operation's content type are).
st "analytics" specs/workrequests.yaml "$SIM/api/20210901" -H "Authorization: Bearer $TOKEN" --exclude-operation-id createSnapshot
st "analytics createSnapshot" specs/workrequests.yaml "$SIM/api/20210901" -H "Authorization: Bearer $TOKEN" \
  --include-operation-id createSnapshot --exclude-checks content_type_conformance

# Generated work request ids never name a real one: pin them (Schemathesis config) to a finished reload and a
# finished workbook export started here.
oac_start() { # path [json] -> work request id
  curl -s -D - -o /dev/null -X POST "$SIM/api/20210901$1" -H "Authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' ${2:+-d "$2"} | tr -d '\r' | awk -F': ' 'tolower($1)=="oa-work-request-id"{print $2}'
}
WR_DONE=$(oac_start /catalog/datasets/J2FkbWluJy4nU2FsZXMn/actions/reload)
WR_EXPORT=$(oac_start /catalog/workbooks/d2IxCg/exports '{"name":"q1","type":"file","format":"pdf","canvasIds":["c1"],"screenwidth":800,"screenheight":600}')
admin POST clock/advance '{"seconds":120}'
WR_RUNNING=$(oac_start /catalog/sequences/c2VxMQ/actions/run)
for pin in "$WR_DONE" "$WR_RUNNING"; do
  printf '[parameters]\n"path.id" = "%s"\n"path.exportId" = "%s"\n"path.urlBase64WorkbookId" = "d2IxCg"\n' "$pin" "$WR_EXPORT" > "$WORK/pin-oac.toml"
  ST_CONFIG=(--config-file "$WORK/pin-oac.toml")
  st "analytics (work request $pin, export $WR_EXPORT)" specs/workrequests.yaml "$SIM/api/20210901" \
    -H "Authorization: Bearer $TOKEN" --include-operation-id getWorkRequest --include-operation-id downloadWorkbookExport
  ST_CONFIG=()
done

# Prism as a validating proxy: every scripted call must pass without a violation.
prism_proxy() { # spec upstream -> sets PRISM_URL
  local port; port=$(free_port)
  "$PRISM" proxy "$1" "$2" --errors -p "$port" -h 127.0.0.1 > "$WORK/prism-$port.log" 2>&1 &
  PIDS+=($!)
  PRISM_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null "$PRISM_URL/"; then return 0; fi
    sleep 0.1
  done
  echo "prism did not start:" >&2; cat "$WORK/prism-$port.log" >&2; return 1
}

CALLS=0
through() { # expected-status method url [curl args...] ; prints the body
  local want=$1 method=$2 url=$3; shift 3
  local out="$WORK/out" hdr="$WORK/hdr" code
  code=$(curl -s -o "$out" -D "$hdr" -w '%{http_code}' -X "$method" "$url" "$@")
  CALLS=$((CALLS + 1))
  if grep -qi '^sl-violations:' "$hdr" || grep -q 'stoplight.io/prism/errors' "$out" || [ "$code" != "$want" ]; then
    fail "prism: $method $url answered $code (expected $want)"
    grep -i '^sl-violations:' "$hdr" | cut -c 1-600 >&2 || true
    head -c 600 "$out" >&2; echo >&2
  fi
  cat "$out"
}
json_get() { "$VENV/bin/python" -c "import json,sys; print(json.load(sys.stdin)$1)"; }

step "prism proxy: ESS lifecycle"
prism_proxy specs/ess.yaml "$SIM/ess/rest/scheduler/v1"
P=$PRISM_URL
A=(-u "$BASIC_USER:$BASIC_PASS" -H 'content-type: application/json')
ID=$(through 201 POST "$P/requests" "${A[@]}" -d "{\"jobDefinitionId\":\"$JOB\",\"application\":\"EarCustomEss\",\"requestParameters\":[{\"name\":\"submit.argument1\",\"paramType\":\"STRING\",\"value\":\"ALL\"}]}" | json_get '["id"]')
through 200 GET "$P/requests/$ID" "${A[@]}" > /dev/null
through 200 POST "$P/requests/$ID/hold" "${A[@]}" > /dev/null
through 400 POST "$P/requests/$ID/hold" "${A[@]}" > /dev/null
through 200 POST "$P/requests/$ID/release" "${A[@]}" > /dev/null
admin POST clock/advance '{"seconds":5}'
through 200 GET "$P/requests/$ID?fields=requestId,state,links" "${A[@]}" > /dev/null
through 200 PATCH "$P/requests/$ID" "${A[@]}" -d '{"requestParameters":[{"name":"submit.argument2","paramType":"STRING","value":"Y"}]}' > /dev/null
through 200 POST "$P/requests/$ID/subscribe" "${A[@]}" -d '{"callbackUrlPrefix":"https://callback.example.com","callbackResourcePath":"/jobs/done"}' > /dev/null
through 204 DELETE "$P/requests/$ID/subscribe" "${A[@]}" > /dev/null
through 200 GET "$P/requests/$ID/permissions" "${A[@]}" > /dev/null
through 200 POST "$P/requests/$ID/cancel" "${A[@]}" > /dev/null
through 400 DELETE "$P/requests/$ID" "${A[@]}" > /dev/null
admin POST clock/advance '{"seconds":10}'
through 204 DELETE "$P/requests/$ID" "${A[@]}" > /dev/null
through 404 GET "$P/requests/$ID" "${A[@]}" > /dev/null
AID=$(through 201 POST "$P/requests" "${A[@]}" -d '{"jobDefinitionId":"JobDefinition://oracle/apps/ess/custom/AsyncJob"}' | json_get '["id"]')
admin POST clock/advance '{"seconds":3}'
through 200 POST "$P/requests/$AID/cancel" "${A[@]}" > /dev/null
through 200 POST "$P/requests/$AID/checkInCancelling" "${A[@]}" -d '{"requestExecutionContext":"ctx"}' > /dev/null
through 409 POST "$P/requests/$AID/forceCancel" "${A[@]}" > /dev/null
admin POST clock/advance '{"seconds":1801}'
through 200 POST "$P/requests/$AID/forceCancel" "${A[@]}" > /dev/null
through 200 GET "$P/requests?q=state%20eq%20%22CANCELLED%22&orderBy=requestId:desc&fields=@basic" "${A[@]}" > /dev/null
through 200 GET "$P/requests?id=$ID,$AID,1" "${A[@]}" > /dev/null
through 400 GET "$P/requests?q=nonsense" "${A[@]}" > /dev/null
through 200 GET "$P/requests/search/1" "${A[@]}" > /dev/null
through 200 GET "$P/query/EarCustomEss/requests?pageIndex=1" "${A[@]}" > /dev/null
through 201 POST "$P/requests/submitArgs" "${A[@]}" -d '{"application":"EarCustomEss","arguments":["a",1]}' > /dev/null
through 200 GET "$P/server/quiesceState" "${A[@]}" > /dev/null
through 200 GET "$P/" "${A[@]}" > /dev/null
J2=$(through 201 POST "$P/requests" "${A[@]}" -d '{"jobDefinitionId":"JobDefinition://oracle/apps/ess/custom/AsyncJob"}' | json_get '["id"]')
admin POST clock/advance '{"seconds":3}'
through 200 POST "$P/requests/$J2/executionStatus" "${A[@]}" -d '{"status":"BUSINESS_ERROR","statusMessage":"Invoice 42 rejected"}' > /dev/null
through 200 GET "$P/requests/$J2" "${A[@]}" > /dev/null

step "prism proxy: GoldenGate background requests"
prism_proxy "$OGG_SPEC" "$OGG_BASE"
P=$PRISM_URL
RP=$OGG_REQ_PATH
[ "$RP" = /requests ] || RP=/services/v2/requests
B=(-u "$BASIC_USER:$BASIC_PASS")
admin POST ogg/requests '{"id":425988400,"scenario":{"steps":[{"state":"pending","seconds":1},{"state":"processing","seconds":5}],"end":"succeeded"}}'
through 200 GET "$P$RP" "${B[@]}" > /dev/null
through 200 GET "$P$RP/425988400" "${B[@]}" > /dev/null
through 404 GET "$P$RP/425988400/result" "${B[@]}" > /dev/null
admin POST clock/advance '{"seconds":10}'
through 200 GET "$P$RP/425988400" "${B[@]}" > /dev/null
through 200 GET "$P$RP/425988400/result" "${B[@]}" > /dev/null
through 200 GET "$P$RP/425988383/result" "${B[@]}" > /dev/null
through 404 GET "$P$RP/1" "${B[@]}" > /dev/null

step "prism proxy: Analytics work requests"
prism_proxy specs/workrequests.yaml "$SIM/api/20210901"
P=$PRISM_URL
T=(-H "Authorization: Bearer $TOKEN" -H 'content-type: application/json')
WR=$(curl -s -D - -o /dev/null -X POST "$P/catalog/datasets/J2FkbWluJy4nU2FsZXMn/actions/reload" "${T[@]}" | tr -d '\r' | awk -F': ' 'tolower($1)=="oa-work-request-id"{print $2}')
CALLS=$((CALLS + 1))
[ -n "$WR" ] || fail "prism: reloadDataset gave no oa-work-request-id"
ENC=$("$VENV/bin/python" -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$WR")
through 200 GET "$P/workRequests/$ENC" "${T[@]}" > /dev/null
admin POST clock/advance '{"seconds":10}'
through 200 GET "$P/workRequests/$ENC" "${T[@]}" > /dev/null
admin POST clock/advance '{"seconds":60}'
through 200 GET "$P/workRequests/$ENC" "${T[@]}" > /dev/null
through 202 POST "$P/system/actions/restoreSnapshot" "${T[@]}" -d '{"snapshot":{"id":"7d1a2b3c-0000-4000-8000-000000000001","password":"secret-1"}}' > /dev/null
through 202 POST "$P/catalog/sequences/c2VxMQ/actions/run" "${T[@]}" > /dev/null
EX=$(curl -s -D - -o /dev/null -X POST "$P/catalog/workbooks/d2IxCg/exports" "${T[@]}" -d '{"name":"q1","type":"file","format":"pdf","canvasIds":["snapshot!canvas!1"],"screenwidth":1440,"screenheight":900}' | tr -d '\r' | awk -F': ' 'tolower($1)=="oa-work-request-id"{print $2}')
CALLS=$((CALLS + 1))
EXE=$("$VENV/bin/python" -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$EX")
through 404 GET "$P/catalog/workbooks/d2IxCg/exports/$EXE" "${T[@]}" > /dev/null
admin POST clock/advance '{"seconds":60}'
through 200 GET "$P/catalog/workbooks/d2IxCg/exports/$EXE" "${T[@]}" > /dev/null
through 404 GET "$P/workRequests/unknown-id" "${T[@]}" > /dev/null
through 401 GET "$P/workRequests/$ENC" -H "Authorization: Bearer expired-or-wrong" > /dev/null

step "simulator conformance: $CALLS calls through Prism, $(( $(date +%s) - START )) s in all"
if [ "$FAILED" != 0 ]; then
  echo "simulator conformance FAILED" >&2
  exit 1
fi
echo "simulator conformance passed"
