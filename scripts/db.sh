#!/usr/bin/env bash
# Prepares PostgreSQL with pgvector for the service and its tests, on a fresh Debian machine or an
# existing one. Idempotent: a second run only checks, and takes about a second.
#
# DATABASE_URL unset: install PostgreSQL when missing, build and install pgvector from Debian's own
# source package when the extension is missing, start the cluster, create the role and the databases
# `triage` and `triage_test`, and CREATE EXTENSION vector in both.
# DATABASE_URL set: only check that the server answers and has pgvector (and TEST_DATABASE_URL too,
# when set); nothing is installed.
set -euo pipefail

DB_USER=triage
DB_PASSWORD=triage
DATABASES=(triage triage_test)
PGVECTOR_SUITE=trixie # Debian 12 has no pgvector package; trixie's source builds against PostgreSQL 15.
BUILD_DIR=${PGVECTOR_BUILD_DIR:-/var/tmp/triage-pgvector}

say() { printf 'db: %s\n' "$*" >&2; }
die() { printf 'db: error: %s\n' "$*" >&2; exit 1; }

cd "$(dirname "$0")/.."

if [[ -n "${DATABASE_URL:-}" ]]; then
  # An operator-provided server: check it, never touch it.
  go run ./cmd/triagectl db check
  if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
    DATABASE_URL=$TEST_DATABASE_URL go run ./cmd/triagectl db check
  fi
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || die "run as root or install sudo: installing PostgreSQL needs apt-get"
  SUDO=(sudo)
fi
as_postgres() { "${SUDO[@]}" runuser -u postgres -- "$@"; }

apt_updated=
apt_install() {
  if [[ -z $apt_updated ]]; then
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  say "installing $*"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# 1. PostgreSQL itself.
if ! command -v pg_lsclusters >/dev/null || [[ -z $(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null) ]]; then
  apt_install postgresql
fi
PG_MAJOR=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
[[ -n $PG_MAJOR ]] || die "no PostgreSQL server found under /usr/lib/postgresql after installing it"

# 2. A running cluster: the one on port 5432 if there is one, else the newest version's `main`.
cluster=$(pg_lsclusters --no-header | awk '$3 == 5432 {print $1, $2; exit}')
if [[ -z $cluster ]]; then
  if ! pg_lsclusters --no-header | awk -v v="$PG_MAJOR" '$1 == v && $2 == "main" {found=1} END {exit !found}'; then
    say "creating cluster $PG_MAJOR/main"
    "${SUDO[@]}" pg_createcluster "$PG_MAJOR" main >/dev/null
  fi
  cluster="$PG_MAJOR main"
fi
read -r CL_VER CL_NAME <<<"$cluster"
PG_PORT=$(pg_lsclusters --no-header | awk -v v="$CL_VER" -v n="$CL_NAME" '$1 == v && $2 == n {print $3}')
if ! pg_lsclusters --no-header | awk -v v="$CL_VER" -v n="$CL_NAME" '$1 == v && $2 == n && $4 ~ /online/ {found=1} END {exit !found}'; then
  say "starting cluster $CL_VER/$CL_NAME"
  "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$CL_VER" "$CL_NAME" start
fi
for _ in $(seq 1 50); do
  as_postgres psql -p "$PG_PORT" -Atqc 'select 1' >/dev/null 2>&1 && break
  sleep 0.2
done
as_postgres psql -p "$PG_PORT" -Atqc 'select 1' >/dev/null || die "PostgreSQL $CL_VER/$CL_NAME does not answer on port $PG_PORT"

# 3. pgvector, built from Debian's source package against this server when it is not installed.
if [[ ! -f /usr/share/postgresql/$CL_VER/extension/vector.control ]]; then
  apt_install "postgresql-server-dev-$CL_VER" make gcc dpkg-dev
  say "building pgvector from Debian's $PGVECTOR_SUITE source package"
  "${SUDO[@]}" rm -rf "$BUILD_DIR"
  "${SUDO[@]}" mkdir -p "$BUILD_DIR/lists/partial"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $PGVECTOR_SUITE main" |
    "${SUDO[@]}" tee "$BUILD_DIR/sources.list" >/dev/null
  # The source entry reaches apt only through -o options: the machine's apt sources stay untouched.
  apt_opts=(-o "Dir::Etc::SourceList=$BUILD_DIR/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$BUILD_DIR/lists" -o "APT::Sandbox::User=root")
  "${SUDO[@]}" apt-get "${apt_opts[@]}" update -qq
  (cd "$BUILD_DIR" && "${SUDO[@]}" apt-get "${apt_opts[@]}" source -qq pgvector >/dev/null)
  src=$(find "$BUILD_DIR" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  [[ -n $src ]] || die "apt-get source pgvector left no source tree in $BUILD_DIR"
  # OPTFLAGS empty, as Debian builds it: no -march=native, so the library runs on any amd64 machine.
  "${SUDO[@]}" make -s -C "$src" OPTFLAGS="" PG_CONFIG="/usr/lib/postgresql/$CL_VER/bin/pg_config" >/dev/null
  "${SUDO[@]}" make -s -C "$src" OPTFLAGS="" PG_CONFIG="/usr/lib/postgresql/$CL_VER/bin/pg_config" install >/dev/null
  [[ -f /usr/share/postgresql/$CL_VER/extension/vector.control ]] || die "pgvector built but vector.control is not installed"
fi

# 4. Role, databases and the extension.
as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -Atq <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD';
  END IF;
END
\$\$;
SQL
for db in "${DATABASES[@]}"; do
  if [[ -z $(as_postgres psql -p "$PG_PORT" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
    say "creating database $db"
    as_postgres createdb -p "$PG_PORT" -O "$DB_USER" "$db"
  fi
  as_postgres psql -p "$PG_PORT" -d "$db" -v ON_ERROR_STOP=1 -Atq -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION IF NOT EXISTS vector' >/dev/null
done

# 5. The service connects over TCP with a password, as it would to any server: prove that works.
PGPASSWORD=$DB_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "${DATABASES[0]}" -Atqc 'SELECT 1' >/dev/null ||
  die "cannot log in as $DB_USER on 127.0.0.1:$PG_PORT; check pg_hba.conf allows password logins from 127.0.0.1"
if [[ $PG_PORT != 5432 ]]; then
  say "note: the cluster listens on port $PG_PORT; set DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/triage?sslmode=disable"
fi
say "ready: PostgreSQL $CL_VER on port $PG_PORT with pgvector $(as_postgres psql -p "$PG_PORT" -d triage -Atqc "SELECT extversion FROM pg_extension WHERE extname = 'vector'")"
