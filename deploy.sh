#!/usr/bin/env bash
# deploy.sh: deploy one tempo-stack environment (the manifests in dist/<env>/) to a Kubernetes
# cluster, prove end to end that a trace goes in and comes back out, and manage what it deployed.
# Needs bash, kubectl, curl and openssl on this machine; nothing is pulled into the cluster for it.
# ./deploy.sh --help lists the verbs and options.
set -euo pipefail
# Generated Secrets pass through temporary files: nobody else may read them.
umask 077

ROOT=$(cd "${BASH_SOURCE[0]%/*}" 2>/dev/null && pwd) || ROOT=$PWD
readonly ROOT
readonly DIST="$ROOT/dist"
readonly FIELD_MANAGER=tempo-stack
readonly PART_OF=app.kubernetes.io/part-of
readonly STACK_SELECTOR="$PART_OF=tempo-stack"
readonly GENERATED_LABEL=tempo-stack/generated
readonly VERIFY_SERVICE=tempo-stack-verify
readonly KUBECTL_MIN_MINOR=27
readonly POLL_SECONDS=5

usage() {
  cat <<'EOF'
Usage: ./deploy.sh [verb] [options]

Deploys one environment of tempo-stack (the manifests in dist/<env>/) to the cluster of a kubectl
context, proves that it works end to end, and manages it.

Verbs (at most one; deploy is the default):
  (none)                deploy: check kubectl, the cluster, dist/<env>/ and the namespace; create
                        the missing Secrets; apply with server-side apply; wait for every rollout;
                        health-check Tempo, Prometheus and Grafana; then run --verify
  --status              workloads, pods (readiness, restarts), PVCs, Services with their in-cluster
                        URLs, the Secrets the stack uses (names only), the last warning events
  --logs                logs of every container of the stack, each line prefixed by its pod
  --stop                scale every workload to zero; PVCs and Secrets are kept
                        (./deploy.sh starts the environment again)
  --restart             restart every workload and wait for the rollouts
  --clean               delete everything the environment applied, its PVCs and the Secrets
                        deploy.sh generated, after you type the environment's name (or --yes)
  --verify              end-to-end check: send one trace over OTLP/HTTP, read it back by id and
                        with TraceQL, check that Prometheus scrapes every Tempo pod and has loaded
                        the alert rules, that Grafana's datasources are healthy and, with the
                        metrics-generator on, that span metrics arrive; one line per check
  --help, -h            this help

Options:
  --env <name>          the environment, a folder under dist/ (default: dev)
  --context <name>      the kubectl context (default: the current context)
  --timeout <duration>  how long to wait for each rollout, and for the verification trace and
                        metrics to show up (default: 5m; units s, m, h: 90s, 10m, 1h30m)
  --dry-run             deploy only: server-side dry run, nothing is changed
  --no-verify           deploy only: skip --verify (the health checks still run)
  --follow, -f          --logs only: keep streaming
  --yes, -y             --clean: do not ask for confirmation
  --verbose, -v         print every kubectl command before it runs

Exit codes:
  0  success
  1  failure: a check, the apply, a rollout or a verification failed, the environment is not
     deployed (--status, --logs, --stop, --restart, --verify), or --clean was not confirmed
  2  usage error: unknown option, missing value, unknown environment (nothing was run)
EOF
}

VERB=deploy
VERB_OPTION=""
ENV_NAME=dev
CONTEXT=""
TIMEOUT=5m
DRY_RUN=0
NO_VERIFY=0
FOLLOW=0
YES=0
VERBOSE=0

usage_error() {
  printf 'deploy.sh: %s\nRun ./deploy.sh --help for the verbs and options.\n' "$1" >&2
  exit 2
}

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

parse_args() {
  local opt value inline
  while (($#)); do
    opt=$1 value="" inline=0
    if [[ $opt == --*=* ]]; then
      value=${opt#*=} opt=${opt%%=*} inline=1
    fi
    case $opt in
      --env | --context | --timeout)
        if ((!inline)); then
          (($# >= 2)) || usage_error "$opt needs a value"
          value=$2
          shift
          [[ $value != -* ]] || usage_error "$opt needs a value, got the option '$value'"
        fi
        [[ -n $value ]] || usage_error "$opt needs a value"
        case $opt in
          --env) ENV_NAME=$value ;;
          --context) CONTEXT=$value ;;
          --timeout) TIMEOUT=$value ;;
        esac
        ;;
      --status | --logs | --stop | --restart | --clean | --verify | --dry-run | --no-verify | \
        --follow | -f | --yes | -y | --verbose | -v | --help | -h)
        ((!inline)) || usage_error "$opt takes no value"
        case $opt in
          --help | -h) usage; exit 0 ;;
          --dry-run) DRY_RUN=1 ;;
          --no-verify) NO_VERIFY=1 ;;
          --follow | -f) FOLLOW=1 ;;
          --yes | -y) YES=1 ;;
          --verbose | -v) VERBOSE=1 ;;
          *)
            if [[ -n $VERB_OPTION && $VERB_OPTION != "$opt" ]]; then
              usage_error "$VERB_OPTION and $opt are two verbs: run them one after the other"
            fi
            VERB_OPTION=$opt VERB=${opt#--}
            ;;
        esac
        ;;
      -*) usage_error "unknown option '$opt'" ;;
      *) usage_error "unexpected argument '$opt' (the environment is chosen with --env $opt)" ;;
    esac
    shift
  done
  ((!DRY_RUN)) || [[ $VERB == deploy ]] || usage_error "--dry-run applies to deploy only, not to $VERB_OPTION"
  ((!NO_VERIFY)) || [[ $VERB == deploy ]] || usage_error "--no-verify applies to deploy only, not to $VERB_OPTION"
  ((!FOLLOW)) || [[ $VERB == logs ]] || usage_error "--follow applies to --logs only"
}

# Go duration (what kubectl --timeout takes) to seconds; fails on anything else.
duration_seconds() {
  local rest=$1 total=0 n unit
  [[ $rest =~ ^([0-9]+[hms])+$ ]] || return 1
  while [[ $rest =~ ^([0-9]+)([hms])(.*)$ ]]; do
    n=$((10#${BASH_REMATCH[1]})) unit=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]}
    case $unit in
      h) total=$((total + n * 3600)) ;;
      m) total=$((total + n * 60)) ;;
      s) total=$((total + n)) ;;
    esac
  done
  ((total > 0)) || return 1
  printf '%s' "$total"
}

available_envs() {
  local d names=""
  for d in "$DIST"/*/; do
    d=${d%/}
    # An environment has a Namespace manifest; dist/argocd/ holds Argo CD Applications only.
    [[ -f $d/0000-namespace.k8s.yaml ]] && names+="${names:+, }${d##*/}"
  done
  printf '%s' "${names:-none}"
}

# The namespace is the name of the Namespace object the environment's first manifest declares.
read_namespace() {
  local file="$DIST/$ENV_NAME/0000-namespace.k8s.yaml" name
  [[ -f $file ]] || die "dist/$ENV_NAME/0000-namespace.k8s.yaml is missing: run npm run synth"
  name=$(awk '/^metadata:/ { m = 1; next } m && /^[^ ]/ { m = 0 } m && /^  name:/ { print $2; exit }' "$file")
  name=${name//\"/}
  name=${name//\'/}
  [[ $name =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] ||
    die "dist/$ENV_NAME/0000-namespace.k8s.yaml declares no valid Namespace name (got '$name'): run npm run synth"
  printf '%s' "$name"
}

SECRET_NAMES=()
SECRET_SPECS=()

# dist/<env>/secrets.txt: "<secret> <key>=random|literal:<value> ...", one Secret per line.
read_secret_specs() {
  local file="$DIST/$ENV_NAME/secrets.txt" line number=0 name pair key kind fields
  [[ -f $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    number=$((number + 1))
    line=${line%%#*}
    fields=()
    read -r -a fields <<<"$line" || true
    ((${#fields[@]})) || continue
    name=${fields[0]}
    [[ $name =~ ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$ ]] ||
      die "dist/$ENV_NAME/secrets.txt line $number: '$name' is not a valid Secret name: run npm run synth"
    ((${#fields[@]} > 1)) || die "dist/$ENV_NAME/secrets.txt line $number: Secret $name lists no key=kind"
    for pair in "${fields[@]:1}"; do
      key=${pair%%=*} kind=${pair#*=}
      [[ $pair == *=* && $key =~ ^[-._a-zA-Z0-9]+$ ]] ||
        die "dist/$ENV_NAME/secrets.txt line $number: '$pair' is not key=kind with a valid Secret key"
      [[ $kind == random || $kind == literal:?* ]] ||
        die "dist/$ENV_NAME/secrets.txt line $number: key $key of $name has kind '$kind'; use random or literal:<value>"
    done
    SECRET_NAMES+=("$name")
    SECRET_SPECS+=("${fields[*]:1}")
  done <"$file"
}

# Every kubectl call goes through here: it adds --context and, with --verbose, prints the command.
# With --exec first, kubectl replaces the (background) subshell, so $! is kubectl's own pid.
kc() {
  local replace=0
  if [[ ${1-} == --exec ]]; then replace=1; shift; fi
  local cmd=(kubectl)
  if [[ -n $CONTEXT ]]; then cmd+=(--context "$CONTEXT"); fi
  cmd+=("$@")
  # Printed on fd 3 (the script's stderr), so that redirecting or capturing kubectl's output
  # never swallows the command line.
  if ((VERBOSE)); then
    local line
    printf -v line ' %q' "${cmd[@]}"
    # One write, so that lines of port-forwards starting together do not interleave.
    printf '+%s\n' "$line" >&3
  fi
  if ((replace)); then exec "${cmd[@]}" 3>&-; fi
  "${cmd[@]}" 3>&-
}

kcn() { kc --namespace "$NS" "$@"; }

WORK=""
PF_PIDS=()
cleanup() {
  local pid
  for pid in ${PF_PIDS[@]+"${PF_PIDS[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${PF_PIDS[@]+"${PF_PIDS[@]}"}; do wait "$pid" 2>/dev/null || true; done
  if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
}

# One call answers both: kubectl version prints the client's version, then asks the server for its own.
check_kubectl_and_cluster() {
  command -v kubectl >/dev/null ||
    die "kubectl is not on the PATH: install kubectl 1.$KUBECTL_MIN_MINOR or newer (https://kubernetes.io/docs/tasks/tools/)"
  if [[ -n $CONTEXT ]]; then
    CONTEXT_NAME=$CONTEXT
  else
    CONTEXT_NAME=$(kc config current-context 2>/dev/null) ||
      die "kubectl has no current context: choose one with kubectl config use-context <name>, or pass --context <name>"
  fi
  local version reachable=1 error
  version=$(kc version -o yaml --request-timeout=15s 2>"$WORK/version.err") || reachable=0
  if [[ ${version%%serverVersion:*} =~ gitVersion:\ *v([0-9]+)\.([0-9]+) ]]; then
    local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
    if ((major < 1 || (major == 1 && 10#$minor < KUBECTL_MIN_MINOR))); then
      die "kubectl $major.$minor is too old: server-side apply and kustomize need kubectl 1.$KUBECTL_MIN_MINOR or newer (https://kubernetes.io/docs/tasks/tools/)"
    fi
  elif ((reachable)); then
    warn "could not read kubectl's version; continuing"
  fi
  if ((!reachable)) || [[ $version != *serverVersion:* ]]; then
    IFS= read -r -d '' error <"$WORK/version.err" || true
    die "cannot reach the cluster of context '$CONTEXT_NAME':" "${error%$'\n'}" \
      "Is the cluster running (kind get clusters, k3d cluster list, minikube status)? Pick another one with --context."
  fi
}

NS_EXISTS=0
# Refuses a namespace another stack, or another environment of this stack, owns.
check_namespace() {
  local out name owner instance
  out=$(kc get namespace "$NS" --ignore-not-found \
    -o 'jsonpath={.metadata.name}|{.metadata.labels.app\.kubernetes\.io/part-of}|{.metadata.labels.app\.kubernetes\.io/instance}')
  IFS='|' read -r name owner instance <<<"$out" || true
  if [[ -z $name ]]; then
    NS_EXISTS=0
    return 0
  fi
  NS_EXISTS=1
  if [[ -n $owner && $owner != tempo-stack ]]; then
    die "namespace $NS belongs to '$owner' (label $PART_OF=$owner), not to tempo-stack; nothing was changed." \
      "Give environment $ENV_NAME another namespace in charts/environments.ts, run npm run synth, and deploy again."
  fi
  if [[ $owner == tempo-stack && -n $instance && $instance != "$ENV_NAME" ]]; then
    die "namespace $NS belongs to environment '$instance' of tempo-stack (label app.kubernetes.io/instance=$instance), not to '$ENV_NAME'; nothing was changed." \
      "Manage it with --env $instance, or give environment $ENV_NAME its own namespace in charts/environments.ts and run npm run synth."
  fi
  if [[ -z $owner && $VERB == deploy ]]; then
    warn "namespace $NS exists without tempo-stack's labels: the deploy adopts it, and the restricted Pod Security Standard then applies to every pod in it"
  fi
}

require_deployed() {
  ((NS_EXISTS)) ||
    die "environment $ENV_NAME is not deployed: namespace $NS does not exist in context '$CONTEXT_NAME'. Deploy it with ./deploy.sh --env $ENV_NAME"
}

check_fresh_dist() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null || [[ ! -d $ROOT/node_modules ]]; then
    warn "dist/$ENV_NAME is not compared with a fresh synth (that needs node, npm and npm ci); deploying it as it is"
    return 0
  fi
  local out="$WORK/synth" differences
  if ! (cd "$ROOT" && npm run --silent synth -- --quiet --outdir "$out") >"$WORK/synth.log" 2>&1; then
    die "npm run synth failed, nothing was applied:" "$(tail -n 20 "$WORK/synth.log")"
  fi
  [[ -d $out/$ENV_NAME ]] || die "a fresh synth writes no environment '$ENV_NAME': it was removed from charts/environments.ts; run npm run synth"
  if ! differences=$(diff -rq "$out/$ENV_NAME" "$DIST/$ENV_NAME" 2>&1); then
    die "dist/$ENV_NAME differs from a fresh synth of the code, nothing was applied:" \
      "$(printf '%s\n' "$differences" | sed -e "s#$out/#fresh synth: #g" -e "s#$DIST/#dist/#g" | head -n 10)" \
      "Run npm run synth, review git diff dist/, and deploy again."
  fi
  say "dist/$ENV_NAME equals a fresh synth"
}

random_secret() {
  local value=""
  if command -v openssl >/dev/null; then
    value=$(openssl rand -base64 48 | tr -d '\n/+=') || value=""
  fi
  if ((${#value} < 32)); then
    value=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9') || value=""
    value=${value:0:48}
  fi
  ((${#value} >= 32)) || die "could not generate a random value: openssl and /dev/urandom both failed"
  printf '%s' "$value"
}

# A Secret manifest with base64 data: values never reach a command line.
secret_manifest() {
  local name=$1 pair key kind value pairs=()
  read -r -a pairs <<<"$2"
  printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\n' "$name" "$NS"
  printf '  labels:\n    %s: tempo-stack\n    app.kubernetes.io/instance: %s\n    %s: "true"\n' \
    "$PART_OF" "$ENV_NAME" "$GENERATED_LABEL"
  printf 'type: Opaque\ndata:\n'
  for pair in "${pairs[@]}"; do
    key=${pair%%=*} kind=${pair#*=}
    if [[ $kind == random ]]; then value=$(random_secret); else value=${kind#literal:}; fi
    printf '  %s: %s\n' "$key" "$(printf '%s' "$value" | base64 | tr -d '\n')"
  done
}

ensure_secrets() {
  local i name spec keys file pair pairs
  for i in ${SECRET_NAMES[@]+"${!SECRET_NAMES[@]}"}; do
    name=${SECRET_NAMES[$i]} spec=${SECRET_SPECS[$i]}
    keys=""
    read -r -a pairs <<<"$spec"
    for pair in "${pairs[@]}"; do keys+="${keys:+,}${pair%%=*}"; done
    if ((!NS_EXISTS)); then
      say "Secret $name would be created with generated keys $keys"
      continue
    fi
    if [[ -n $(kcn get secret "$name" --ignore-not-found -o name) ]]; then
      say "Secret $name exists: kept as it is"
      continue
    fi
    if ((DRY_RUN)); then
      say "Secret $name would be created with generated keys $keys"
      continue
    fi
    file="$WORK/secret-$name.yaml"
    secret_manifest "$name" "$spec" >"$file"
    # create, not apply: a Secret someone made in the meantime is never overwritten.
    if ! kcn create -f "$file" >/dev/null; then
      rm -f "$file"
      die "could not create Secret $name in namespace $NS"
    fi
    rm -f "$file"
    say "Secret $name created (keys $keys); values are never printed: read one with" \
      "kubectl -n $NS get secret $name -o go-template='{{index .data \"<key>\" | base64decode}}'"
  done
}

apply_env() {
  local apply=(apply --server-side "--field-manager=$FIELD_MANAGER" --force-conflicts)
  if ((DRY_RUN)); then
    if ((!NS_EXISTS)); then
      # The API server cannot dry-run objects inside a namespace that does not exist yet.
      kc "${apply[@]}" --dry-run=server -f "$DIST/$ENV_NAME/0000-namespace.k8s.yaml"
      warn "namespace $NS does not exist yet: the objects inside it are checked client-side only"
      kc apply --dry-run=client -k "$DIST/$ENV_NAME/"
    else
      kc "${apply[@]}" --dry-run=server -k "$DIST/$ENV_NAME/"
    fi
    return 0
  fi
  if ((!NS_EXISTS)); then
    # The namespace first, so the Secrets exist before any pod that reads them starts.
    kc "${apply[@]}" -f "$DIST/$ENV_NAME/0000-namespace.k8s.yaml"
    NS_EXISTS=1
  fi
  ensure_secrets
  kc "${apply[@]}" -k "$DIST/$ENV_NAME/"
}

list_workloads() { kcn get statefulset,deployment -l "$STACK_SELECTOR" -o name; }

selector_of() {
  local selector
  # shellcheck disable=SC2016 # a Go template, not shell
  selector=$(kcn get "$1" -o 'go-template={{range $k, $v := .spec.selector.matchLabels}}{{$k}}={{$v}},{{end}}')
  printf '%s' "${selector%,}"
}

# shellcheck disable=SC2016 # Go templates, not shell
readonly POD_REASONS='{{range .items}}{{.metadata.name}}: {{.status.phase}}{{range .status.conditions}}{{if and (eq .type "PodScheduled") (eq .status "False")}}, not scheduled: {{.message}}{{end}}{{end}}{{range .status.initContainerStatuses}}{{if .state.waiting}}, init container {{.name}} waiting: {{.state.waiting.reason}}{{with .state.waiting.message}} ({{.}}){{end}}{{end}}{{end}}{{range .status.containerStatuses}}{{$container := .name}}{{if .state.waiting}}, container {{.name}} waiting: {{.state.waiting.reason}}{{with .state.waiting.message}} ({{.}}){{end}}{{end}}{{if not .ready}}{{with .lastState.terminated}}, container {{$container}} last exited: {{.reason}} (exit code {{.exitCode}}){{end}}{{end}}{{end}}{{"\n"}}{{end}}'
readonly EVENT_LINES='{{range .items}}{{.type}} {{.reason}}: {{.message}}{{"\n"}}{{end}}'

# Why a workload is not ready: its pods' waiting reasons and the last events of it and its pods.
explain_not_ready() {
  local workload=$1 selector pods pod events names
  selector=$(selector_of "$workload") || selector=""
  if [[ -n $selector ]]; then
    pods=$(kcn get pods -l "$selector" -o "go-template=$POD_REASONS") || pods=""
  else
    pods=""
  fi
  if [[ -n $pods ]]; then
    printf '%s\n' "$pods" | sed 's/^/    pod /'
  else
    say "    no pods: the workload could not create any (see its events)"
  fi
  names="${workload#*/} $(printf '%s\n' "$pods" | sed -n 's/^\([^:]*\):.*/\1/p' | tr '\n' ' ')"
  for pod in $names; do
    events=$(kcn get events --field-selector "involvedObject.name=$pod" --sort-by=.lastTimestamp \
      -o "go-template=$EVENT_LINES" | tail -n 5) || events=""
    if [[ -n $events ]]; then
      say "    last events of $pod:"
      printf '%s\n' "$events" | sed 's/^/      /'
    fi
  done
}

# Waits for the given workloads, or for every workload of the stack.
wait_rollouts() {
  local workloads=${1-} workload failed=""
  [[ -n $workloads ]] || workloads=$(list_workloads)
  [[ -n $workloads ]] || die "no StatefulSet or Deployment labelled $STACK_SELECTOR in namespace $NS"
  for workload in $workloads; do
    if kcn rollout status "$workload" "--timeout=$TIMEOUT" >"$WORK/rollout.log" 2>&1; then
      say "$workload is ready"
    else
      say "$workload did not become ready within $TIMEOUT: $(tail -n 1 "$WORK/rollout.log")"
      explain_not_ready "$workload"
      failed+="${failed:+, }$workload"
    fi
  done
  [[ -z $failed ]] || die "not ready within $TIMEOUT: $failed. See ./deploy.sh --env $ENV_NAME --status and --logs"
}

PF_LOCAL_PORTS=()
PF_ERROR=""
# kubectl picks free local ports (":<port>") and prints them, one line per port, in order.
start_port_forward() {
  local service=$1 specs=() port
  shift
  for port in "$@"; do specs+=(":$port"); done
  : >"$WORK/port-forward-$service.log"
  kc --exec --namespace "$NS" port-forward "svc/$service" "${specs[@]}" --address 127.0.0.1 \
    >"$WORK/port-forward-$service.log" 2>&1 &
  PF_PIDS+=("$!")
}

# Waits until the port-forward PF_PIDS[<index>] prints its <count> local ports.
await_port_forward() {
  local service=$1 count=$2 pid=${PF_PIDS[$3]} log="$WORK/port-forward-$1.log" attempt line
  for ((attempt = 0; attempt < 500; attempt++)); do
    PF_LOCAL_PORTS=()
    while IFS= read -r line; do
      if [[ $line =~ ^Forwarding\ from\ 127\.0\.0\.1:([0-9]+)\ -\> ]]; then PF_LOCAL_PORTS+=("${BASH_REMATCH[1]}"); fi
    done <"$log"
    ((${#PF_LOCAL_PORTS[@]} < count)) || return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  IFS= read -r -d '' PF_ERROR <"$log" || true
  PF_ERROR=${PF_ERROR//$'\n'/ }
  PF_ERROR="kubectl port-forward svc/$service: ${PF_ERROR:-no local port within 10 s}"
  return 1
}

HTTP_STATUS=""
HTTP_BODY=""
# curl into HTTP_STATUS (000 when nothing answered) and HTTP_BODY; never fails.
http() {
  : >"$WORK/http-body"
  HTTP_STATUS=$(curl -sS --max-time 10 -o "$WORK/http-body" -w '%{http_code}' "$@" 2>"$WORK/http-error") || true
  HTTP_BODY=""
  IFS= read -r -d '' HTTP_BODY <"$WORK/http-body" || true
  if [[ -z $HTTP_BODY ]]; then
    IFS= read -r -d '' HTTP_BODY <"$WORK/http-error" || true
    HTTP_BODY=${HTTP_BODY//$'\n'/ }
  fi
  [[ -n $HTTP_STATUS ]] || HTTP_STATUS=000
}

first_line() {
  local line=${1%%$'\n'*}
  printf '%s' "${line:0:200}"
}

# How often a fixed string occurs in a text.
occurrences() {
  local rest=$1 n=0
  while [[ $rest == *"$2"* ]]; do
    rest=${rest#*"$2"}
    n=$((n + 1))
  done
  printf '%s' "$n"
}

CHECKS=0
FAILED_CHECKS=0
check_line() {
  if [[ $1 != skip ]]; then CHECKS=$((CHECKS + 1)); fi
  if [[ $1 == FAIL ]]; then FAILED_CHECKS=$((FAILED_CHECKS + 1)); fi
  printf '%-4s  %-36s %s\n' "$1" "$2" "$3"
}

DETAIL=""
# Calls a probe (a function that sets DETAIL) until it succeeds, every POLL_SECONDS within --timeout.
poll() {
  local attempts=$((TIMEOUT_SECONDS / POLL_SECONDS)) attempt
  ((attempts >= 1)) || attempts=1
  for ((attempt = 1; ; attempt++)); do
    if "$@"; then return 0; fi
    ((attempt < attempts)) || return 1
    sleep "$POLL_SECONDS"
  done
}

TEMPO_URL="" OTLP_URL="" PROMETHEUS_URL="" GRAFANA_URL=""
TRACE_ID="" SPAN_ID="" TRACE_SENT=0
GRAFANA_CONFIG=""

has_service() { [[ $'\n'$SERVICES$'\n' == *$'\n'"service/$1"$'\n'* ]]; }

probe_tempo_ready() {
  http "$TEMPO_URL/ready"
  DETAIL="HTTP $HTTP_STATUS: $(first_line "$HTTP_BODY")"
  [[ $HTTP_STATUS == 200 ]]
}
probe_prometheus_ready() {
  http "$PROMETHEUS_URL/-/ready"
  DETAIL="HTTP $HTTP_STATUS: $(first_line "$HTTP_BODY")"
  [[ $HTTP_STATUS == 200 ]]
}
probe_grafana_health() {
  http "$GRAFANA_URL/api/health"
  local version=""
  if [[ $HTTP_BODY =~ \"version\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]]; then version=${BASH_REMATCH[1]}; fi
  if [[ $HTTP_STATUS == 200 && $HTTP_BODY =~ \"database\"[[:space:]]*:[[:space:]]*\"ok\" ]]; then
    DETAIL="database ok, Grafana $version"
    return 0
  fi
  DETAIL="HTTP $HTTP_STATUS: $(first_line "$HTTP_BODY")"
  return 1
}

health_checks() {
  SERVICES=$(kcn get services -l "$STACK_SELECTOR" -o name)
  has_service tempo || die "no Service tempo labelled $STACK_SELECTOR in namespace $NS"
  local index=${#PF_PIDS[@]} prometheus=-1 grafana=-1
  # All port-forwards start at once and come up in parallel.
  start_port_forward tempo 3200 4318
  if has_service prometheus; then prometheus=$((index + 1)) && start_port_forward prometheus 9090; fi
  if has_service grafana; then grafana=$((index + 1 + (prometheus >= 0))) && start_port_forward grafana 3000; fi
  if await_port_forward tempo 2 "$index"; then
    TEMPO_URL="http://127.0.0.1:${PF_LOCAL_PORTS[0]}" OTLP_URL="http://127.0.0.1:${PF_LOCAL_PORTS[1]}"
    run_check "tempo /ready" probe_tempo_ready
  else
    check_line FAIL "tempo /ready" "$PF_ERROR"
  fi
  if ((prometheus >= 0)); then
    if await_port_forward prometheus 1 "$prometheus"; then
      PROMETHEUS_URL="http://127.0.0.1:${PF_LOCAL_PORTS[0]}"
      run_check "prometheus /-/ready" probe_prometheus_ready
    else
      check_line FAIL "prometheus /-/ready" "$PF_ERROR"
    fi
  fi
  if ((grafana >= 0)); then
    if await_port_forward grafana 1 "$grafana"; then
      GRAFANA_URL="http://127.0.0.1:${PF_LOCAL_PORTS[0]}"
      run_check "grafana /api/health" probe_grafana_health
    else
      check_line FAIL "grafana /api/health" "$PF_ERROR"
    fi
  fi
}

rand_hex() {
  local bytes=$1 value=""
  if command -v openssl >/dev/null; then value=$(openssl rand -hex "$bytes") || value=""; fi
  if ((${#value} != bytes * 2)); then value=$(od -An -tx1 -N"$bytes" /dev/urandom | tr -d ' \n'); fi
  printf '%s' "$value"
}

now_nanos() {
  local now
  now=$(date +%s%N)
  # date without %N (BSD, macOS) prints a literal N.
  [[ $now =~ ^[0-9]+$ ]] || now="$(date +%s)000000000"
  printf '%s' "$now"
}

send_trace() {
  local end start body="$WORK/trace.json"
  end=$(now_nanos)
  start=$((end - 150000000))
  cat >"$body" <<EOF
{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"$VERIFY_SERVICE"}},{"key":"deployment.environment","value":{"stringValue":"$ENV_NAME"}}]},"scopeSpans":[{"scope":{"name":"deploy.sh"},"spans":[{"traceId":"$TRACE_ID","spanId":"$SPAN_ID","name":"verify","kind":2,"startTimeUnixNano":"$start","endTimeUnixNano":"$end","attributes":[{"key":"tempo_stack.verify_id","value":{"stringValue":"$TRACE_ID"}}],"status":{"code":1}}]}]}]}
EOF
  http -X POST -H 'Content-Type: application/json' --data-binary "@$body" "$OTLP_URL/v1/traces"
  DETAIL="HTTP $HTTP_STATUS: $(first_line "$HTTP_BODY")"
  [[ $HTTP_STATUS == 200 ]]
}

probe_trace_by_id() {
  http "$TEMPO_URL/api/traces/$TRACE_ID"
  if [[ $HTTP_STATUS == 200 && $HTTP_BODY == *"\"$VERIFY_SERVICE\""* ]]; then
    local spans
    spans=$(occurrences "$HTTP_BODY" '"spanId"')
    DETAIL="trace $TRACE_ID read back: $spans span(s) of service $VERIFY_SERVICE"
    return 0
  fi
  DETAIL="trace $TRACE_ID not found: HTTP $HTTP_STATUS $(first_line "$HTTP_BODY")"
  return 1
}

traceql_query() { printf '{ resource.service.name = "%s" && span.tempo_stack.verify_id = "%s" }' "$VERIFY_SERVICE" "$TRACE_ID"; }

probe_traceql() {
  local query short
  query=$(traceql_query)
  http -G --data-urlencode "q=$query" --data-urlencode limit=20 "$TEMPO_URL/api/search"
  # Tempo's search results drop the trace id's leading zeros.
  short=${TRACE_ID#"${TRACE_ID%%[!0]*}"}
  if [[ $HTTP_STATUS == 200 && ($HTTP_BODY == *"\"$TRACE_ID\""* || $HTTP_BODY == *"\"$short\""*) ]]; then
    DETAIL="found by $query"
    return 0
  fi
  DETAIL="not found by $query: HTTP $HTTP_STATUS $(first_line "$HTTP_BODY")"
  return 1
}

prometheus_query() { http -G --data-urlencode "query=$1" "$PROMETHEUS_URL/api/v1/query"; }

TEMPO_PODS=""
probe_tempo_scraped() {
  prometheus_query 'up{job="tempo"}'
  if [[ $HTTP_STATUS != 200 ]]; then
    DETAIL="query failed: HTTP $HTTP_STATUS $(first_line "$HTTP_BODY")"
    return 1
  fi
  local rest=$HTTP_BODY item pod value up="" down="" missing="" seen=" "
  while [[ $rest == *'{"metric":'* ]]; do
    rest=${rest#*'{"metric":'}
    item=${rest%%'{"metric":'*}
    pod="" value=""
    if [[ $item =~ \"pod\":\"([^\"]+)\" ]]; then pod=${BASH_REMATCH[1]}; fi
    if [[ $item =~ \"value\":\[[^,]*,\"([^\"]+)\"\] ]]; then value=${BASH_REMATCH[1]}; fi
    [[ -n $pod ]] || continue
    seen+="$pod=$value "
  done
  for pod in $TEMPO_PODS; do
    case $seen in
      *" $pod=1 "*) up+="${up:+, }$pod" ;;
      *" $pod="*) down+="${down:+, }$pod" ;;
      *) missing+="${missing:+, }$pod" ;;
    esac
  done
  if [[ -z $down && -z $missing && -n $up ]]; then
    DETAIL="up{job=\"tempo\"} is 1 for $up"
    return 0
  fi
  DETAIL="up{job=\"tempo\"}:${up:+ 1 for $up;}${down:+ 0 for $down;}${missing:+ no series for $missing;}"
  DETAIL=${DETAIL%;}
  [[ -n $TEMPO_PODS ]] || DETAIL="no Tempo pods found in namespace $NS"
  return 1
}

declared_alerts() { awk '/^[[:space:]]*-?[[:space:]]*alert:[[:space:]]/ { n++ } END { print n + 0 }' "$DIST/$ENV_NAME"/*.k8s.yaml; }

probe_alert_rules() {
  http "$PROMETHEUS_URL/api/v1/rules?type=alert"
  local loaded groups expected
  loaded=$(occurrences "$HTTP_BODY" '"type":"alerting"')
  groups=$(occurrences "$HTTP_BODY" '"file":"')
  expected=$DECLARED_ALERTS
  if [[ $HTTP_STATUS == 200 ]] && ((loaded > 0 && loaded >= expected)); then
    DETAIL="$loaded alert rules loaded in $groups group(s) (dist/$ENV_NAME declares $expected)"
    return 0
  fi
  DETAIL="$loaded alert rules loaded, dist/$ENV_NAME declares $expected (HTTP $HTTP_STATUS)"
  return 1
}

probe_datasource() {
  http -K "$GRAFANA_CONFIG" "$GRAFANA_URL/api/datasources/uid/$1/health"
  local message=""
  if [[ $HTTP_BODY =~ \"message\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]]; then message=${BASH_REMATCH[1]}; fi
  if [[ $HTTP_STATUS == 200 && $HTTP_BODY =~ \"status\"[[:space:]]*:[[:space:]]*\"OK\" ]]; then
    DETAIL="OK: $message"
    return 0
  fi
  DETAIL="HTTP $HTTP_STATUS: ${message:-$(first_line "$HTTP_BODY")}"
  return 1
}

# The admin credentials go from kubectl's output into a curl config file (mode 600), never argv.
grafana_credentials() {
  local creds user password
  creds=$(kcn get secret grafana-admin \
    -o 'go-template={{index .data "admin-user" | base64decode}}{{"\n"}}{{index .data "admin-password" | base64decode}}' 2>/dev/null) ||
    return 1
  user=${creds%%$'\n'*} password=${creds#*$'\n'}
  user=${user//\\/\\\\} password=${password//\\/\\\\}
  GRAFANA_CONFIG="$WORK/grafana.curlrc"
  printf 'user = "%s:%s"\n' "${user//\"/\\\"}" "${password//\"/\\\"}" >"$GRAFANA_CONFIG"
}

generator_on() { grep -qE '^[[:space:]]+- span-metrics[[:space:]]*$' "$DIST/$ENV_NAME"/*.k8s.yaml; }

probe_span_metrics() {
  local query="sum(traces_spanmetrics_calls_total{service=\"$VERIFY_SERVICE\"})"
  prometheus_query "$query"
  if [[ $HTTP_STATUS == 200 && $HTTP_BODY =~ \"value\":\[[^,]*,\"([^\"]+)\"\] ]]; then
    DETAIL="$query = ${BASH_REMATCH[1]}"
    return 0
  fi
  DETAIL="no series for $query yet (HTTP $HTTP_STATUS)"
  return 1
}

run_check() { # label probe [args]
  local label=$1
  shift
  if poll "$@"; then check_line ok "$label" "$DETAIL"; else check_line FAIL "$label" "$DETAIL"; fi
}

verify_end_to_end() {
  if [[ -z $TEMPO_URL ]]; then
    check_line FAIL "otlp: send a trace" "no port-forward to Tempo"
    return 0
  fi
  TRACE_ID=$(rand_hex 16) SPAN_ID=$(rand_hex 8)
  if send_trace; then
    TRACE_SENT=1
    check_line ok "otlp: send a trace" "trace $TRACE_ID accepted over OTLP/HTTP ($DETAIL)"
    run_check "tempo: trace by id" probe_trace_by_id
    run_check "tempo: TraceQL search" probe_traceql
  else
    check_line FAIL "otlp: send a trace" "$DETAIL"
  fi
  if [[ -n $PROMETHEUS_URL ]]; then
    local selector
    selector=$(selector_of statefulset/tempo) || selector=""
    TEMPO_PODS=""
    if [[ -n $selector ]]; then
      TEMPO_PODS=$(kcn get pods -l "$selector" -o 'go-template={{range .items}}{{.metadata.name}} {{end}}') || TEMPO_PODS=""
    fi
    DECLARED_ALERTS=$(declared_alerts)
    run_check "prometheus: scrapes every tempo pod" probe_tempo_scraped
    run_check "prometheus: alert rules" probe_alert_rules
  elif ! has_service prometheus; then
    check_line skip "prometheus" "environment $ENV_NAME has no Prometheus"
  fi
  if [[ -n $GRAFANA_URL ]]; then
    if grafana_credentials; then
      run_check "grafana: datasource tempo" probe_datasource tempo
      if has_service prometheus; then run_check "grafana: datasource prometheus" probe_datasource prometheus; fi
    else
      check_line FAIL "grafana: datasources" "cannot read Secret grafana-admin (keys admin-user, admin-password) in namespace $NS"
    fi
  elif ! has_service grafana; then
    check_line skip "grafana" "environment $ENV_NAME has no Grafana"
  fi
  if generator_on; then
    if [[ -z $PROMETHEUS_URL ]]; then
      check_line skip "span metrics" "the metrics-generator is on but no Prometheus of this stack receives them"
    elif ((!TRACE_SENT)); then
      check_line skip "span metrics" "no verification trace was accepted"
    else
      run_check "prometheus: span metrics" probe_span_metrics
    fi
  fi
}

checks_summary() {
  if ((FAILED_CHECKS)); then
    die "$FAILED_CHECKS of $CHECKS checks failed. See ./deploy.sh --env $ENV_NAME --status and --logs"
  fi
  say "all $CHECKS checks passed"
}

next_steps() {
  say ""
  if [[ -n $TRACE_ID ]]; then say "Verification trace: $TRACE_ID (service $VERIFY_SERVICE)"; fi
  if [[ -n $GRAFANA_URL ]]; then
    say "Open Grafana: kubectl -n $NS port-forward svc/grafana 3000:3000, then http://localhost:3000/explore"
    say "  user: kubectl -n $NS get secret grafana-admin -o go-template='{{index .data \"admin-user\" | base64decode}}'"
    say "  password: kubectl -n $NS get secret grafana-admin -o go-template='{{index .data \"admin-password\" | base64decode}}'"
  fi
  say "Send traces to http://tempo.$NS.svc.cluster.local:4318 (OTLP/HTTP) or tempo.$NS.svc.cluster.local:4317 (OTLP/gRPC)"
}

do_deploy() {
  check_fresh_dist
  if ((DRY_RUN)); then
    say "Dry run of dist/$ENV_NAME in namespace $NS, context '$CONTEXT_NAME' (nothing is changed)"
    ensure_secrets
    apply_env
    say "dry run passed: nothing was changed"
    return 0
  fi
  say "Deploying dist/$ENV_NAME to namespace $NS, context '$CONTEXT_NAME'"
  apply_env
  wait_rollouts
  health_checks
  if ((!NO_VERIFY && FAILED_CHECKS == 0)); then verify_end_to_end; fi
  checks_summary
  next_steps
}

do_verify() {
  require_deployed
  health_checks
  if ((FAILED_CHECKS == 0)); then verify_end_to_end; fi
  checks_summary
  next_steps
}

referenced_secrets() {
  {
    for name in ${SECRET_NAMES[@]+"${SECRET_NAMES[@]}"}; do printf '%s\n' "$name"; done
    awk '
      /(secretKeyRef|secretRef):[[:space:]]*$/ { ref = 1; next }
      ref && /^[[:space:]]+name:/ { print $2; ref = 0; next }
      /^[[:space:]]+secretName:/ { print $2 }
      /^[[:space:]]+[a-z][A-Za-z]*:[[:space:]]*$/ { ref = 0 }
    ' "$DIST/$ENV_NAME"/*.k8s.yaml
  } | tr -d "\"'" | sort -u
}

do_status() {
  if ((!NS_EXISTS)); then
    say "environment $ENV_NAME is not deployed: namespace $NS does not exist in context '$CONTEXT_NAME'"
    exit 1
  fi
  say "Environment $ENV_NAME: namespace $NS, context '$CONTEXT_NAME'"
  say ""
  say "== Workloads"
  kcn get statefulset,deployment -l "$STACK_SELECTOR" -o wide
  say ""
  say "== Pods"
  kcn get pods -l "$STACK_SELECTOR" -o wide
  say ""
  say "== PersistentVolumeClaims"
  kcn get pvc
  say ""
  say "== Services (in-cluster URLs)"
  # shellcheck disable=SC2016 # a Go template, not shell
  kcn get services -l "$STACK_SELECTOR" \
    -o 'go-template={{range .items}}{{$name := .metadata.name}}{{range .spec.ports}}{{$name}} {{or .name "-"}} {{.port}}{{"\n"}}{{end}}{{end}}' |
    while read -r service port_name port; do
      printf '  %-18s %-12s http://%s.%s.svc.cluster.local:%s\n' "$service" "$port_name" "$service" "$NS" "$port"
    done
  say ""
  say "== Secrets (names only)"
  local existing generated name state
  existing=$(kcn get secrets -o 'go-template={{range .items}}{{.metadata.name}}{{"\n"}}{{end}}')
  generated=$(kcn get secrets -l "$GENERATED_LABEL=true" -o 'go-template={{range .items}}{{.metadata.name}}{{"\n"}}{{end}}')
  for name in $(referenced_secrets); do
    if printf '%s\n' "$generated" | grep -qx "$name"; then
      state="generated by deploy.sh; read: kubectl -n $NS get secret $name -o go-template='{{index .data \"<key>\" | base64decode}}'"
    elif printf '%s\n' "$existing" | grep -qx "$name"; then
      state="created by you"
    else
      state="MISSING: pods that need it cannot start (./deploy.sh creates the generated ones)"
    fi
    printf '  %-22s %s\n' "$name" "$state"
  done
  say ""
  say "== Last warning events"
  kcn get events --field-selector type=Warning --sort-by=.lastTimestamp | tail -n 10
}

do_logs() {
  require_deployed
  local follow=()
  if ((FOLLOW)); then follow=(--follow); fi
  kcn logs -l "$STACK_SELECTOR" --all-containers --prefix --tail=200 --max-log-requests=50 ${follow[@]+"${follow[@]}"}
}

do_stop() {
  require_deployed
  local workloads
  workloads=$(list_workloads)
  [[ -n $workloads ]] || die "no workload of environment $ENV_NAME in namespace $NS to stop"
  # shellcheck disable=SC2086 # one argument per workload
  kcn scale $workloads --replicas=0
  say "stopped $(printf '%s\n' "$workloads" | wc -l | tr -d ' ') workload(s); PVCs and Secrets are kept. Pods stop after their grace period (Tempo flushes its live traces first)."
  say "Start again with ./deploy.sh --env $ENV_NAME"
}

do_restart() {
  require_deployed
  local workloads
  workloads=$(list_workloads)
  [[ -n $workloads ]] || die "no workload of environment $ENV_NAME in namespace $NS to restart"
  # shellcheck disable=SC2086 # one argument per workload
  kcn rollout restart $workloads
  wait_rollouts "$workloads"
}

do_clean() {
  if ((!NS_EXISTS)); then
    say "nothing to clean: namespace $NS does not exist in context '$CONTEXT_NAME'"
    return 0
  fi
  local pvcs generated manifests=() file
  pvcs=$(kcn get pvc -o 'go-template={{range .items}}{{.metadata.name}} {{.spec.resources.requests.storage}}{{"\n"}}{{end}}')
  generated=$(kcn get secrets -l "$STACK_SELECTOR,$GENERATED_LABEL=true" -o 'go-template={{range .items}}{{.metadata.name}}{{"\n"}}{{end}}')
  for file in "$DIST/$ENV_NAME"/*.k8s.yaml; do
    [[ $file == */0000-namespace.k8s.yaml ]] || manifests+=(-f "$file")
  done
  say "--clean deletes environment $ENV_NAME from context '$CONTEXT_NAME', namespace $NS:"
  say "  - every object dist/$ENV_NAME/ applied: workloads, Services, ConfigMaps, NetworkPolicies, ..."
  if [[ -n $pvcs ]]; then
    say "  - the PersistentVolumeClaims, and every trace and metric stored on them: $(printf '%s\n' "$pvcs" | sed 's/ \(.*\)/ (\1)/' | paste -sd, - | sed 's/,/, /g')"
  else
    say "  - no PersistentVolumeClaims"
  fi
  if [[ -n $generated ]]; then
    say "  - the Secrets deploy.sh generated (their passwords are lost): $(printf '%s\n' "$generated" | paste -sd, - | sed 's/,/, /g')"
  fi
  say "  - then the namespace, unless Secrets you created remain in it (they are kept)"
  if ((!YES)); then
    local answer=""
    printf 'Type the environment name (%s) to delete it: ' "$ENV_NAME" >&2
    IFS= read -r answer || answer=""
    if [[ $answer != "$ENV_NAME" ]]; then
      die "not confirmed (typed '$answer'): nothing was deleted"
    fi
  fi
  if ((${#manifests[@]})); then
    kc delete --ignore-not-found "--timeout=$TIMEOUT" "${manifests[@]}"
  fi
  if [[ -n $pvcs ]]; then
    # shellcheck disable=SC2046 # one argument per PVC name
    kcn delete pvc --ignore-not-found "--timeout=$TIMEOUT" $(printf '%s\n' "$pvcs" | cut -d' ' -f1)
  fi
  if [[ -n $generated ]]; then
    kcn delete secret -l "$STACK_SELECTOR,$GENERATED_LABEL=true"
  fi
  local remaining
  remaining=$(kcn get secrets -o 'go-template={{range .items}}{{.metadata.name}} {{end}}')
  if [[ -n $remaining ]]; then
    say "namespace $NS kept: it holds Secrets you created ($remaining). Delete it with: kubectl delete namespace $NS"
  else
    kc delete --ignore-not-found "--timeout=$TIMEOUT" -f "$DIST/$ENV_NAME/0000-namespace.k8s.yaml"
  fi
  say "environment $ENV_NAME deleted"
}

main() {
  parse_args "$@"
  TIMEOUT_SECONDS=$(duration_seconds "$TIMEOUT") ||
    usage_error "--timeout must be a duration such as 90s, 5m or 1h30m, got '$TIMEOUT'"
  [[ -d $DIST ]] || usage_error "no dist/ folder next to deploy.sh: run npm ci && npm run synth first"
  if [[ ! $ENV_NAME =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ || ! -d $DIST/$ENV_NAME ]]; then
    usage_error "unknown environment '$ENV_NAME': dist/ has $(available_envs)"
  fi
  # Synth names it Kustomization (no extension), so `kubectl apply -f dist/<env>/` skips it.
  [[ -f $DIST/$ENV_NAME/Kustomization ]] || die "dist/$ENV_NAME/Kustomization is missing: run npm run synth"
  NS=$(read_namespace)
  read_secret_specs

  exec 3>&2
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/deploy-sh.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  check_kubectl_and_cluster
  check_namespace
  case $VERB in
    deploy) do_deploy ;;
    status) do_status ;;
    logs) do_logs ;;
    stop) do_stop ;;
    restart) do_restart ;;
    clean) do_clean ;;
    verify) do_verify ;;
  esac
}

main "$@"
