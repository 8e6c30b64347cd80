#!/usr/bin/env bash
# Local infrastructure without Docker: Apache Kafka (KRaft, from Maven Central, run on the JDK) and
# FerretDB (MongoDB wire protocol on SQLite, built from the Go module proxy), with
# ferretdb-id-index beside it (see provision_id_index).
#
# Usage: deploy/local/stack.sh <command> [args]
#   provision              resolve Kafka jars and build FerretDB into .local/ (idempotent, cached)
#   start                  provision if needed, start the stack, wait until healthy, print endpoints
#   stop [--purge]         stop the stack (SIGTERM, wait, SIGKILL); --purge also deletes its data
#   status                 show processes (pid) and endpoints
#   kill-broker <id>       SIGKILL one Kafka node (fault tests)
#   stop-broker <id>       stop one Kafka node gracefully
#   start-broker <id>      start one Kafka node again and wait until it is registered
#   list                   list stacks under .local/stacks
#   kafka-user <name>      create or update the SCRAM-SHA-512 user <name> (password on stdin, one
#                          line) through the internal listener, with Kafka's own ConfigCommand, as
#                          the stack's administrator; with KAFKA_BROKERS set, those brokers, as
#                          KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD[_FILE] if given
#
# Kafka listeners (all on 127.0.0.1); no listener accepts an unauthenticated client:
#   INTERNAL   ACD_KAFKA_PORT+       SASL_PLAINTEXT, SCRAM-SHA-512: the bus's own services (one
#                                    user each, acd.<service>, allowed exactly its work by ACLs
#                                    that `acd service-access` applies), the administrator
#                                    (acd.admin, a super user) and inter-broker traffic
#                                    (acd.broker, a super user).
#   EXTERNAL   ACD_KAFKA_SASL_PORT+  SASL_PLAINTEXT, SCRAM-SHA-512, for outside organisations; one
#                                    user each, allowed what `acd kafka-access` grants.
#   CONTROLLER ACD_KAFKA_CONTROLLER_PORT+  KRaft quorum: SASL_PLAINTEXT with PLAIN (KRaft cannot
#                                    use SCRAM on the controller listener), one user,
#                                    acd.controller, known only to the nodes' own configuration.
# The StandardAuthorizer denies whatever no ACL allows (allow.everyone.if.no.acl.found=false);
# the super users are acd.broker, acd.controller and acd.admin, never User:ANONYMOUS.
#
# Credentials: generated once at the first start (deploy/local/secrets.js), kept in
# .local/stacks/<name>/secrets/ (mode 0700, files 0600): kafka-users.json (acd.admin and one user
# per service), stack.json (broker, controller, FerretDB). The SCRAM users exist from the first
# moment: they are written into the metadata when the storage is formatted (kafka-storage format
# --add-scram, through a private java @argfile, never a command line). FerretDB runs with its new
# authentication (SCRAM-SHA-256) and a user created at its first start; MONGODB_URI in
# endpoints.json (mode 0600) carries it.
#
# Environment:
#   ACD_STACK                   stack name (default dev); state in .local/stacks/<name>/
#   ACD_KAFKA_NODES             1 (default) or 3
#   ACD_KAFKA_PORT              first broker port (default 9092; 3 nodes use PORT, PORT+1, PORT+2)
#   ACD_KAFKA_CONTROLLER_PORT   first controller port (default ACD_KAFKA_PORT+100)
#   ACD_KAFKA_SASL_PORT         first SASL/SCRAM port for outside organisations (default ACD_KAFKA_PORT+200)
#   ACD_MONGO_PORT              FerretDB port (default 27017)
#   ACD_KAFKA_HEAP_OPTS         JVM heap per Kafka node (default -Xms256m -Xmx768m, 3 nodes -Xmx512m)
#   ACD_KAFKA_BROKER_SESSION_MS broker.session.timeout.ms: a silent broker is fenced after this
#                               long (Kafka's default 9000; heartbeats every sixth of it)
#   ACD_START_TIMEOUT           seconds to wait for health (default 120)
#   ACD_KAFKA_CDS=0             do not create the JVM class-data-sharing archive at provision
#   ACD_STOP_TIMEOUT            seconds between SIGTERM and SIGKILL (default 30, 3 with --purge)
#   KAFKA_BROKERS + MONGODB_URI when both are set, existing servers are used and nothing is started
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
LOCAL="$ROOT/.local"

KAFKA_VERSION=3.9.1
FERRETDB_VERSION=v1.24.2
FERRETDB_MODULE=github.com/FerretDB/FerretDB

KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"
KAFKA_LOG4J="$SCRIPT_DIR/kafka/log4j.properties"
KAFKA_LIBS="$LOCAL/kafka/libs"
FERRETDB_BIN="$LOCAL/bin/ferretdb"
ID_INDEX_SRC="$SCRIPT_DIR/ferretdb-id-index"
ID_INDEX_BIN="$LOCAL/bin/ferretdb-id-index"
HEALTH="$SCRIPT_DIR/health.js"
SECRETS_JS="$SCRIPT_DIR/secrets.js"
# The bus's own Kafka clients, one SCRAM user each (libs/messaging/src/service-access.ts BUS_SERVICES)
SERVICE_USERS=(projector indicators reporting advisories oversight scheduler audit traffic gateway cli)

STACK="${ACD_STACK:-dev}"
if [[ ! "$STACK" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
  echo "stack.sh: invalid ACD_STACK name '$STACK' (letters, digits, . _ -)" >&2
  exit 2
fi
SDIR="$LOCAL/stacks/$STACK"
SECRETS="$SDIR/secrets"

log() { echo "[stack:$STACK] $*"; }
die() {
  echo "[stack:$STACK] ERROR: $*" >&2
  exit 1
}

external_servers() { [[ -n "${KAFKA_BROKERS:-}" && -n "${MONGODB_URI:-}" ]]; }

need() { command -v "$1" > /dev/null 2>&1 || die "'$1' not found on PATH ($2)"; }

# ---------------------------------------------------------------------------------------------
# provision
# ---------------------------------------------------------------------------------------------

kafka_stamp() { { echo "$KAFKA_VERSION"; cat "$KAFKA_POM"; } | sha256sum | cut -d' ' -f1; }

provision_kafka() {
  local stamp
  stamp="$(kafka_stamp)"
  if [[ -f "$LOCAL/kafka/.stamp" && "$(cat "$LOCAL/kafka/.stamp")" == "$stamp" &&
    -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
    log "Kafka $KAFKA_VERSION: already provisioned (.local/kafka/libs)"
    return
  fi
  need mvn "install Maven to resolve Kafka from Maven Central"
  log "Kafka $KAFKA_VERSION: resolving jars from Maven Central into .local/kafka/libs"
  mkdir -p "$LOCAL/kafka"
  rm -rf "$KAFKA_LIBS.tmp"
  # (Maven 3.8 prints bare ANSI resets even in batch mode; strip them)
  mvn -q -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS.tmp" -DincludeScope=runtime 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
  [[ -f "$KAFKA_LIBS.tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "Maven did not produce kafka_2.13-$KAFKA_VERSION.jar"
  rm -rf "$KAFKA_LIBS"
  mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
  echo "$stamp" > "$LOCAL/kafka/.stamp"
  log "Kafka $KAFKA_VERSION: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in .local/kafka/libs"
}

# Class-data-sharing archive of the Kafka classes (roughly halves the JVM start time on small
# machines). JDK 17 writes it when a JVM run with -XX:ArchiveClassesAtExit exits, so provisioning
# starts a throwaway single-node Kafka once. The file name is keyed by the JDK and the jar set.
kafka_cds_file() {
  if [[ -z "${KAFKA_CDS:-}" ]]; then
    KAFKA_CDS="$LOCAL/kafka/cds-$({
      java -version 2>&1
      cat "$LOCAL/kafka/.stamp" 2> /dev/null
    } | sha256sum | cut -c1-16).jsa"
  fi
  echo "$KAFKA_CDS"
}

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

provision_kafka_cds() {
  [[ "${ACD_KAFKA_CDS:-1}" == 0 ]] && return 0
  local jsa
  kafka_cds_file > /dev/null
  jsa="$KAFKA_CDS"
  if [[ -f "$jsa" ]]; then
    log "Kafka class-data-sharing archive: already provisioned"
    return 0
  fi
  need node "Node.js picks free ports"
  log "Kafka class-data-sharing archive: one trial start of Kafka to record its classes"
  local dir="$LOCAL/build/kafka-cds" bport cport
  rm -rf "$dir"
  mkdir -p "$dir/data" "$dir/logs"
  bport="$(free_port)"
  cport="$(free_port)"
  printf '%s\n' "process.roles=broker,controller" "node.id=1" \
    "controller.quorum.voters=1@127.0.0.1:$cport" \
    "listeners=PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport" \
    "controller.listener.names=CONTROLLER" \
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT" \
    "log.dirs=$dir/data" "offsets.topic.replication.factor=1" \
    "transaction.state.log.replication.factor=1" "transaction.state.log.min.isr=1" \
    > "$dir/server.properties"
  local base=(java -Xms256m -Xmx768m -XX:+UseG1GC "-Dlog4j.configuration=file:$KAFKA_LOG4J"
    "-Dkafka.logs.dir=$dir/logs" -cp "$KAFKA_LIBS/*")
  if ! "${base[@]}" kafka.tools.StorageTool format -t "$(new_cluster_id)" -c "$dir/server.properties" \
    > "$dir/logs/format.out" 2>&1; then
    log "WARNING: trial format failed (see $dir/logs/format.out); Kafka runs without the archive"
    return 0
  fi
  "${base[@]}" "-XX:ArchiveClassesAtExit=$jsa.tmp" kafka.Kafka "$dir/server.properties" \
    < /dev/null > "$dir/logs/kafka.out" 2>&1 8>&- 9>&- &
  local pid=$! i
  for i in $(seq 1 600); do
    grep -q "Kafka Server started" "$dir/logs/server.log" 2> /dev/null && break
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  kill -TERM "$pid" 2> /dev/null || true
  for i in $(seq 1 300); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  if [[ -s "$jsa.tmp" ]]; then
    mv "$jsa.tmp" "$jsa"
    rm -rf "$dir"
    log "Kafka class-data-sharing archive: written to .local/kafka/$(basename "$jsa")"
  else
    rm -f "$jsa.tmp"
    log "WARNING: no class-data-sharing archive written (see $dir/logs); Kafka runs without it"
  fi
  return 0
}

ferretdb_ok() {
  local out
  [[ -x "$1" ]] || return 1
  out="$("$1" --version 2> /dev/null)" || return 1
  [[ "$out" == *"version: $FERRETDB_VERSION"* ]]
}

provision_ferretdb() {
  if ferretdb_ok "$FERRETDB_BIN"; then
    log "FerretDB $FERRETDB_VERSION: already provisioned (.local/bin/ferretdb)"
    return
  fi
  need go "install Go to build FerretDB from the Go module proxy"
  mkdir -p "$LOCAL/bin" "$LOCAL/build"
  local tmpbin="$LOCAL/build/gobin"
  rm -rf "$tmpbin"
  log "FerretDB $FERRETDB_VERSION: go install $FERRETDB_MODULE/cmd/ferretdb@$FERRETDB_VERSION"
  # A plain module build lacks the generated build/version/version.txt and panics at start-up,
  # so the result is only kept if it reports its version.
  if GOTOOLCHAIN=local GOBIN="$tmpbin" go install "$FERRETDB_MODULE/cmd/ferretdb@$FERRETDB_VERSION" &&
    ferretdb_ok "$tmpbin/ferretdb"; then
    mv "$tmpbin/ferretdb" "$FERRETDB_BIN"
  else
    log "FerretDB $FERRETDB_VERSION: go install unusable here; building from the downloaded module source"
    local dir src="$LOCAL/build/ferretdb-src"
    dir="$(GOTOOLCHAIN=local go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
    [[ -n "$dir" && -d "$dir" ]] || die "go mod download did not report a module directory"
    rm -rf "$src"
    cp -R "$dir" "$src"
    chmod -R u+w "$src"
    echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
    echo "local" > "$src/build/version/package.txt"
    (cd "$src" && GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" go build -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb)
    mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
    rm -rf "$src"
  fi
  rm -rf "$tmpbin"
  ferretdb_ok "$FERRETDB_BIN" || die "built .local/bin/ferretdb does not report version $FERRETDB_VERSION"
  log "FerretDB $FERRETDB_VERSION: built .local/bin/ferretdb"
}

# FerretDB v1's own `_id` index on SQLite is on an expression its queries never use, so every
# lookup, update and delete by `_id` scans the collection; ferretdb-id-index (our own small Go
# program, built with the SQLite driver FerretDB itself uses) adds the index those queries use.
id_index_stamp() { cat "$ID_INDEX_SRC/go.mod" "$ID_INDEX_SRC/go.sum" "$ID_INDEX_SRC/main.go" | sha256sum | cut -d' ' -f1; }

provision_id_index() {
  local stamp
  stamp="$(id_index_stamp)"
  if [[ -x "$ID_INDEX_BIN" && -f "$ID_INDEX_BIN.stamp" && "$(cat "$ID_INDEX_BIN.stamp")" == "$stamp" ]]; then
    log "ferretdb-id-index: already provisioned (.local/bin/ferretdb-id-index)"
    return
  fi
  need go "install Go to build ferretdb-id-index"
  log "ferretdb-id-index: building from deploy/local/ferretdb-id-index"
  mkdir -p "$LOCAL/bin"
  (cd "$ID_INDEX_SRC" && GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" go build -o "$ID_INDEX_BIN.tmp" .) ||
    die "building ferretdb-id-index failed"
  mv "$ID_INDEX_BIN.tmp" "$ID_INDEX_BIN"
  echo "$stamp" > "$ID_INDEX_BIN.stamp"
}

cmd_provision() {
  mkdir -p "$LOCAL"
  exec 8> "$LOCAL/.provision.lock"
  flock 8
  provision_kafka
  provision_kafka_cds
  provision_ferretdb
  provision_id_index
  exec 8>&-
}

# ---------------------------------------------------------------------------------------------
# stack settings and processes
# ---------------------------------------------------------------------------------------------

# Settings of an existing stack are kept in stack.env; explicit env vars override ports.
load_settings() {
  local s_nodes="" s_kport="" s_cport="" s_sport="" s_mport="" s_cluster=""
  if [[ -f "$SDIR/stack.env" ]]; then
    # shellcheck disable=SC1091
    s_nodes="$(. "$SDIR/stack.env" && echo "${KAFKA_NODES:-}")"
    s_kport="$(. "$SDIR/stack.env" && echo "${KAFKA_PORT:-}")"
    s_cport="$(. "$SDIR/stack.env" && echo "${KAFKA_CONTROLLER_PORT:-}")"
    s_sport="$(. "$SDIR/stack.env" && echo "${KAFKA_SASL_PORT:-}")"
    s_mport="$(. "$SDIR/stack.env" && echo "${MONGO_PORT:-}")"
    s_cluster="$(. "$SDIR/stack.env" && echo "${CLUSTER_ID:-}")"
  fi
  NODES="${ACD_KAFKA_NODES:-${s_nodes:-1}}"
  [[ "$NODES" == 1 || "$NODES" == 3 ]] || die "ACD_KAFKA_NODES must be 1 or 3 (got '$NODES')"
  if [[ -n "$s_nodes" && "$s_nodes" != "$NODES" && -d "$SDIR/kafka-1/data" ]]; then
    die "stack '$STACK' was created with $s_nodes Kafka node(s); run 'stop --purge' before changing ACD_KAFKA_NODES"
  fi
  KPORT="${ACD_KAFKA_PORT:-${s_kport:-9092}}"
  if [[ -n "${ACD_KAFKA_CONTROLLER_PORT:-}" ]]; then
    CPORT="$ACD_KAFKA_CONTROLLER_PORT"
  elif [[ -n "${ACD_KAFKA_PORT:-}" ]]; then
    CPORT=$((KPORT + 100))
  else
    CPORT="${s_cport:-$((KPORT + 100))}"
  fi
  if [[ -n "${ACD_KAFKA_SASL_PORT:-}" ]]; then
    SPORT="$ACD_KAFKA_SASL_PORT"
  elif [[ -n "${ACD_KAFKA_PORT:-}" ]]; then
    SPORT=$((KPORT + 200))
  else
    SPORT="${s_sport:-$((KPORT + 200))}"
  fi
  MPORT="${ACD_MONGO_PORT:-${s_mport:-27017}}"
  CLUSTER_ID="$s_cluster"
  local p
  for p in "$KPORT" "$CPORT" "$SPORT" "$MPORT"; do
    [[ "$p" =~ ^[0-9]+$ ]] && ((p > 0 && p < 65534)) || die "invalid port '$p'"
  done
  local all=() id
  for id in $(node_ids); do all+=("$(broker_port "$id")" "$(controller_port "$id")" "$(sasl_port "$id")"); done
  all+=("$MPORT")
  [[ "$(printf '%s\n' "${all[@]}" | sort -u | wc -l)" == "${#all[@]}" ]] ||
    die "ports overlap: Kafka ${KPORT}+, controllers ${CPORT}+, SASL ${SPORT}+, FerretDB $MPORT (${NODES} node(s))"
}

save_settings() {
  mkdir -p "$SDIR"
  cat > "$SDIR/stack.env" << EOF
KAFKA_NODES=$NODES
KAFKA_PORT=$KPORT
KAFKA_CONTROLLER_PORT=$CPORT
KAFKA_SASL_PORT=$SPORT
MONGO_PORT=$MPORT
CLUSTER_ID=$CLUSTER_ID
EOF
}

node_ids() { seq 1 "$NODES"; }
broker_port() { echo $((KPORT + $1 - 1)); }
controller_port() { echo $((CPORT + $1 - 1)); }
sasl_port() { echo $((SPORT + $1 - 1)); }

kafka_brokers_csv() {
  local id out=""
  for id in $(node_ids); do out+="${out:+,}127.0.0.1:$(broker_port "$id")"; done
  echo "$out"
}
kafka_sasl_brokers_csv() {
  local id out=""
  for id in $(node_ids); do out+="${out:+,}127.0.0.1:$(sasl_port "$id")"; done
  echo "$out"
}
# with the credentials (endpoints.json only); mongo_uri_public for anything printed
mongo_uri() {
  local user pass
  user="$(secret stack.json mongo.username)"
  pass="$(secret stack.json mongo.password)"
  echo "mongodb://$user:$pass@127.0.0.1:$MPORT/?authSource=admin"
}
mongo_uri_public() {
  if [[ -f "$SECRETS/stack.json" ]]; then
    echo "mongodb://$(secret stack.json mongo.username):***@127.0.0.1:$MPORT/?authSource=admin"
  else
    echo "mongodb://127.0.0.1:$MPORT/ (no credentials yet: start the stack)"
  fi
}

# secret <file> <key.path>: one value from the stack's private state (never echoed to a log)
secret() { node "$SECRETS_JS" get "$SECRETS/$1" "$2"; }

# Creates the stack's credentials that do not exist yet (passwords generated once); prints the
# Kafka usernames it added.
init_secrets() { (umask 077 && node "$SECRETS_JS" init "$SECRETS" "${SERVICE_USERS[@]}"); }

write_endpoints() {
  local id json="" sasl=""
  for id in $(node_ids); do json+="${json:+,}\"127.0.0.1:$(broker_port "$id")\""; done
  for id in $(node_ids); do sasl+="${sasl:+,}\"127.0.0.1:$(sasl_port "$id")\""; done
  # mode 0600: the MongoDB URI carries the store's password
  rm -f "$SDIR/endpoints.json.tmp"
  (umask 077 && printf '{"kafkaBrokers":[%s],"kafkaSaslBrokers":[%s],"kafkaSaslMechanism":"scram-sha-512","kafkaUsersFile":"%s","mongoUri":"%s"}\n' \
    "$json" "$sasl" "$SECRETS/kafka-users.json" "$(mongo_uri)" > "$SDIR/endpoints.json.tmp")
  mv "$SDIR/endpoints.json.tmp" "$SDIR/endpoints.json"
}

print_endpoints() {
  echo "  KAFKA_BROKERS=$(kafka_brokers_csv)  (SASL/SCRAM-SHA-512: the bus's services, one user each)"
  echo "  KAFKA_SASL_BROKERS=$(kafka_sasl_brokers_csv)  (SASL/SCRAM-SHA-512, for outside organisations)"
  echo "  MONGODB_URI=$(mongo_uri_public)"
  echo "  (written to .local/stacks/$STACK/endpoints.json, mode 0600; Kafka users in secrets/kafka-users.json)"
}

# pid of a running process of this stack, or nothing (checks that the pid really is ours).
running_pid() {
  local pidfile="$SDIR/pids/$1.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile" 2> /dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  [[ -r "/proc/$pid/cmdline" ]] || return 0
  local cmdline
  cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null || true)"
  if [[ "$cmdline" == *"$SDIR/"* ]]; then
    # a zombie (already exited, not yet reaped) does not count as running
    [[ "$(awk '{print $3}' "/proc/$pid/stat" 2> /dev/null)" != "Z" ]] && echo "$pid"
  fi
  return 0
}

port_busy() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# port_free_within <port> <seconds>: true once nothing accepts on the port. A SIGKILLed process's
# listening socket outlives it for a moment while the kernel tears it down, so a restart right
# after a kill (the chaos suite's broker kills) waits for it rather than failing.
port_free_within() {
  local port="$1" i
  for i in $(seq 1 $(($2 * 10))); do
    port_busy "$port" || return 0
    sleep 0.1
  done
  return 1
}

# launch <proc-name> <logfile> <cmd...>: detached (own session), stdio to files, pid to pids/<name>.pid
launch() {
  local name="$1" out="$2"
  shift 2
  mkdir -p "$SDIR/pids"
  rm -f "$SDIR/pids/$name.pid"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$SDIR/pids/$name.pid" "$@" < /dev/null > "$out" 2>&1 8>&- 9>&- &
  local i
  for i in $(seq 1 50); do
    [[ -s "$SDIR/pids/$name.pid" ]] && return 0
    sleep 0.1
  done
  die "could not launch $name (see $out)"
}

kafka_heap() {
  if [[ -n "${ACD_KAFKA_HEAP_OPTS:-}" ]]; then
    echo "$ACD_KAFKA_HEAP_OPTS"
  elif [[ "$NODES" == 3 ]]; then
    echo "-Xms256m -Xmx512m"
  else
    echo "-Xms256m -Xmx768m"
  fi
}

# java_argv <node-dir>: sets JAVA_ARGV to the JVM command line (without main class) for one node
java_argv() {
  local ndir="$1" heap cds=() jsa
  read -r -a heap <<< "$(kafka_heap)"
  kafka_cds_file > /dev/null
  jsa="$KAFKA_CDS"
  [[ -f "$jsa" ]] && cds=("-XX:SharedArchiveFile=$jsa")
  JAVA_ARGV=(java "${heap[@]}" "${cds[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$KAFKA_LOG4J" "-Dkafka.logs.dir=$ndir/logs"
    -cp "$KAFKA_LIBS/*")
}

write_kafka_config() {
  local id="$1" ndir="$SDIR/kafka-$1" voters="" v
  for v in $(node_ids); do voters+="${voters:+,}$v@127.0.0.1:$(controller_port "$v")"; done
  local rf=1 isr=1
  if [[ "$NODES" == 3 ]]; then
    rf=3
    isr=2
  fi
  mkdir -p "$ndir/logs" "$ndir/data"
  local broker_pw controller_pw
  broker_pw="$(secret stack.json broker.password)"
  controller_pw="$(secret stack.json controller.password)"
  # mode 0600: it holds the broker's and the controller's passwords
  rm -f "$ndir/server.properties"
  (umask 077 && cat > "$ndir/server.properties") << EOF
# generated by deploy/local/stack.sh for stack '$STACK' (node $id of $NODES)
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
# INTERNAL: SASL_PLAINTEXT with SCRAM-SHA-512 for the bus's own services (one user each, with
# ACLs for exactly its work), the administrator and inter-broker traffic (acd.broker).
# EXTERNAL: SASL_PLAINTEXT with SCRAM-SHA-512 for outside organisations; one user per
# organisation (stack.sh kafka-user), allowed exactly what its ACLs say.
# CONTROLLER: the KRaft quorum, SASL_PLAINTEXT with PLAIN (SCRAM cannot serve the controller
# listener: its credentials live in the metadata the controllers serve); one user, acd.controller.
# No listener accepts an unauthenticated client; User:ANONYMOUS has no rights at all.
listeners=INTERNAL://127.0.0.1:$(broker_port "$id"),EXTERNAL://127.0.0.1:$(sasl_port "$id"),CONTROLLER://127.0.0.1:$(controller_port "$id")
advertised.listeners=INTERNAL://127.0.0.1:$(broker_port "$id"),EXTERNAL://127.0.0.1:$(sasl_port "$id")
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.internal.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="acd.broker" password="$broker_pw";
listener.name.external.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="acd.controller" password="$controller_pw" user_acd.controller="$controller_pw";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:acd.broker;User:acd.controller;User:acd.admin
log.dirs=$ndir/data
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
EOF
  # How soon the controllers fence a broker that stopped heartbeating (one SIGKILLed, say) and
  # move its partitions' leadership: Kafka's default is 9 s. The chaos suite shortens it.
  if [[ -n "${ACD_KAFKA_BROKER_SESSION_MS:-}" ]]; then
    [[ "$ACD_KAFKA_BROKER_SESSION_MS" =~ ^[0-9]+$ ]] && ((ACD_KAFKA_BROKER_SESSION_MS >= 1500)) ||
      die "ACD_KAFKA_BROKER_SESSION_MS must be a number of milliseconds, at least 1500"
    local heartbeat=$((ACD_KAFKA_BROKER_SESSION_MS / 6))
    ((heartbeat >= 250)) || heartbeat=250
    printf 'broker.session.timeout.ms=%s\nbroker.heartbeat.interval.ms=%s\n' \
      "$ACD_KAFKA_BROKER_SESSION_MS" "$heartbeat" >> "$ndir/server.properties"
  fi
}

new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && break
  done
  echo "$id"
}

# Formats a node's storage with the SCRAM users already in its bootstrap metadata (the broker's
# own, the administrator's, every service's), so none needs creating once Kafka runs. The
# passwords reach the JVM in a java @argfile readable only by us, deleted afterwards, never on a
# command line.
format_kafka() {
  local id="$1" ndir="$SDIR/kafka-$1"
  [[ -f "$ndir/data/meta.properties" ]] && return 0
  java_argv "$ndir"
  local args="$SECRETS/format-$id.args"
  node "$SECRETS_JS" scram-args "$SECRETS" "$args" || die "could not write the SCRAM users for node $id"
  "${JAVA_ARGV[@]}" kafka.tools.StorageTool format --ignore-formatted \
    -t "$CLUSTER_ID" -c "$ndir/server.properties" "@$args" > "$ndir/logs/format.out" 2>&1 || {
    rm -f "$args"
    die "formatting Kafka storage of node $id failed (see $ndir/logs/format.out)"
  }
  rm -f "$args"
}

check_kafka_ports() {
  local id="$1"
  port_free_within "$(broker_port "$id")" 10 || die "port $(broker_port "$id") (Kafka node $id) is already in use by another process"
  port_free_within "$(controller_port "$id")" 10 || die "port $(controller_port "$id") (Kafka controller $id) is already in use by another process"
  port_free_within "$(sasl_port "$id")" 10 || die "port $(sasl_port "$id") (Kafka SASL listener $id) is already in use by another process"
  return 0
}

start_kafka_node() {
  local id="$1" ndir="$SDIR/kafka-$1"
  check_kafka_ports "$id"
  log "starting Kafka node $id on 127.0.0.1:$(broker_port "$id") (SASL :$(sasl_port "$id"), controller :$(controller_port "$id")), log $ndir/logs/server.log"
  java_argv "$ndir"
  launch "kafka-$id" "$ndir/logs/kafka.out" "${JAVA_ARGV[@]}" kafka.Kafka "$ndir/server.properties"
}

# FerretDB's new authentication (--test-enable-new-auth, v1.24 on SQLite): every command but the
# handshake (hello, ping, saslStart/saslContinue, buildInfo...) needs a SCRAM-SHA-256 login. The
# user is created at the first start (--setup-*: only while the admin database does not exist),
# its password handed over in the environment (FERRETDB_SETUP_PASSWORD), never on a command line.
start_ferretdb() {
  local fdir="$SDIR/ferretdb" user pass
  mkdir -p "$fdir/data" "$fdir/state"
  user="$(secret stack.json mongo.username)"
  pass="$(secret stack.json mongo.password)"
  log "starting FerretDB on 127.0.0.1:$MPORT (SCRAM-SHA-256, user $user), log $fdir/ferretdb.log"
  FERRETDB_SETUP_PASSWORD="$pass" launch ferretdb "$fdir/ferretdb.log" "$FERRETDB_BIN" --handler=sqlite \
    --sqlite-url="file:$fdir/data/" --listen-addr="127.0.0.1:$MPORT" --telemetry=disable --debug-addr=- \
    --state-dir="$fdir/state" --log-level=info --test-enable-new-auth --setup-database=admin \
    --setup-username="$user"
}

start_id_index() {
  local fdir="$SDIR/ferretdb"
  mkdir -p "$fdir/data"
  log "starting ferretdb-id-index on $fdir/data, log $fdir/id-index.log"
  launch ferretdb-id-index "$fdir/id-index.log" "$ID_INDEX_BIN" --dir "$fdir/data"
}

# wait_kafka: the whole cluster answers metadata with all nodes registered;
# wait_kafka <id>: that node's own listener answers metadata listing itself (a restarted node is
# only reachable on its port once it has caught up; the cluster may still list it before that).
wait_kafka() {
  local timeout="${ACD_START_TIMEOUT:-120}" pids
  local users="$SECRETS/kafka-users.json"
  if [[ $# -gt 0 ]]; then
    pids="$(pids_of "kafka-$1")"
    node "$HEALTH" kafka "127.0.0.1:$(broker_port "$1")" --node "$1" --timeout "$timeout" --pids "$pids" --users "$users"
  else
    pids="$(pids_of $(node_ids | sed 's/^/kafka-/'))"
    node "$HEALTH" kafka "$(kafka_brokers_csv)" --expect "$NODES" --timeout "$timeout" --pids "$pids" --users "$users"
  fi
}

# logs in (the credentials from the stack's private state, not the command line) and lists databases
wait_mongo() {
  node "$HEALTH" mongo "mongodb://127.0.0.1:$MPORT/" --timeout "${ACD_START_TIMEOUT:-120}" \
    --pids "$(pids_of ferretdb)" --credentials "$SECRETS/stack.json"
}

# comma-separated pids recorded for the given process names
pids_of() {
  local name out=""
  for name in "$@"; do
    [[ -s "$SDIR/pids/$name.pid" ]] && out+="${out:+,}$(cat "$SDIR/pids/$name.pid")"
  done
  echo "$out"
}

stack_lock() {
  mkdir -p "$SDIR"
  exec 9> "$SDIR/.lock"
  flock 9
}

# signal_and_wait <timeout> <proc-name...>: SIGTERM, wait up to timeout seconds, then SIGKILL.
stop_procs() {
  local timeout="$1" name pid pids=() names=()
  shift
  for name in "$@"; do
    pid="$(running_pid "$name")"
    if [[ -n "$pid" ]]; then
      kill -TERM "$pid" 2> /dev/null || true
      pids+=("$pid")
      names+=("$name")
      log "stopping $name (pid $pid)"
    fi
  done
  local deadline=$((SECONDS + timeout)) i alive
  while :; do
    alive=0
    for i in "${!names[@]}"; do
      [[ -n "$(running_pid "${names[$i]}")" ]] && alive=1
    done
    ((alive == 0)) && break
    if ((SECONDS >= deadline)); then
      for i in "${!names[@]}"; do
        pid="$(running_pid "${names[$i]}")"
        if [[ -n "$pid" ]]; then
          log "${names[$i]} (pid $pid) did not stop within ${timeout}s; SIGKILL"
          kill -KILL "$pid" 2> /dev/null || true
        fi
      done
      sleep 0.2
      break
    fi
    sleep 0.2
  done
  for name in "$@"; do
    [[ -z "$(running_pid "$name")" ]] && rm -f "$SDIR/pids/$name.pid"
  done
  return 0
}

all_proc_names() {
  local id
  for id in $(node_ids); do echo "kafka-$id"; done
  echo ferretdb
  echo ferretdb-id-index
}

# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------

cmd_start() {
  if external_servers; then
    log "KAFKA_BROKERS and MONGODB_URI are set: using existing servers, starting nothing"
    echo "  KAFKA_BROKERS=$KAFKA_BROKERS"
    echo "  MONGODB_URI=$(printf '%s' "$MONGODB_URI" | sed -E 's#//[^@/]*@#//***@#')"
    return 0
  fi
  need java "install a JDK (17+) to run Kafka"
  need node "Node.js runs the health probes"
  cmd_provision
  stack_lock
  load_settings
  if [[ -f "$SDIR/kafka-1/data/meta.properties" && ! -f "$SECRETS/kafka-users.json" ]]; then
    die "stack '$STACK' was created before its internal listener required authentication, so its Kafka has no users; run 'ACD_STACK=$STACK $0 stop --purge' and start it again (this deletes its data)"
  fi
  chmod 700 "$SDIR"
  local added_users
  added_users="$(init_secrets)" || die "could not create the stack's credentials in $SECRETS"

  local to_start=() name
  for name in $(all_proc_names); do
    [[ -z "$(running_pid "$name")" ]] && to_start+=("$name")
  done
  if [[ ${#to_start[@]} -eq 0 ]]; then
    write_endpoints
    log "already running"
    print_endpoints
    return 0
  fi

  [[ -n "$CLUSTER_ID" ]] || CLUSTER_ID="$(new_cluster_id)"
  save_settings
  local started=() t0=$SECONDS id
  for id in $(node_ids); do write_kafka_config "$id"; done
  # format in parallel (one JVM each), only nodes without meta.properties
  local fpids=()
  for id in $(node_ids); do
    if [[ " ${to_start[*]} " == *" kafka-$id "* && ! -f "$SDIR/kafka-$id/data/meta.properties" ]]; then
      format_kafka "$id" &
      fpids+=($!)
    fi
  done
  for id in "${fpids[@]}"; do wait "$id" || die "formatting Kafka storage failed (see $SDIR/kafka-*/logs/format.out)"; done
  # users that did not exist when the storage was formatted (a node formatted now has them all)
  local late_users=()
  if [[ -n "$added_users" && ${#fpids[@]} -eq 0 ]]; then
    mapfile -t late_users <<< "$added_users"
  fi

  # all ports first, so a busy port fails before anything was launched
  for name in "${to_start[@]}"; do
    case "$name" in
      kafka-*) check_kafka_ports "${name#kafka-}" ;;
      ferretdb) port_free_within "$MPORT" 10 || die "port $MPORT (FerretDB) is already in use by another process" ;;
    esac
  done
  for name in "${to_start[@]}"; do
    case "$name" in
      kafka-*) start_kafka_node "${name#kafka-}" ;;
      ferretdb) start_ferretdb ;;
      ferretdb-id-index) start_id_index ;;
    esac
    started+=("$name")
  done

  if ! wait_mongo; then
    stop_procs 5 "${started[@]}"
    die "FerretDB did not become healthy; see $SDIR/ferretdb/ferretdb.log"
  fi
  if ! wait_kafka; then
    stop_procs 5 "${started[@]}"
    die "Kafka did not become healthy; see $SDIR/kafka-*/logs/server.log and kafka.out"
  fi
  local u
  for u in "${late_users[@]}"; do
    [[ -n "$u" ]] || continue
    scram_set "$(kafka_brokers_csv)" "$u" "$(user_password "$u")" ||
      die "could not create the Kafka user $u"
    log "created the SCRAM user $u"
  done
  write_endpoints
  log "healthy after $((SECONDS - t0))s"
  print_endpoints
}

# user_password <username>: its password from the stack's kafka-users.json
user_password() {
  node -e 'const u=Object.values(require(process.argv[1])).find((x)=>x.username===process.argv[2]);if(!u)process.exit(1);process.stdout.write(u.password)' \
    "$SECRETS/kafka-users.json" "$1"
}

cmd_stop() {
  local purge=0
  [[ "${1:-}" == "--purge" ]] && purge=1
  if external_servers; then
    log "KAFKA_BROKERS and MONGODB_URI are set: existing servers are used, nothing to stop"
    return 0
  fi
  if [[ ! -d "$SDIR" ]]; then
    log "no such stack (nothing to stop)"
    return 0
  fi
  stack_lock
  local timeout="${ACD_STOP_TIMEOUT:-30}"
  ((purge == 1)) && timeout="${ACD_STOP_TIMEOUT:-3}"
  # every pid file, whatever the node count
  local names=() f
  for f in "$SDIR"/pids/*.pid; do
    [[ -e "$f" ]] && names+=("$(basename "$f" .pid)")
  done
  if [[ ${#names[@]} -gt 0 ]]; then
    stop_procs "$timeout" "${names[@]}"
  fi
  log "stopped"
  if ((purge == 1)); then
    exec 9>&-
    rm -rf "$SDIR"
    log "purged .local/stacks/$STACK"
  fi
}

cmd_status() {
  if external_servers; then
    log "using existing servers"
    echo "  KAFKA_BROKERS=$KAFKA_BROKERS"
    echo "  MONGODB_URI=$(printf '%s' "$MONGODB_URI" | sed -E 's#//[^@/]*@#//***@#')"
    return 0
  fi
  if [[ ! -f "$SDIR/stack.env" ]]; then
    log "not created (run: ACD_STACK=$STACK deploy/local/stack.sh start)"
    return 0
  fi
  load_settings
  local name pid id state
  for name in $(all_proc_names); do
    pid="$(running_pid "$name")"
    state="stopped"
    [[ -n "$pid" ]] && state="running (pid $pid)"
    case "$name" in
      kafka-*)
        id="${name#kafka-}"
        printf '  %-10s %-22s 127.0.0.1:%s (SASL :%s, controller :%s)\n' "$name" \
          "$state" "$(broker_port "$id")" "$(sasl_port "$id")" "$(controller_port "$id")"
        ;;
      ferretdb) printf '  %-10s %-22s 127.0.0.1:%s\n' "$name" "$state" "$MPORT" ;;
      ferretdb-id-index) printf '  %-10s %-22s indexes _id in .local/stacks/%s/ferretdb/data\n' "$name" "$state" "$STACK" ;;
    esac
  done
  print_endpoints
}

broker_cmd() {
  local action="$1" id="${2:-}"
  [[ "$id" =~ ^[0-9]+$ ]] || die "usage: stack.sh $action <node-id>"
  [[ -f "$SDIR/stack.env" ]] || die "stack '$STACK' does not exist"
  stack_lock
  load_settings
  ((id >= 1 && id <= NODES)) || die "node id must be 1..$NODES"
  local pid
  pid="$(running_pid "kafka-$id")"
  case "$action" in
    kill-broker)
      if [[ -z "$pid" ]]; then
        log "Kafka node $id is not running"
        return 0
      fi
      log "SIGKILL Kafka node $id (pid $pid)"
      kill -KILL "$pid" 2> /dev/null || true
      local i
      for i in $(seq 1 50); do
        [[ -z "$(running_pid "kafka-$id")" ]] && break
        sleep 0.1
      done
      rm -f "$SDIR/pids/kafka-$id.pid"
      ;;
    stop-broker)
      stop_procs "${ACD_STOP_TIMEOUT:-30}" "kafka-$id"
      ;;
    start-broker)
      if [[ -n "$pid" ]]; then
        log "Kafka node $id already running (pid $pid)"
        return 0
      fi
      start_kafka_node "$id"
      if ! wait_kafka "$id"; then
        stop_procs 5 "kafka-$id"
        die "Kafka node $id did not rejoin; see $SDIR/kafka-$id/logs/server.log"
      fi
      log "Kafka node $id is back"
      ;;
  esac
}

# scram_set <bootstrap> <name> <password>: creates or replaces (rotation) the user's SCRAM-SHA-512
# credentials with Kafka's ConfigCommand (kafka-configs) over the internal listener, logged in as
# an administrator: KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD[_FILE] when KAFKA_BROKERS names other
# brokers (none: plaintext), else the stack's acd.admin. Passwords reach the JVM in files readable
# only by us, deleted afterwards, never on a command line.
scram_set() {
  local bootstrap="$1" name="$2" password="$3" admin_user="" admin_pw=""
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    admin_user="${KAFKA_SASL_USERNAME:-}"
    if [[ -n "${KAFKA_SASL_PASSWORD_FILE:-}" ]]; then
      admin_pw="$(head -n 1 "$KAFKA_SASL_PASSWORD_FILE")"
    else
      admin_pw="${KAFKA_SASL_PASSWORD:-}"
    fi
  else
    admin_user="$(secret kafka-users.json admin.username)"
    admin_pw="$(secret kafka-users.json admin.password)"
  fi
  local tmp
  tmp="$(mktemp -d)"
  chmod 700 "$tmp"
  (umask 077 && printf 'SCRAM-SHA-512=password=%s\n' "$password" > "$tmp/scram.properties")
  local client=()
  if [[ -n "$admin_user" ]]; then
    (umask 077 && printf '%s\n' "security.protocol=SASL_PLAINTEXT" "sasl.mechanism=$(printf %s "${KAFKA_SASL_MECHANISM:-scram-sha-512}" | tr a-z A-Z)" \
      "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$admin_user\" password=\"$admin_pw\";" \
      > "$tmp/client.properties")
    client=(--command-config "$tmp/client.properties")
  fi
  local cds=() jsa out rc=0
  kafka_cds_file > /dev/null
  jsa="$KAFKA_CDS"
  [[ -f "$jsa" ]] && cds=("-XX:SharedArchiveFile=$jsa" -Xshare:auto)
  out="$(java -Xms64m -Xmx256m "${cds[@]}" -XX:TieredStopAtLevel=1 "-Dlog4j.configuration=file:$KAFKA_LOG4J" \
    "-Dkafka.logs.dir=$tmp" -cp "$KAFKA_LIBS/*" kafka.admin.ConfigCommand --bootstrap-server "$bootstrap" "${client[@]}" \
    --alter --entity-type users --entity-name "$name" --add-config-file "$tmp/scram.properties" 2>&1)" || rc=$?
  if ((rc != 0)); then
    echo "$out" >&2
    tail -n 20 "$tmp/server.log" >&2 2> /dev/null || true
  fi
  rm -rf "$tmp"
  return "$rc"
}

# kafka-user <name>: SCRAM-SHA-512 credentials for an outside organisation's user (scram_set).
# The password comes on stdin, so it never shows in a process list. ACLs are separate
# (libs/identity/src/kafka/kafka-access.ts).
cmd_kafka_user() {
  local name="${1:-}" bootstrap password
  [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "usage: stack.sh kafka-user <name> (letters, digits, . _ -), password on stdin"
  need java "install a JDK (17+) to run Kafka's ConfigCommand"
  if [[ ! -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
    mkdir -p "$LOCAL"
    exec 8> "$LOCAL/.provision.lock"
    flock 8
    provision_kafka > /dev/null
    exec 8>&-
  fi
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    bootstrap="$KAFKA_BROKERS"
  else
    [[ -f "$SDIR/stack.env" ]] || die "stack '$STACK' does not exist and KAFKA_BROKERS is not set"
    [[ -f "$SECRETS/kafka-users.json" ]] || die "stack '$STACK' has no administrator credentials (start it first)"
    load_settings
    bootstrap="$(kafka_brokers_csv)"
  fi
  IFS= read -r password || true
  # SCRAM config syntax: a comma, bracket or '=' would end the value early
  [[ ${#password} -ge 12 && "$password" =~ ^[A-Za-z0-9._~-]+$ ]] ||
    die "kafka-user: the password (stdin) must be 12+ characters of letters, digits, . _ ~ -"
  scram_set "$bootstrap" "$name" "$password" || die "kafka-user: ConfigCommand failed for '$name' (bootstrap $bootstrap)"
  log "SCRAM-SHA-512 credentials set for user '$name'"
}

cmd_list() {
  local d
  [[ -d "$LOCAL/stacks" ]] || return 0
  for d in "$LOCAL/stacks"/*/; do
    [[ -d "$d" ]] || continue
    (ACD_STACK="$(basename "$d")" "$0" status)
  done
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    provision) cmd_provision ;;
    start) cmd_start ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status ;;
    kill-broker | stop-broker | start-broker) broker_cmd "$cmd" "$@" ;;
    list) cmd_list ;;
    kafka-user) cmd_kafka_user "$@" ;;
    *)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      [[ -z "$cmd" || "$cmd" == help || "$cmd" == -h || "$cmd" == --help ]] || exit 2
      ;;
  esac
}

main "$@"
