#!/usr/bin/env bash
# Builds and installs pgvector (the `vector` extension: HNSW vector search) into the local
# PostgreSQL server, from Debian's source package of pgvector, on Debian releases that ship no
# binary package for this server's version (bookworm has none for PostgreSQL 15). The search
# index uses it when it is there (see "Vector search" in the README) and falls back to
# signatures + exact rescoring when it is not. Safe to run again: does nothing when the extension
# is already installed. Needs root (apt-get, make install), and reaches only Debian's archive.
#   bash scripts/install-pgvector.sh            # newest PostgreSQL found under /usr/lib/postgresql
#   PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config bash scripts/install-pgvector.sh
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PG_CONFIG=${PG_CONFIG:-$(ls -d /usr/lib/postgresql/*/bin/pg_config 2>/dev/null | sort -V | tail -n1 || true)}
if [ -z "$PG_CONFIG" ] || [ ! -x "$PG_CONFIG" ]; then
  # Without server binaries, pg_config is missing until the dev package brings it.
  major=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$major" ]; then
    echo "install-pgvector: no PostgreSQL server under /usr/lib/postgresql; install postgresql first." >&2
    exit 1
  fi
  PG_CONFIG=/usr/lib/postgresql/$major/bin/pg_config
fi
major=$(basename "$(dirname "$(dirname "$PG_CONFIG")")")
share=/usr/share/postgresql/$major/extension
if [ -f "$share/vector.control" ]; then
  echo "pgvector is already installed for PostgreSQL $major ($(grep default_version "$share/vector.control"))."
  exit 0
fi

if [ ! -x "$PG_CONFIG" ] || [ ! -d "/usr/include/postgresql/$major/server" ]; then
  echo "Installing postgresql-server-dev-$major (the headers and PGXS an extension builds with)"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "postgresql-server-dev-$major" make gcc >/dev/null
fi

work=$(mktemp -d)
chmod 755 "$work"   # apt downloads as its own user (_apt)
trap 'rm -rf "$work"' EXIT
# A private apt configuration with the source index of a Debian release that packages pgvector;
# the system's own sources stay untouched. apt checks the download against the signed index.
mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/src"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
  >"$work/apt/sources.list"
apt=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache::Archives=$work/apt/archives")
echo "Fetching pgvector's source package from Debian"
apt-get "${apt[@]}" update -qq
(cd "$work" && apt-get "${apt[@]}" source --download-only -qq pgvector >/dev/null)
tar -xzf "$work"/pgvector_*.orig.tar.gz -C "$work/src" --strip-components=1

echo "Building pgvector $(grep default_version "$work/src/vector.control" | cut -d"'" -f2) for PostgreSQL $major"
# OPTFLAGS="": no -march=native, so the library also runs on another CPU than the one that built it.
make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
$SUDO make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" install >/dev/null
echo "pgvector installed; CREATE EXTENSION vector (the search index does it itself when it may)."
