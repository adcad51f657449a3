#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1, starting (or installing) them if needed, and
# that Dovecot is installed: the mail tests start private Dovecots of their own (tests/mail_servers.py).
# Used by `make test`, so that a fresh machine or CI needs no step by hand.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}
wait_for() { # wait_for <description> <command...>
  local what=$1; shift
  for _ in $(seq 1 30); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "$what did not come up" >&2; return 1
}

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "Installing PostgreSQL…"
    apt_install postgresql postgresql-client
  fi
  echo "Starting PostgreSQL…"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for PostgreSQL pg_isready -q -h 127.0.0.1 -p 5432
fi
# The test database user: trust auth as postgres on this machine; create the role if it is missing.
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1; then
  as_root su postgres -c "psql -tAc \"create role postgres superuser login\"" >/dev/null 2>&1 || true
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if ! command -v redis-server >/dev/null; then
    echo "Installing Redis…"
    apt_install redis-server
  fi
  echo "Starting Redis…"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
fi
# Installed only, never started here: the tests run their own, on free ports, and never use the
# package's system-wide one (port 143, /run/dovecot), which this machine's policy-rc.d keeps from
# starting on install. /usr/sbin may be missing from a user's PATH.
if ! command -v dovecot >/dev/null && [ ! -x /usr/sbin/dovecot ]; then
  echo "Installing Dovecot (IMAP server for the mail tests)…"
  apt_install dovecot-imapd
fi
echo "PostgreSQL and Redis are up; Dovecot is installed for the mail tests."
