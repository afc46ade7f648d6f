#!/usr/bin/env bash
# Throwaway PostgreSQL and MariaDB servers for the in-database user/database tests.
#
#   scripts/databases.sh install   apt-get install postgresql mariadb-server, only if their binaries are missing
#   scripts/databases.sh start     init (once) and start both on 127.0.0.1, or reuse them when already running;
#                                  prints TEST_PG_URL=..., TEST_MYSQL_URL=... and TEST_DB_CA_FILE=...
#                                  (both servers speak TLS with a self-signed localhost certificate)
#   scripts/databases.sh stop      stop both and delete their data directories
#   scripts/databases.sh status    exit 0 when both answer with the admin credentials
#
# Both servers get one admin user, awshooks_admin, with a password and every privilege (PostgreSQL:
# SUPERUSER; MariaDB: ALL PRIVILEGES ON *.* WITH GRANT OPTION), like an RDS master user.
# Data lives under .run/pg and .run/mysql (under /tmp/awshooks-db-* instead when the service users
# cannot reach the work tree, e.g. a checkout under /root). When run as root the servers run as the
# `postgres` and `mysql` system users; as any other user they run as that user (install needs root).
# Progress goes to stderr; stdout carries only the KEY=value results.
# Environment: PGPORT (default 25432), MYSQL_PORT (default 23306; both below Linux's ephemeral range 32768-60999, where an outgoing connection could hold the port),
# AWSHOOKS_DB_PASSWORD (default awshooks-local-pw; URL-safe characters only), DB_START_TIMEOUT (30).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN_DIR=$ROOT/.run
PG_PORT=${PGPORT:-25432}
MY_PORT=${MYSQL_PORT:-23306}
ADMIN_USER=awshooks_admin
ADMIN_PASSWORD=${AWSHOOKS_DB_PASSWORD:-awshooks-local-pw}
START_TIMEOUT=${DB_START_TIMEOUT:-30}

log() { printf '[databases] %s\n' "$*" >&2; }
die() { printf '[databases] ERROR: %s\n' "$*" >&2; exit 1; }

[[ $ADMIN_PASSWORD =~ ^[A-Za-z0-9._~-]+$ ]] || die "AWSHOOKS_DB_PASSWORD may only contain A-Z a-z 0-9 . _ ~ - (it goes into URLs unescaped)"
for _p in "$PG_PORT" "$MY_PORT"; do
  if ! [[ $_p =~ ^[0-9]+$ ]] || ((_p < 1 || _p > 65535)); then die "invalid port '$_p' (PGPORT / MYSQL_PORT)"; fi
done

# ---------------------------------------------------------------- binaries

# The real PostgreSQL server binaries: the newest /usr/lib/postgresql/<major>/bin with initdb, pg_ctl,
# postgres. (/usr/local/bin/pg_ctl or /usr/bin/* may be symlinks, wrappers or stubs: not used.)
find_pg_bin() {
  local d best='' best_major=0 major
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/pg_ctl && -x $d/initdb && -x $d/postgres && -x $d/psql && -x $d/pg_isready ]] || continue
    major=$(basename "$(dirname "$d")")
    [[ $major =~ ^[0-9]+$ ]] || continue
    if ((major > best_major)); then best=$d; best_major=$major; fi
  done
  [[ -n $best ]] && printf '%s\n' "$best"
}

first_exec() {
  local c p
  for c in "$@"; do
    if p=$(command -v "$c" 2>/dev/null) && [[ -x $p ]]; then printf '%s\n' "$p"; return 0; fi
    for p in /usr/sbin/"$c" /usr/bin/"$c"; do
      [[ -x $p ]] && { printf '%s\n' "$p"; return 0; }
    done
  done
  return 1
}

find_mysql_bins() {
  MYSQLD=$(first_exec mariadbd mysqld) || return 1
  MYSQL_INSTALL_DB=$(first_exec mariadb-install-db mysql_install_db) || return 1
  MYSQL_CLIENT=$(first_exec mariadb mysql) || return 1
  MYSQL_ADMIN=$(first_exec mariadb-admin mysqladmin) || return 1
}

have_binaries() {
  PG_BIN=$(find_pg_bin) && [[ -n $PG_BIN ]] && find_mysql_bins
}

cmd_install() {
  if have_binaries; then
    log "already installed: PostgreSQL ($PG_BIN), MariaDB ($MYSQLD)"
    return 0
  fi
  local missing=()
  [[ -n $(find_pg_bin) ]] || missing+=(postgresql)
  find_mysql_bins || missing+=(mariadb-server)
  if [[ $EUID -ne 0 ]]; then
    die "missing ${missing[*]}: installing needs root (run this script as root, or: sudo apt-get install -y postgresql mariadb-server)"
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get: install PostgreSQL and MariaDB server by hand"
  log "installing ${missing[*]} with apt-get (their packaged services are not started)"
  local tmp_policy=''
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    # Keep the packages from starting system-wide servers on 5432/3306: we start our own.
    tmp_policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$tmp_policy"
    chmod 755 "$tmp_policy"
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  mkdir -p "$RUN_DIR"
  local apt_log=$RUN_DIR/apt-databases.log
  # flock: serialised with scripts/moto.sh's apt-get calls (test.sh runs both at once).
  if ! (
    flock -w 900 9 || exit 1
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"
  ) 9>/var/lock/awshooks-apt.lock >"$apt_log" 2>&1; then
    tail -n 40 "$apt_log" >&2
    die "apt-get install ${missing[*]} failed (log above, full log in ${apt_log#"$ROOT"/})"
  fi
  if [[ -n $tmp_policy ]]; then rm -f "$tmp_policy"; trap - EXIT; fi
  have_binaries || die "packages installed but server binaries still not found (pg: /usr/lib/postgresql/*/bin, mariadb: mariadbd)"
  log "installed: PostgreSQL ($PG_BIN), MariaDB ($MYSQLD)"
}

# ---------------------------------------------------------------- locations and users

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Alive and not a zombie waiting to be reaped.
alive() {
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $st && $st != Z ]]
}

# Wait (at most 10 s) until a dead process has left the process table.
wait_gone() {
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
}

if [[ $EUID -eq 0 ]]; then
  PG_USER=postgres
  MY_USER=mysql
else
  PG_USER=$(id -un)
  MY_USER=$(id -un)
fi

# Run a command as the given service user, from a directory that user can read.
as_user() {
  local user=$1
  shift
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u "$user" -- "$@")
  else
    "$@"
  fi
}

ensure_service_users() {
  [[ $EUID -eq 0 ]] || return 0
  id -u postgres >/dev/null 2>&1 || die "system user 'postgres' is missing (it comes with the postgresql package: reinstall it)"
  if ! id -u mysql >/dev/null 2>&1; then
    log "creating system user 'mysql'"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin mysql
  fi
}

# Where the data directories go: .run/ when both service users can reach it, else a fixed /tmp path.
data_root_candidates() {
  printf '%s\n' "$RUN_DIR" "/tmp/awshooks-db-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
}

pick_data_root() {
  local dir
  mkdir -p "$RUN_DIR"
  if [[ $EUID -ne 0 ]] || { runuser -u postgres -- test -x "$RUN_DIR" && runuser -u mysql -- test -x "$RUN_DIR"; } 2>/dev/null; then
    DATA_ROOT=$RUN_DIR
  else
    dir=$(data_root_candidates | tail -n1)
    log "the service users cannot reach $RUN_DIR: keeping the data in $dir"
    mkdir -p "$dir"
    chmod 755 "$dir"
    DATA_ROOT=$dir
  fi
  PG_DIR=$DATA_ROOT/pg
  MY_DIR=$DATA_ROOT/mysql
}

# Existing data root (for status/stop): the candidate that holds data.
find_data_root() {
  local d
  DATA_ROOT=$RUN_DIR
  while read -r d; do
    if [[ -d $d/pg || -d $d/mysql ]]; then DATA_ROOT=$d; break; fi
  done < <(data_root_candidates)
  PG_DIR=$DATA_ROOT/pg
  MY_DIR=$DATA_ROOT/mysql
}

# ---------------------------------------------------------------- TLS

# A self-signed certificate for localhost/127.0.0.1, used by both servers (RDS requires TLS for
# PostgreSQL 15+, so the tests connect with TLS too). The certificate is its own CA: tests pass it
# as TEST_DB_CA_FILE to check certificate verification (DB_TLS=verify-full).
make_tls() {
  local dir=$DATA_ROOT/tls
  if [[ ! -s $dir/server.crt || ! -s $dir/server.key ]]; then
    mkdir -p "$dir"
    chmod 755 "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
      -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
      -keyout "$dir/server.key" -out "$dir/server.crt" >/dev/null 2>&1 || die "openssl could not make the test certificate"
    chmod 644 "$dir/server.crt"
    chmod 600 "$dir/server.key"
  fi
  local to owner
  for pair in "$PG_DIR:$PG_USER" "$MY_DIR:$MY_USER"; do
    to=${pair%%:*} owner=${pair##*:}
    mkdir -p "$to"
    install -m 600 "$dir/server.key" "$to/server.key"
    install -m 644 "$dir/server.crt" "$to/server.crt"
    if [[ $EUID -eq 0 ]]; then chown "$owner:" "$to/server.key" "$to/server.crt"; fi
  done
}

# ---------------------------------------------------------------- PostgreSQL

pg_url() { echo "postgres://$ADMIN_USER:$ADMIN_PASSWORD@127.0.0.1:$PG_PORT/postgres"; }

pg_login_ok() {
  PGPASSWORD=$ADMIN_PASSWORD PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -X -q -w -h 127.0.0.1 -p "$PG_PORT" \
    -U "$ADMIN_USER" -d postgres -Atc 'select 1' >/dev/null 2>&1
}

pg_running_port() {  # port of the postmaster owning our data dir, if it runs
  local pid
  [[ -f $PG_DIR/data/postmaster.pid ]] || return 1
  pid=$(sed -n 1p "$PG_DIR/data/postmaster.pid")
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  sed -n 4p "$PG_DIR/data/postmaster.pid"
}

pg_start() {
  local data=$PG_DIR/data port pwfile
  local deadline=$((SECONDS + START_TIMEOUT))
  while port=$(pg_running_port); do
    [[ $port == "$PG_PORT" ]] || die "our PostgreSQL already runs on port $port, not $PG_PORT: run 'scripts/databases.sh stop' first"
    if pg_login_ok; then
      log "reusing PostgreSQL on 127.0.0.1:$PG_PORT"
      return 0
    fi
    ((SECONDS < deadline)) || die "our PostgreSQL runs on port $PG_PORT but rejects $ADMIN_USER's login (changed AWSHOOKS_DB_PASSWORD?): run 'scripts/databases.sh stop' first"
    sleep 0.2  # still starting up or shutting down
  done
  if [[ -f $data/postmaster.pid ]]; then wait_gone "$(sed -n 1p "$data/postmaster.pid")"; fi
  if pg_login_ok; then
    log "reusing a PostgreSQL already answering on 127.0.0.1:$PG_PORT with our credentials (not started from this checkout)"
    return 0
  fi
  port_in_use "$PG_PORT" && die "port $PG_PORT on 127.0.0.1 is already in use by another process: set PGPORT to a free port"
  mkdir -p "$PG_DIR"
  chmod 700 "$PG_DIR"
  if [[ $EUID -eq 0 ]]; then chown "$PG_USER:" "$PG_DIR"; fi
  if [[ ! -f $data/PG_VERSION ]]; then
    rm -rf "$data"
    log "initdb into ${data#"$ROOT"/} (superuser $ADMIN_USER, scram-sha-256)"
    pwfile=$PG_DIR/.pwfile
    (umask 077 && printf '%s\n' "$ADMIN_PASSWORD" >"$pwfile")
    if [[ $EUID -eq 0 ]]; then chown "$PG_USER:" "$pwfile"; fi
    if ! as_user "$PG_USER" "$PG_BIN/initdb" -D "$data" -U "$ADMIN_USER" --pwfile="$pwfile" \
      --auth=scram-sha-256 --encoding=UTF8 --no-locale --no-sync >"$PG_DIR/initdb.log" 2>&1; then
      rm -f "$pwfile"
      cat "$PG_DIR/initdb.log" >&2
      die "initdb failed (log above)"
    fi
    rm -f "$pwfile"
    cat >>"$data/postgresql.conf" <<'EOF'

# --- awshooks throwaway test server (scripts/databases.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 100
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF
  fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log: ${PG_DIR#"$ROOT"/}/postgres.log)"
  if ! as_user "$PG_USER" "$PG_BIN/pg_ctl" -D "$data" -l "$PG_DIR/postgres.log" \
    -o "-c port=$PG_PORT -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=$PG_DIR/server.crt -c ssl_key_file=$PG_DIR/server.key" \
    -w -t "$START_TIMEOUT" start >/dev/null; then
    tail -n 30 "$PG_DIR/postgres.log" >&2 || true
    die "PostgreSQL did not start (log above)"
  fi
}

pg_wait() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until pg_login_ok; do
    ((SECONDS < deadline)) || { tail -n 30 "$PG_DIR/postgres.log" >&2 || true; die "PostgreSQL on port $PG_PORT does not accept $ADMIN_USER logins"; }
    sleep 0.2
  done
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  local data=$PG_DIR/data
  if pg_running_port >/dev/null; then
    as_user "$PG_USER" "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_user "$PG_USER" "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    log "PostgreSQL stopped"
  fi
  rm -rf "$PG_DIR"
}

# ---------------------------------------------------------------- MariaDB

my_url() { echo "mysql://$ADMIN_USER:$ADMIN_PASSWORD@127.0.0.1:$MY_PORT/mysql"; }

my_socket() {
  local s=$MY_DIR/mysqld.sock
  # unix socket paths are limited to 107 bytes
  if ((${#s} > 100)); then s=/tmp/awshooks-mysql-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1).sock; fi
  printf '%s\n' "$s"
}

my_login_ok() {
  MYSQL_PWD=$ADMIN_PASSWORD "$MYSQL_CLIENT" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$MY_PORT" \
    -u "$ADMIN_USER" --connect-timeout=3 -N -e 'select 1' mysql >/dev/null 2>&1
}

my_pid() {
  local pid
  [[ -f $MY_DIR/mysqld.pid ]] || return 1
  pid=$(cat "$MY_DIR/mysqld.pid" 2>/dev/null)
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  printf '%s\n' "$pid"
}

# As the invoking OS user, which mariadb-install-db made a unix_socket-authenticated admin
# (root@localhost when run as root), over the private socket.
my_root_sql() {
  "$MYSQL_CLIENT" --no-defaults --protocol=SOCKET --socket="$(my_socket)" -u "$(id -un)"
}

my_provision() {
  my_root_sql <<EOF
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
CREATE USER IF NOT EXISTS '$ADMIN_USER'@'%' IDENTIFIED BY '$ADMIN_PASSWORD';
ALTER USER '$ADMIN_USER'@'%' IDENTIFIED BY '$ADMIN_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$ADMIN_USER'@'%' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS '$ADMIN_USER'@'localhost' IDENTIFIED BY '$ADMIN_PASSWORD';
ALTER USER '$ADMIN_USER'@'localhost' IDENTIFIED BY '$ADMIN_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$ADMIN_USER'@'localhost' WITH GRANT OPTION;
FLUSH PRIVILEGES;
EOF
}

my_start() {
  local data=$MY_DIR/data socket pid port deadline
  socket=$(my_socket)
  if pid=$(my_pid); then
    port=$(cat "$MY_DIR/port" 2>/dev/null || echo '?')
    [[ $port == "$MY_PORT" ]] || die "our MariaDB already runs on port $port, not $MY_PORT: run 'scripts/databases.sh stop' first"
    my_provision || die "could not (re)create $ADMIN_USER in the running MariaDB"
    log "reusing MariaDB on 127.0.0.1:$MY_PORT (pid $pid)"
    return 0
  fi
  if my_login_ok; then
    log "reusing a MariaDB already answering on 127.0.0.1:$MY_PORT with our credentials (not started from this checkout)"
    return 0
  fi
  port_in_use "$MY_PORT" && die "port $MY_PORT on 127.0.0.1 is already in use by another process: set MYSQL_PORT to a free port"
  mkdir -p "$MY_DIR"
  chmod 750 "$MY_DIR"
  if [[ $EUID -eq 0 ]]; then chown "$MY_USER:" "$MY_DIR"; fi
  if [[ ! -d $data/mysql ]]; then
    rm -rf "$data"
    log "mariadb-install-db into ${data#"$ROOT"/}"
    if ! "$MYSQL_INSTALL_DB" --no-defaults --user="$MY_USER" --datadir="$data" \
      --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" \
      --skip-test-db --skip-name-resolve >"$MY_DIR/install-db.log" 2>&1; then
      cat "$MY_DIR/install-db.log" >&2
      die "mariadb-install-db failed (log above)"
    fi
    if [[ $EUID -eq 0 ]]; then chown -R "$MY_USER:" "$data"; fi
  fi
  rm -f "$socket" "$MY_DIR/mysqld.pid"
  log "starting MariaDB on 127.0.0.1:$MY_PORT (log: ${MY_DIR#"$ROOT"/}/mysqld.log)"
  echo "$MY_PORT" >"$MY_DIR/port"
  # --no-defaults must come first: ignore /etc/mysql/*.cnf of the packaged server.
  setsid "$MYSQLD" --no-defaults --user="$MY_USER" --datadir="$data" \
    --bind-address=127.0.0.1 --port="$MY_PORT" --socket="$socket" \
    --ssl-cert="$MY_DIR/server.crt" --ssl-key="$MY_DIR/server.key" \
    --pid-file="$MY_DIR/mysqld.pid" --log-error="$MY_DIR/mysqld.log" \
    --skip-name-resolve --skip-log-bin --performance-schema=OFF \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --max-connections=200 --innodb-buffer-pool-size=64M \
    --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --sync-binlog=0 \
    </dev/null >>"$MY_DIR/mysqld.log" 2>&1 &
  pid=$!
  deadline=$((SECONDS + START_TIMEOUT))
  until "$MYSQL_ADMIN" --no-defaults --protocol=SOCKET --socket="$socket" -u "$(id -un)" --connect-timeout=2 ping >/dev/null 2>&1; do
    if ! alive "$pid"; then
      tail -n 30 "$MY_DIR/mysqld.log" >&2 || true
      die "MariaDB exited during start-up (log above)"
    fi
    ((SECONDS < deadline)) || { tail -n 30 "$MY_DIR/mysqld.log" >&2 || true; die "MariaDB did not answer within ${START_TIMEOUT}s"; }
    sleep 0.2
  done
  my_provision || die "could not create $ADMIN_USER in MariaDB"
}

my_wait() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until my_login_ok; do
    ((SECONDS < deadline)) || { tail -n 30 "$MY_DIR/mysqld.log" >&2 || true; die "MariaDB on port $MY_PORT does not accept $ADMIN_USER logins"; }
    sleep 0.2
  done
  log "MariaDB ready on 127.0.0.1:$MY_PORT"
}

my_stop() {
  local pid i
  if pid=$(my_pid); then
    "$MYSQL_ADMIN" --no-defaults --protocol=SOCKET --socket="$(my_socket)" -u "$(id -un)" shutdown >/dev/null 2>&1 \
      || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    log "MariaDB stopped"
  fi
  rm -f "$(my_socket)"
  rm -rf "$MY_DIR"
}

# ---------------------------------------------------------------- commands

cmd_start() {
  have_binaries || cmd_install
  have_binaries || die "PostgreSQL/MariaDB binaries not found"
  ensure_service_users
  find_data_root
  if [[ ! -d $PG_DIR && ! -d $MY_DIR ]]; then pick_data_root; fi
  make_tls
  pg_start
  my_start
  pg_wait
  my_wait
  echo "TEST_PG_URL=$(pg_url)"
  echo "TEST_MYSQL_URL=$(my_url)"
  echo "TEST_DB_CA_FILE=$DATA_ROOT/tls/server.crt"
}

cmd_stop() {
  if ! have_binaries; then
    find_data_root
    [[ -d $PG_DIR || -d $MY_DIR ]] && die "database binaries are gone but data is left in $DATA_ROOT"
    log "nothing to stop"
    return 0
  fi
  local d
  while read -r d; do
    DATA_ROOT=$d PG_DIR=$d/pg MY_DIR=$d/mysql
    pg_stop
    my_stop
  done < <(data_root_candidates)
  rmdir "$(data_root_candidates | tail -n1)" 2>/dev/null || true
}

cmd_status() {
  have_binaries || { log "not installed"; return 1; }
  local rc=0
  if pg_login_ok; then log "PostgreSQL answers on 127.0.0.1:$PG_PORT"; else log "no PostgreSQL login on 127.0.0.1:$PG_PORT"; rc=1; fi
  if my_login_ok; then log "MariaDB answers on 127.0.0.1:$MY_PORT"; else log "no MariaDB login on 127.0.0.1:$MY_PORT"; rc=1; fi
  return $rc
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 install | start | stop | status" >&2
    exit 2
    ;;
esac
